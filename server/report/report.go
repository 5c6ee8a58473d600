// Package report lays out published results for people to read: the facilitator
// dashboard, the Day of Action briefing (HTML and PDF) and the young people's "what you
// told us" page.
//
// It takes its figures only from a results.Report, which package results has put
// through disclosure control as one publication per survey (so every page, export and
// API answer agrees). It makes no disclosure decisions of its own and never sees a raw
// count: the only figures it works out are sums and shares of shown figures (such as
// "happy or very happy" = shown "happy" + shown "very happy"), which anyone could work
// out from the published numbers, and it gives up ("c") when any part is hidden.
// Where it ranks figures (top themes, the most chosen answers) it ranks shown figures
// only; hidden ones follow in a fixed order, so their place says nothing about their size.
package report

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/disclosure"
	"github.com/chorus-voice/chorus/server/results"
)

// PreferNotLabel is how the "I don't want to say" answer is labelled for staff.
const PreferNotLabel = "Preferred not to say"

// Bar is one answer's published figure.
type Bar struct {
	ID, Label string
	Count     disclosure.Value
	Percent   *float64
}

func barsOf(cs []results.Count) []Bar {
	out := make([]Bar, len(cs))
	for i, c := range cs {
		out[i] = Bar{ID: c.ID, Label: c.Label, Count: c.Count, Percent: c.Percent}
		if c.ID == chorus.PreferNot {
			out[i].Label = PreferNotLabel
		}
	}
	return out
}

// Chart is one closed question's figures, for a bar chart and the table beside it.
// Single-choice, scale and tick-all questions fill Bars; grids fill Items, one list of
// bars per item, over the points named in Points.
type Chart struct {
	ID, Title, Kind string
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

// Charts returns a chart for each closed question in the report, in survey order.
func Charts(s *chorus.Survey, rep *results.Report) []Chart {
	var out []Chart
	for _, qr := range rep.Questions {
		c := Chart{ID: qr.ID, Title: qr.Text, Kind: qr.Kind, Base: qr.Answered, Bars: barsOf(qr.Options)}
		q := s.Question(qr.ID)
		switch qr.Kind {
		case chorus.KindMulti:
			c.Note = "Young people could choose more than one answer, so the percentages add up to more than 100."
			if q != nil && q.MaxChoices > 0 {
				c.Note = "Young people could choose up to " + strconv.Itoa(q.MaxChoices) + " answers, so the percentages add up to more than 100."
			}
		case chorus.KindGrid:
			c.Note = "Each row is one part of life; percentages are of the young people who answered that row."
			for i, it := range qr.Items {
				bars := barsOf(it.Options)
				if i == 0 {
					for _, b := range bars {
						c.Points = append(c.Points, b.Label)
					}
				}
				c.Items = append(c.Items, Item{ID: it.ID, Label: it.Label, Base: it.Answered, Bars: bars})
				if i == 0 || c.Base.Shown() && it.Answered.Shown() && it.Answered.N() > c.Base.N() {
					c.Base = it.Answered
				}
			}
		}
		out = append(out, c)
	}
	return out
}

// Series is a list of figures such as responses per week or per version.
type Series struct {
	Bars []Bar
}

// SeriesOf returns published counts as a series.
func SeriesOf(cs []results.Count) Series { return Series{Bars: barsOf(cs)} }

// WeekLabel turns "2026-W36" into "Week 36, 2026".
func WeekLabel(k string) string {
	y, w, ok := strings.Cut(k, "-W")
	if !ok {
		return k
	}
	n, _ := strconv.Atoi(w)
	return "Week " + strconv.Itoa(n) + ", " + y
}

// ThemeLabel names a theme for readers: for adults and for young people.
type ThemeLabel struct {
	Adult, Young string
}

// Theme is one theme's published count of young people whose free text mentions it.
type Theme struct {
	ID, Label, Young string
	Count            disclosure.Value
	Percent          *float64
}

// Themes returns the published theme counts: shown ones first, largest first; hidden
// ones after, in label order; answers no theme covers last. labels names the themes
// (from the codebook); ids without a label are turned into words.
func Themes(l *results.ListReport, labels map[string]ThemeLabel) []Theme {
	if l == nil {
		return nil
	}
	var out []Theme
	var uncoded *Theme
	for _, c := range l.Options {
		lb := labels[c.ID]
		t := Theme{ID: c.ID, Label: cmp.Or(lb.Adult, humanize(c.ID)), Young: cmp.Or(lb.Young, lb.Adult, humanize(c.ID)),
			Count: c.Count, Percent: c.Percent}
		if c.ID == chorus.ThemeUncoded {
			t.Label, t.Young = "Not covered by any theme yet", "Other things"
			uncoded = &t
			continue
		}
		if c.Count.Shown() && c.Count.N() == 0 {
			continue
		}
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b Theme) int {
		switch {
		case a.Count.Shown() && b.Count.Shown():
			return cmp.Or(cmp.Compare(b.Count.N(), a.Count.N()), cmp.Compare(a.Label, b.Label))
		case a.Count.Shown():
			return -1
		case b.Count.Shown():
			return 1
		}
		return cmp.Compare(a.Label, b.Label)
	})
	if uncoded != nil {
		out = append(out, *uncoded)
	}
	return out
}

// LabelThemes returns rep with its themes named by their adult labels, for exports such
// as CSV; a theme without a label keeps its id. rep itself is not changed.
func LabelThemes(rep *results.Report, labels map[string]ThemeLabel) *results.Report {
	if rep == nil || rep.Themes == nil || len(labels) == 0 {
		return rep
	}
	out, themes := *rep, *rep.Themes
	themes.Options = slices.Clone(themes.Options)
	for i, c := range themes.Options {
		if l := labels[c.ID].Adult; l != "" {
			themes.Options[i].Label = l
		}
	}
	out.Themes = &themes
	return &out
}

// humanize turns an id such as "family_contact" into "Family contact".
func humanize(id string) string {
	s := strings.TrimSpace(strings.NewReplacer("_", " ", "-", " ").Replace(id))
	if s == "" {
		return id
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Percent formats a percentage for reading ("38%", "12.5%"), or "" when none is shown.
func Percent(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64) + "%"
}

// share returns part as a whole-number percentage of base, or nil if either is hidden
// or the base is zero.
func share(part int, base disclosure.Value) *float64 {
	if !base.Shown() || base.N() == 0 {
		return nil
	}
	v := math.Round(float64(part) * 100 / float64(base.N()))
	return &v
}

// InTen returns a percentage as "n in 10" for easy-read pages: the nearest whole number
// of ten, at least 1 for a share above zero and at most 9 for one below 100.
func InTen(pct float64) int {
	n := int(pct/10 + 0.5)
	switch {
	case pct > 0 && n < 1:
		return 1
	case pct < 100 && n > 9:
		return 9
	}
	return n
}
