// Package report turns a survey's raw results into what people may see: the figures of
// the facilitator dashboard, the Day of Action briefing (HTML, PDF and CSV) and the
// young people's "what you told us" page. Every number in its output has passed through
// disclosure control (server/disclosure); nothing here hands on a raw count.
//
// Lists are protected as the lines they are — one question's options and its base, a
// grid item's points and the number who answered that item, the weeks and the total —
// and collapsed answers (the "happy or very happy" headline figures) are protected as a
// list of their own before any percentage is taken. Where figures are ranked (top
// themes, the most chosen answers), only shown figures are ranked; hidden ones follow in
// a fixed order, so their position says nothing about their size.
package report

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/disclosure"
)

// PreferNotLabel is how the "I don't want to say" answer is labelled for staff.
const PreferNotLabel = "Preferred not to say"

// UncodedTheme is the theme key that results use for free-text answers no theme covers.
const UncodedTheme = "uncoded"

// Policy returns the disclosure policy for a survey's figures: the survey's threshold,
// zeros hidden, and rounding to 5 for anything people outside the organisation see
// (briefings, share links, the young people's page).
func Policy(s *chorus.Survey, outside bool) disclosure.Policy {
	p := disclosure.Policy{Threshold: s.Threshold}
	if outside {
		p.RoundTo = 5
	}
	if p.Validate() != nil {
		p.Threshold = 0 // the default, 10; a survey file with a bad threshold fails validation anyway
	}
	return p
}

// Bar is one answer's figure: its label and its count and percentage after disclosure
// control.
type Bar struct {
	ID    string
	Label string
	disclosure.Cell
}

// Chart is one closed question's figures, for a bar chart and the table beside it.
// Single-choice, scale and tick-all questions fill Bars; grids fill Items, one list of
// bars per item, over the points named in Points.
type Chart struct {
	ID    string
	Title string
	Kind  string
	// Note says how to read the chart, such as that percentages of a tick-all question
	// add up to more than 100.
	Note string
	// Base is the number of young people who answered the question.
	Base   disclosure.Value
	Bars   []Bar
	Points []string
	Items  []Item
}

// Item is one grid item's figures.
type Item struct {
	ID, Label string
	Base      disclosure.Value
	Bars      []Bar
}

// Hidden reports whether any figure of the chart is hidden.
func (c *Chart) Hidden() bool {
	if c.Base.Suppressed() || anyHidden(c.Bars) {
		return true
	}
	for _, it := range c.Items {
		if it.Base.Suppressed() || anyHidden(it.Bars) {
			return true
		}
	}
	return false
}

func anyHidden(bars []Bar) bool {
	return slices.ContainsFunc(bars, func(b Bar) bool { return b.Count.Suppressed() })
}

// answer is one answer of a question: its id and label.
type answer struct{ id, label string }

// answers lists the answers of a single, multi or scale question (or a grid's points)
// in the survey's order, with "prefer not to say" last where the question offers it.
func answers(q *chorus.Question, lang string) []answer {
	var out []answer
	switch q.Kind {
	case chorus.KindScale, chorus.KindGrid:
		for i, p := range q.Points() {
			label := p
			if i < len(q.ScaleLabels) {
				label = q.ScaleLabels[i].In(lang)
			}
			out = append(out, answer{p, label})
		}
	default:
		for _, o := range q.Options {
			out = append(out, answer{o.ID, o.Text.In(lang)})
		}
	}
	if q.DontWantToSay {
		out = append(out, answer{chorus.PreferNot, PreferNotLabel})
	}
	return out
}

func countsOf(m map[string]int, as []answer) []int {
	out := make([]int, len(as))
	for i, a := range as {
		out[i] = max(m[a.id], 0)
	}
	return out
}

func bars(as []answer, l disclosure.List) []Bar {
	out := make([]Bar, len(as))
	for i, a := range as {
		out[i] = Bar{ID: a.id, Label: a.label, Cell: l.Options[i]}
	}
	return out
}

// Charts returns a chart for each closed question of the survey with counts in r, in
// survey order: single-choice, scale, tick-all and grid questions. Area questions are
// left out (results by area are placed by RollUp instead), as are free-text and number
// questions.
func Charts(s *chorus.Survey, r *chorus.Results, p disclosure.Policy) ([]Chart, error) {
	counts := map[string]chorus.QuestionCounts{}
	for _, qc := range r.Questions {
		counts[qc.Question] = qc
	}
	var out []Chart
	for _, q := range s.Questions {
		qc, ok := counts[q.ID]
		if !ok {
			continue
		}
		c, ok, err := chart(q, qc, p)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, c)
		}
	}
	return out, nil
}

func chart(q *chorus.Question, qc chorus.QuestionCounts, p disclosure.Policy) (Chart, bool, error) {
	c := Chart{ID: q.ID, Title: q.Text.In("en"), Kind: q.Kind}
	as := answers(q, "en")
	switch q.Kind {
	case chorus.KindSingle, chorus.KindScale:
		l, err := p.Single(countsOf(qc.Options, as))
		if err != nil {
			return c, false, err
		}
		c.Base, c.Bars = l.Base, bars(as, l)
	case chorus.KindMulti:
		counts := countsOf(qc.Options, as)
		base := qc.Answered
		for _, n := range counts {
			base = max(base, n) // never less than any option: a count cannot exceed those who answered
		}
		l, err := p.Multi(counts, base)
		if err != nil {
			return c, false, err
		}
		c.Base, c.Bars = l.Base, bars(as, l)
		c.Note = "Young people could choose more than one answer, so the percentages add up to more than 100."
		if q.MaxChoices > 0 {
			c.Note = "Young people could choose up to " + strconv.Itoa(q.MaxChoices) + " answers, so the percentages add up to more than 100."
		}
	case chorus.KindGrid:
		for _, a := range as {
			c.Points = append(c.Points, a.label)
		}
		c.Base = p.Count(qc.Answered)
		for _, it := range q.Items {
			l, err := p.Single(countsOf(qc.Items[it.ID], as))
			if err != nil {
				return c, false, err
			}
			c.Items = append(c.Items, Item{ID: it.ID, Label: it.Text.In("en"), Base: l.Base, Bars: bars(as, l)})
		}
		c.Note = "Each row is one part of life; percentages are of the young people who answered that row."
	default:
		return c, false, nil
	}
	return c, true, nil
}

// Series is a list of figures that add up to a total, such as responses per week.
type Series struct {
	Total disclosure.Value
	Bars  []Bar
}

// Weeks returns responses per ISO week, oldest first, protected as one list whose total
// is the number of responses.
func Weeks(r *chorus.Results, p disclosure.Policy) (Series, error) {
	keys := make([]string, 0, len(r.Weeks))
	for k, n := range r.Weeks {
		if n > 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(compareWeeks(a, b), cmp.Compare(a, b)) })
	as := make([]answer, len(keys))
	for i, k := range keys {
		as[i] = answer{k, weekLabel(k)}
	}
	return series(r.Weeks, as, p)
}

// Versions returns responses per survey version, in the survey's order.
func Versions(s *chorus.Survey, r *chorus.Results, p disclosure.Policy) (Series, error) {
	var as []answer
	for _, v := range s.Versions {
		as = append(as, answer{v.ID, v.Label.In("en")})
	}
	return series(r.Versions, as, p)
}

// AgeBands returns responses per age band (of the survey's versions), youngest first.
func AgeBands(s *chorus.Survey, r *chorus.Results, p disclosure.Policy) (Series, error) {
	counts := map[string]int{}
	var as []answer
	for _, v := range s.Versions {
		if v.AgeBand == "" {
			continue
		}
		if _, ok := counts[v.AgeBand]; !ok {
			as = append(as, answer{v.AgeBand, "Age " + strings.Replace(v.AgeBand, "-", " to ", 1)})
		}
		counts[v.AgeBand] += r.Versions[v.ID]
	}
	slices.SortStableFunc(as, func(a, b answer) int { return cmp.Compare(bandStart(a.id), bandStart(b.id)) })
	return series(counts, as, p)
}

func bandStart(band string) int {
	n, _ := strconv.Atoi(strings.SplitN(band, "-", 2)[0])
	return n
}

func series(m map[string]int, as []answer, p disclosure.Policy) (Series, error) {
	if len(as) == 0 {
		return Series{Total: p.Count(0)}, nil
	}
	l, err := p.Single(countsOf(m, as))
	if err != nil {
		return Series{}, err
	}
	return Series{Total: l.Base, Bars: bars(as, l)}, nil
}

func splitWeek(k string) (year, week int) {
	y, w, ok := strings.Cut(k, "-W")
	if !ok {
		return 0, 0
	}
	year, _ = strconv.Atoi(y)
	week, _ = strconv.Atoi(w)
	return year, week
}

func weekLabel(k string) string {
	y, w := splitWeek(k)
	if y == 0 {
		return k
	}
	return "Week " + strconv.Itoa(w) + ", " + strconv.Itoa(y)
}

// ThemeLabel names a theme for a reader; the zero ThemeLabel falls back to the id.
type ThemeLabel struct {
	Adult, Young string
}

// Theme is one theme's count of free-text answers after disclosure control.
type Theme struct {
	ID           string
	Label, Young string
	Count        disclosure.Value
}

// Themes returns the theme counts, each hidden on its own account when small (no total
// is shown, so no line links them). Shown themes come first, largest first; hidden ones
// follow in label order, and the answers no theme covers come last. labels names the
// themes; ids without a label are turned into words.
func Themes(counts map[string]int, labels map[string]ThemeLabel, p disclosure.Policy) []Theme {
	var out []Theme
	var uncoded *Theme
	for id, n := range counts {
		if n <= 0 {
			continue
		}
		l := labels[id]
		t := Theme{ID: id, Label: cmp.Or(l.Adult, humanize(id)), Young: cmp.Or(l.Young, l.Adult, humanize(id)), Count: p.Count(n)}
		if id == UncodedTheme {
			t.Label, t.Young = "Answers that match no theme yet", "Other things"
			uncoded = &t
			continue
		}
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b Theme) int {
		switch {
		case a.Count.Shown() && b.Count.Shown():
			return cmp.Or(cmp.Compare(b.Count.N(), a.Count.N()), cmp.Compare(a.Label, b.Label), cmp.Compare(a.ID, b.ID))
		case a.Count.Shown():
			return -1
		case b.Count.Shown():
			return 1
		}
		return cmp.Or(cmp.Compare(a.Label, b.Label), cmp.Compare(a.ID, b.ID))
	})
	if uncoded != nil {
		out = append(out, *uncoded)
	}
	return out
}

// humanize turns an id such as "seeing_family" into "Seeing family".
func humanize(id string) string {
	s := strings.TrimSpace(strings.NewReplacer("_", " ", "-", " ").Replace(id))
	if s == "" {
		return id
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Percent formats a percentage for reading ("38%", "12.5%"), or "" when none may be
// shown.
func Percent(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64) + "%"
}
