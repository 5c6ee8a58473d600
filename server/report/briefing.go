package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/disclosure"
	"github.com/chorus-voice/chorus/server/results"
)

// ChangeQuestion is the id of the free-text question that asks what would make young
// people's lives better; a survey without it uses its first long free-text question.
const ChangeQuestion = "better"

// Briefing limits: how much a one-page briefing shows. A briefing prints only quotes of
// at most MaxQuoteLen characters, so that every top theme and what young people want
// changed fit on the page whatever was approved; a facilitator approves an excerpt of a
// longer answer.
const (
	TopThemes       = 5
	QuotesPerTheme  = 1
	TopAnswers      = 5
	MaxChangeQuotes = 3
	MaxQuoteLen     = 160
)

// Quote is an approved, redacted quote from a young person, with the question it
// answered and the themes it was tagged with.
type Quote struct {
	Question string
	Themes   []string
	Text     string
}

// BriefingInput is what a briefing is laid out from.
type BriefingInput struct {
	Survey   *chorus.Survey
	Briefing *chorus.Briefing
	// Report is the published results for the briefing's area, rounded for readers
	// outside the organisation.
	Report *results.Report
	// AreaName names the area asked about.
	AreaName string
	// Labels names the survey's themes (from its codebook); may be nil.
	Labels map[string]ThemeLabel
	// Quotes are the survey's approved quotes; the briefing picks a few.
	Quotes []Quote
	// AsOf is when the figures were read (the day of the release they come from);
	// Release names that release ("" when figures are read live).
	AsOf        time.Time
	Release     string
	Attribution string
	// Lang is the language to write the briefing in ("en" if empty).
	Lang string
	// Org says who made the briefing.
	Org Org
	// Level is the level of the area asked about (geo.LevelCouncil, …); Councils names
	// the councils that run children's services there, for a constituency.
	Level    string
	Councils []string
	// ChildrenIn returns the number of children looked after by councils (or regions),
	// and false if it is not known for every one of them; nil if not known at all.
	ChildrenIn func(codes []string) (int, bool)
}

// Org is who made a briefing: the organisation's name, a contact line, and the date of
// the Day of Action, printed on every briefing.
type Org struct {
	Name, Contact string
	// DayOfAction is the date of the Day of Action, written for readers ("" if none).
	DayOfAction string
}

// MeasureRow is a headline measure as a briefing prints it: the area's figure (or its
// region's, named in Of), its region's and England's, and the comparison in words.
type MeasureRow struct {
	Label, Here, Of, Region, England, Versus string
	// VersusShort is the comparison in one word: "higher", "lower", "similar".
	VersusShort string
}

// Briefing is a Day of Action briefing laid out for HTML, PDF or CSV.
type Briefing struct {
	ID, Title, SurveyTitle string
	// AreaName is the area asked about; ShownName the area or areas whose results are
	// shown, which are wider when the area had too few answers (see Reason).
	AreaName, ShownName string
	RolledUp            bool
	// Empty is true when too few young people answered to show any results.
	Empty  bool
	Reason string
	AsOf   time.Time
	// Base is the number of young people whose answers the briefing shows.
	Base disclosure.Value
	// Groups are the headline figures, one group per question.
	Groups []Group
	// Themes are the most common themes in what young people wrote, with quotes.
	Themes []BriefingTheme
	// Changes are what young people want changed: approved quotes answering the change
	// question, under its wording (ChangeTitle).
	ChangeTitle  string
	ChangeQuotes []string
	// Who answered: by age band and by who they live with (base sizes).
	AgeBands, LiveWith Series
	// Methods are sentences for the methods note; Wordings lists the questions that
	// versions worded differently.
	Methods     []string
	Wordings    []Wording
	Attribution string
	DemoData    bool
	// Lang and Words are the language the briefing is written in and its fixed words.
	Lang  string
	Words Words
	// Sentences are the headline sentences, first on the page.
	Sentences []string
	// Measures are the headline measures with region and England beside them;
	// RegionName names the region column ("" when there is none).
	Measures   []MeasureRow
	RegionName string
	// WhyCouncil says, for a constituency, which council(s) run children's services
	// there and that the figures are theirs.
	WhyCouncil string
	// MadeBy is the line saying who made the briefing, with the Day of Action's date
	// and the day of the figures.
	MadeBy  string
	Release string
	// ResponseRate is ", about 1 in 5 of the 545 children looked after by Derby", or "".
	ResponseRate string
	// Report is the published results the briefing is laid out from (its CSV), with the
	// themes named by their labels.
	Report *results.Report
}

// BriefingTheme is a top theme with its approved quotes.
type BriefingTheme struct {
	Theme
	Quotes []string
}

// Wording is a question that versions word differently, with each wording.
type Wording struct {
	Question string
	Texts    []string // "“wording” (version; version)"
}

// ComposeBriefing lays out a briefing from its published results.
func ComposeBriefing(in BriefingInput) *Briefing {
	s, b, rep := in.Survey, in.Briefing, in.Report
	lang := cmp.Or(in.Lang, "en")
	w := WordsFor(lang)
	out := &Briefing{
		ID: b.ID, Title: b.Title, SurveyTitle: s.Title.In(lang), AreaName: in.AreaName, ShownName: in.AreaName,
		Reason: rep.Note, AsOf: in.AsOf, Base: rep.Base, Attribution: in.Attribution, DemoData: rep.ContainsDemo,
		Report: LabelThemes(rep, in.Labels), Lang: lang, Words: w, Release: in.Release,
	}
	if out.Title == "" || lang != "en" {
		out.Title = map[bool]string{true: "Briff Diwrnod Gweithredu: ", false: "Day of Action briefing: "}[lang == "cy"] + in.AreaName
	}
	out.MadeBy = madeBy(in.Org, in.AsOf, in.Release, w)
	out.WhyCouncil = whyCouncil(in.Level, in.AreaName, in.Councils, lang)
	if rep.Area != nil && len(rep.Area.Names) > 0 {
		out.ShownName = joinAnd(rep.Area.Names)
		out.RolledUp = rep.Note != ""
	}
	out.Empty = rep.Base.Suppressed() || rep.Base.N() == 0
	if out.Empty {
		if out.Reason == "" {
			out.Reason = fmt.Sprintf("Too few young people have answered so far to show results for %s without risking someone being identified.", in.AreaName)
		}
		out.Methods = briefingMethods(s, out, rep)
		return out
	}
	out.Groups = Headlines(s, rep, lang)
	out.Measures, out.RegionName = measureRows(s, rep, lang)
	if in.ChildrenIn != nil && rep.Area != nil {
		if n, ok := in.ChildrenIn(rep.Area.Codes); ok {
			out.ResponseRate = responseRate(rep.Base, n, out.ShownName, lang)
		}
	}
	quotes := slices.DeleteFunc(slices.Clone(in.Quotes), func(q Quote) bool { return !FitsBriefing(q.Text) })
	quotesFor := quotePicker(quotes)
	for _, t := range Themes(rep.Themes, in.Labels) {
		if len(out.Themes) == TopThemes || t.Count.Suppressed() || t.ID == chorus.ThemeUncoded {
			break
		}
		out.Themes = append(out.Themes, BriefingTheme{Theme: t, Quotes: quotesFor(t.ID, QuotesPerTheme)})
	}
	if cq := changeQuestion(s); cq != nil {
		out.ChangeTitle = cq.Text.In("en")
		for _, q := range quotes {
			if q.Question == cq.ID && len(out.ChangeQuotes) < MaxChangeQuotes && !used(out.Themes, q.Text) {
				out.ChangeQuotes = append(out.ChangeQuotes, q.Text)
			}
		}
	}
	out.AgeBands, out.LiveWith = SeriesOf(rep.AgeBands), SeriesOf(rep.LiveWith)
	for _, qr := range rep.Questions {
		// Only the questions whose figures the briefing shows: their wordings explain them.
		if len(qr.Wordings) < 2 || !slices.ContainsFunc(out.Groups, func(g Group) bool { return g.Question == qr.ID }) {
			continue
		}
		w := Wording{Question: qr.Text}
		for _, wd := range qr.Wordings {
			var labels []string
			for _, id := range wd.Versions {
				if v := s.Version(id); v != nil {
					labels = append(labels, v.Label.In("en"))
				} else {
					labels = append(labels, id)
				}
			}
			w.Texts = append(w.Texts, "“"+wd.Text+"” ("+strings.Join(labels, "; ")+")")
		}
		out.Wordings = append(out.Wordings, w)
	}
	out.Methods = briefingMethods(s, out, rep)
	out.Sentences = Sentences(s, out, rep, lang)
	return out
}

// measureRows lays out the report's measures with region and England beside them, and
// names the region column ("" when no measure has a region figure).
func measureRows(s *chorus.Survey, rep *results.Report, lang string) ([]MeasureRow, string) {
	w := WordsFor(lang)
	var rows []MeasureRow
	region := ""
	fig := func(sh disclosure.Share) string {
		if !sh.Shown() {
			return disclosure.Symbol
		}
		if b, p := sh.Bound(); b != "" {
			if lang == "cy" {
				return map[string]string{"fewer than": "<", "more than": ">"}[b] + strconv.Itoa(p) + "%"
			}
			return map[string]string{"fewer than": "<", "more than": ">"}[b] + strconv.Itoa(p) + "%"
		}
		return sh.String()
	}
	for _, m := range rep.Measures {
		r := MeasureRow{Label: upper(measureLabel(s, m, lang)), Here: fig(m.Share), Versus: versusWords(m.VersusEngland, w),
			VersusShort: versusShort(m.VersusEngland, lang)}
		if m.Of != nil && m.Of.Code != "" && rep.Area != nil && !slices.Contains(rep.Area.Codes, m.Of.Code) && m.Share.Shown() {
			r.Of = m.Of.Name
		}
		if m.Region != nil {
			r.Region, region = fig(m.Region.Share), m.Region.Name
		}
		if m.England != nil {
			r.England = fig(m.England.Share)
		}
		rows = append(rows, r)
	}
	return rows, region
}

// versusShort is a comparison with England in one word, or "".
func versusShort(v, lang string) string {
	if lang == "cy" {
		return map[string]string{"higher": "uwch", "lower": "is", "similar": "tebyg"}[v]
	}
	return v
}

// madeBy is the line saying who made a briefing and when its figures are from.
func madeBy(o Org, asOf time.Time, release string, w Words) string {
	var parts []string
	if o.Name != "" {
		parts = append(parts, w.MadeBy+" "+o.Name)
	}
	if o.Contact != "" {
		parts = append(parts, w.Contact+": "+o.Contact)
	}
	if o.DayOfAction != "" {
		parts = append(parts, w.DayOfAction+" "+o.DayOfAction)
	}
	asAt := w.AsOf + " " + dateIn(asOf, w.Lang)
	if release != "" {
		asAt += " (release " + release + ")"
		if w.Lang == "cy" {
			asAt = w.AsOf + " " + dateIn(asOf, w.Lang) + " (rhyddhad " + release + ")"
		}
	}
	parts = append(parts, upper(asAt))
	return strings.Join(parts, " · ")
}

var welshMonths = []string{"Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr"}

// dateIn writes a day in lang: "6 December 2026", "6 Rhagfyr 2026".
func dateIn(t time.Time, lang string) string {
	t = t.UTC()
	if lang == "cy" {
		return fmt.Sprintf("%d %s %d", t.Day(), welshMonths[t.Month()-1], t.Year())
	}
	return t.Format("2 January 2006")
}

// whyCouncil says which council(s) run children's services in a constituency and that
// the figures are theirs; "" for other areas.
func whyCouncil(level, area string, councils []string, lang string) string {
	if level != "constituency" || len(councils) == 0 {
		return ""
	}
	cy := lang == "cy"
	if len(councils) == 1 {
		if cy {
			return fmt.Sprintf("Cynghorau sy'n rhedeg gwasanaethau plant, nid etholaethau: yn %s, %s sy'n gwneud hynny, felly ffigurau %s yw'r rhain, ar gyfer y bobl ifanc yn ei ofal.", area, councils[0], councils[0])
		}
		return fmt.Sprintf("Children's services are run by councils, not constituencies: in %s they are run by %s, so these are %s's figures, for the young people in its care.", area, councils[0], councils[0])
	}
	names := joinAnd(councils)
	if cy {
		names = strings.Join(councils[:len(councils)-1], ", ") + " a " + councils[len(councils)-1]
		return fmt.Sprintf("Cynghorau sy'n rhedeg gwasanaethau plant, nid etholaethau: mae %s wedi'i rhannu rhwng %d chyngor, %s, felly ffigurau'r cynghorau hyn gyda'i gilydd yw'r rhain.", area, len(councils), names)
	}
	return fmt.Sprintf("Children's services are run by councils, not constituencies: %s is split between %d councils, %s, so these are those councils' figures together.", area, len(councils), names)
}

// FitsBriefing reports whether an approved quote is short enough for briefings to print.
func FitsBriefing(quote string) bool {
	return utf8.RuneCountInString(quote) <= MaxQuoteLen
}

// changeQuestion returns the survey's "what would make your life better" question.
func changeQuestion(s *chorus.Survey) *chorus.Question {
	if q := s.Question(ChangeQuestion); q != nil && (q.Kind == chorus.KindLongText || q.Kind == chorus.KindShortText) {
		return q
	}
	for _, q := range s.Questions {
		if q.Kind == chorus.KindLongText {
			return q
		}
	}
	return nil
}

// quotePicker returns a function giving up to n quotes tagged with a theme, each quote
// used once.
func quotePicker(quotes []Quote) func(theme string, n int) []string {
	taken := map[int]bool{}
	return func(theme string, n int) []string {
		var out []string
		for i, q := range quotes {
			if len(out) == n {
				break
			}
			if !taken[i] && slices.Contains(q.Themes, theme) {
				taken[i] = true
				out = append(out, q.Text)
			}
		}
		return out
	}
}

func used(themes []BriefingTheme, text string) bool {
	for _, t := range themes {
		if slices.Contains(t.Quotes, text) {
			return true
		}
	}
	return false
}

// briefingMethods writes the methods note.
func briefingMethods(s *chorus.Survey, b *Briefing, rep *results.Report) []string {
	var m []string
	date := b.AsOf.UTC().Format("2 January 2006")
	if b.Empty {
		m = append(m, fmt.Sprintf("Figures as at %s from the anonymous survey “%s”.", date, b.SurveyTitle))
	} else {
		m = append(m, fmt.Sprintf("These are the answers of %s young people in %s to the anonymous survey “%s”, as at %s. Nobody was asked their name, and no figure here describes a single young person.",
			b.Base, b.ShownName, b.SurveyTitle, date))
	}
	if b.Empty && b.Reason != "" {
		m = append(m, b.Reason) // a rolled-up briefing says why in its notice
	}
	if len(s.Versions) > 1 {
		var labels []string
		for _, v := range s.Versions {
			labels = append(labels, v.Label.In("en"))
		}
		m = append(m, fmt.Sprintf("Answers from the survey's %d versions, written for different ages and reading needs, are added together (%s). Each question means the same in every version; where the words differ, they are listed below.",
			len(s.Versions), strings.Join(labels, "; ")))
	}
	m = append(m, rep.Methods)
	if len(b.Measures) > 0 {
		sp := disclosure.SharePolicy{MinBase: s.SharePolicy.MinBase, RoundTo: s.SharePolicy.RoundTo, Extremes: s.SharePolicy.Extremes}
		m = append(m, "Each measure is the share of young people who answered the question who gave the answers it counts (such as “happy” or “very happy”), out of everyone who answered, including those who preferred not to say. "+
			sp.Note(rep.Threshold)+" Where too few answered in an area, its region's figure is shown and named. "+
			"“Higher” or “lower than England” is said only where a two-proportion z-test of the area against the rest of England finds a difference at the 5% level (95% confidence); otherwise “similar to England”.")
	}
	if len(b.Themes) > 0 {
		m = append(m, "Themes count the young people whose written answers mention each theme, from the survey's codebook; one young person can mention several. Quotes appear only after a facilitator has approved them, with names and other details removed.")
	}
	if b.DemoData {
		m = append(m, "These results include synthetic demo responses, not real young people's answers.")
	}
	return m
}

func joinAnd(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
