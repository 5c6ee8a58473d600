package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/disclosure"
	"github.com/chorus-voice/chorus/server/results"
)

// Words are the fixed words of a briefing in one language.
type Words struct {
	Lang                                           string
	Headline, Measures, Area, Region, England      string
	Themes, NoThemes, Changes, Asked, NoChanges    string
	Who, AllIn, ByAge, ByLive, About, AsOf         string
	YoungPeople, Answered, Demo, MadeBy, Contact   string
	DayOfAction, NotShown, ComparedWithEngland     string
	Higher, Lower, Similar, RegionFigure, RolledTo string
}

var words = map[string]Words{
	"en": {Lang: "en", Headline: "In brief", Measures: "How young people feel", Area: "Here", Region: "Region", England: "England",
		Themes: "What young people talked about most", NoThemes: "No themes can be shown yet.",
		Changes: "What young people want changed", Asked: "Asked", NoChanges: "No answers to this question have been approved for quoting yet. The themes above include what young people wrote here.",
		Who: "Who answered", AllIn: "All young people in", ByAge: "By age", ByLive: "By who they live with", About: "About these figures",
		AsOf: "figures as at", YoungPeople: "young people", Answered: "young people answered in", Demo: "These results include synthetic demo responses.",
		MadeBy: "Made by", Contact: "Contact", DayOfAction: "Day of Action", NotShown: "not shown",
		ComparedWithEngland: "vs England", Higher: "higher than England", Lower: "lower than England", Similar: "similar to England",
		RegionFigure: "region", RolledTo: "Results shown are for"},
	"cy": {Lang: "cy", Headline: "Yn gryno", Measures: "Sut mae pobl ifanc yn teimlo", Area: "Yma", Region: "Rhanbarth", England: "Lloegr",
		Themes: "Beth roedd pobl ifanc yn sôn amdano fwyaf", NoThemes: "Does dim themâu i'w dangos eto.",
		Changes: "Beth mae pobl ifanc eisiau ei newid", Asked: "Gofynnwyd", NoChanges: "Does dim atebion i'r cwestiwn hwn wedi'u cymeradwyo i'w dyfynnu eto. Mae'r themâu uchod yn cynnwys yr hyn ysgrifennodd pobl ifanc yma.",
		Who: "Pwy atebodd", AllIn: "Pob person ifanc yn", ByAge: "Yn ôl oed", ByLive: "Yn ôl gyda phwy maen nhw'n byw", About: "Am y ffigurau hyn",
		AsOf: "ffigurau fel yr oedden nhw ar", YoungPeople: "o bobl ifanc", Answered: "o bobl ifanc a atebodd yn", Demo: "Mae'r canlyniadau hyn yn cynnwys ymatebion demo synthetig.",
		MadeBy: "Gwnaed gan", Contact: "Cysylltu", DayOfAction: "Diwrnod Gweithredu", NotShown: "heb ei ddangos",
		ComparedWithEngland: "a Lloegr", Higher: "yn uwch na Lloegr", Lower: "yn is na Lloegr", Similar: "tebyg i Loegr",
		RegionFigure: "rhanbarth", RolledTo: "Mae'r canlyniadau ar gyfer"},
}

// WordsFor returns the briefing's words in lang (English for a language it lacks).
func WordsFor(lang string) Words {
	if w, ok := words[lang]; ok {
		return w
	}
	return words["en"]
}

// ShareWords puts a share into plain words: "about 7 in 10", "half", "about 65%",
// "fewer than 10%", "more than 90%"; "" when the share is hidden.
func ShareWords(s disclosure.Share, lang string) string {
	cy := lang == "cy"
	if b, p := s.Bound(); b != "" {
		switch {
		case cy && b == "fewer than":
			return "llai na " + strconv.Itoa(p) + "%"
		case cy:
			return "mwy na " + strconv.Itoa(p) + "%"
		}
		return b + " " + strconv.Itoa(p) + "%"
	}
	f, ok := s.Figure()
	if !ok {
		return ""
	}
	in := func(a, b int) string {
		if cy {
			return fmt.Sprintf("tua %d o bob %d", a, b)
		}
		return fmt.Sprintf("about %d in %d", a, b)
	}
	switch {
	case f == 50 && cy:
		return "hanner"
	case f == 50:
		return "half"
	case f%10 == 0:
		return in(f/10, 10)
	case f == 25:
		return in(1, 4)
	case f == 75:
		return in(3, 4)
	case f == 35:
		return in(1, 3)
	case f == 65:
		return in(2, 3)
	case cy:
		return "tua " + strconv.Itoa(f) + "%"
	}
	return "about " + strconv.Itoa(f) + "%"
}

// versusWords is the comparison with England in words, or "".
func versusWords(v string, w Words) string {
	switch v {
	case "higher":
		return w.Higher
	case "lower":
		return w.Lower
	case "similar":
		return w.Similar
	}
	return ""
}

// upper capitalises the first letter.
func upper(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// measureLabel is a measure's label in lang, from the survey (the report holds the
// default language's).
func measureLabel(s *chorus.Survey, m results.MeasureReport, lang string) string {
	if sm := s.Measure(m.ID); sm != nil {
		return sm.Label.In(lang)
	}
	return m.Label
}

// Sentences writes three to five plain sentences for the top of a briefing from its
// published measures, themes and base: the lead measure (the survey's first) with its
// comparison with England, the measures young people were most and least often
// positive about, where the area differs from England, what young people wrote about
// most, and how many answered. Each uses only figures the briefing shows, in words that
// are true of them ("about 7 in 10" for a share shown as 70%).
func Sentences(s *chorus.Survey, b *Briefing, rep *results.Report, lang string) []string {
	w := WordsFor(lang)
	cy := lang == "cy"
	var out []string
	where := b.ShownName
	var lead *results.MeasureReport
	for i := range rep.Measures {
		if rep.Measures[i].Share.Shown() {
			lead = &rep.Measures[i]
			break
		}
	}
	ofName := func(m *results.MeasureReport) string {
		if m.Of != nil && m.Of.Name != "" {
			return m.Of.Name
		}
		return where
	}
	if lead != nil {
		label := measureLabel(s, *lead, lang)
		var sent string
		if cy {
			sent = fmt.Sprintf("Dywedodd %s o bobl ifanc mewn gofal yn %s a atebodd eu bod %s", ShareWords(lead.Share, lang), ofName(lead), label)
		} else {
			words := ShareWords(lead.Share, lang)
			if words == "half" || strings.HasSuffix(words, "%") {
				words += " of the" // "Half of the young people…", "Fewer than 25% of the young people…"
			}
			sent = fmt.Sprintf("%s young people in care in %s who answered said they are %s", upper(words), ofName(lead), label)
		}
		if v := versusWords(lead.VersusEngland, w); v != "" {
			sent += " — " + v
		}
		out = append(out, sent+".")
	}
	// Most and least often positive, among figures for the same area as the lead.
	var same []results.MeasureReport
	for _, m := range rep.Measures {
		if lead != nil && m.ID != lead.ID && m.Share.Shown() && ofName(&m) == ofName(lead) {
			same = append(same, m)
		}
	}
	slices.SortStableFunc(same, func(a, b results.MeasureReport) int { return cmp.Compare(b.Share.Approx(), a.Share.Approx()) })
	if n := len(same); n >= 2 && same[0].Share.Approx() > same[n-1].Share.Approx() {
		hi, lo := same[0], same[n-1]
		if cy {
			out = append(out, fmt.Sprintf("Roedden nhw amlaf %s (%s) a lleiaf aml %s (%s).",
				measureLabel(s, hi, lang), ShareWords(hi.Share, lang), measureLabel(s, lo, lang), ShareWords(lo.Share, lang)))
		} else {
			out = append(out, fmt.Sprintf("They were most often %s (%s) and least often %s (%s).",
				measureLabel(s, hi, lang), ShareWords(hi.Share, lang), measureLabel(s, lo, lang), ShareWords(lo.Share, lang)))
		}
	}
	// Differences from England that are unlikely to be chance.
	var higher, lower []string
	compared := 0
	for _, m := range rep.Measures {
		if lead != nil && m.ID == lead.ID {
			continue
		}
		if m.VersusEngland != "" {
			compared++
		}
		switch m.VersusEngland {
		case "higher":
			higher = append(higher, measureLabel(s, m, lang))
		case "lower":
			lower = append(lower, measureLabel(s, m, lang))
		}
	}
	and := " and "
	if cy {
		and = " a "
	}
	list := func(xs []string) string {
		if len(xs) > 3 {
			xs = xs[:3]
		}
		if len(xs) <= 1 {
			return strings.Join(xs, "")
		}
		return strings.Join(xs[:len(xs)-1], ", ") + and + xs[len(xs)-1]
	}
	switch {
	case len(higher) > 0 || len(lower) > 0:
		var parts []string
		if len(higher) > 0 {
			if cy {
				parts = append(parts, "roedd mwy yn dweud eu bod "+list(higher))
			} else {
				parts = append(parts, "more said they are "+list(higher))
			}
		}
		if len(lower) > 0 {
			if cy {
				parts = append(parts, "roedd llai yn dweud eu bod "+list(lower))
			} else {
				parts = append(parts, "fewer said they are "+list(lower))
			}
		}
		if cy {
			out = append(out, "O'i gymharu â Lloegr, "+strings.Join(parts, ", a ")+".")
		} else {
			out = append(out, "Compared with England, "+strings.Join(parts, ", and ")+".")
		}
	case compared > 0:
		if cy {
			out = append(out, "Ar y mesurau eraill, roedd yr atebion yn debyg i atebion Lloegr.")
		} else {
			out = append(out, "On the other measures, answers were similar to England's.")
		}
	}
	if len(b.Themes) > 0 {
		t := b.Themes[0]
		if cy {
			out = append(out, fmt.Sprintf("Yr hyn ysgrifennon nhw amdano fwyaf oedd %s (%s o bobl ifanc).", strings.ToLower(t.Label), t.Count))
		} else {
			out = append(out, fmt.Sprintf("What they wrote about most was %s (%s young people).", lowerFirst(t.Label), t.Count))
		}
	}
	if b.Base.Shown() {
		sent := ""
		if cy {
			sent = fmt.Sprintf("Atebodd %s o bobl ifanc yn %s", b.Base, where)
		} else {
			sent = fmt.Sprintf("%s young people in %s answered", b.Base, where)
		}
		if b.ResponseRate != "" {
			sent += b.ResponseRate
		}
		out = append(out, sent+".")
	}
	if len(out) > 5 {
		out = out[:5]
	}
	return out
}

// lowerFirst lower-cases the first letter unless the first word is an acronym.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r2, _ := utf8.DecodeRuneInString(s[n:]); unicode.IsUpper(r2) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// responseRate says what share of the children looked after answered, in words, for a
// shown base: ", about 1 in 5 of the 545 children looked after by Derby". "" when
// either is unknown.
func responseRate(base disclosure.Value, children int, by string, lang string) string {
	if !base.Shown() || children <= 0 || base.N() == 0 {
		return ""
	}
	pct := float64(base.N()) * 100 / float64(children)
	var share string
	switch {
	case pct > 100:
		return ""
	case pct >= 45 && pct <= 55:
		share = map[bool]string{true: "tua hanner", false: "about half"}[lang == "cy"]
	default:
		// "about 1 in N" for N from 2 to 20, else a rounded percentage.
		n := int(100/pct + 0.5)
		switch {
		case n >= 2 && n <= 20 && lang == "cy":
			share = fmt.Sprintf("tua 1 o bob %d", n)
		case n >= 2 && n <= 20:
			share = fmt.Sprintf("about 1 in %d", n)
		case lang == "cy":
			share = fmt.Sprintf("tua %d%%", int(pct+0.5))
		default:
			share = fmt.Sprintf("about %d%%", int(pct+0.5))
		}
	}
	if lang == "cy" {
		return fmt.Sprintf(", %s o'r %s o blant sy'n derbyn gofal gan %s", share, thousands(children), by)
	}
	return fmt.Sprintf(", %s of the %s children looked after by %s", share, thousands(children), by)
}

// thousands writes n with commas: 81,766.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
