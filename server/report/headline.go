package report

import (
	"cmp"
	"slices"
	"strings"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/disclosure"
	"github.com/chorus-voice/chorus/server/results"
)

// Headline is one headline figure: the share of young people who gave an answer, such
// as "My friends: 80% happy or very happy".
type Headline struct {
	Question, Item string
	// Label names what was asked about: the grid item, the option, or the question.
	Label string
	// Answer names the answers counted, in lower case: "happy or very happy".
	Answer string
	// Percent is nil when the figure cannot be shown.
	Percent *float64
	// Base is the number of young people who answered.
	Base disclosure.Value
}

// Group is the headline figures of one question.
type Group struct {
	Question, Title string
	// Kind is "scale" for scale and grid questions (the share of answers above the
	// middle of the scale) and "multi" for tick-all questions (every answer, most chosen
	// first).
	Kind, Note string
	Items      []Headline
}

// Headlines returns the headline figures of each scale, grid and tick-all question in
// the report, with the survey's words in lang. A scale's headline is the share who chose
// a point above the middle: the sum of those points' shown counts over the number who
// answered, hidden if any of them is hidden. Grid items and tick-all answers are ranked
// by their shown shares, highest first; hidden ones follow in the survey's order.
// Questions and grid items nobody answered (asked only in versions nobody chose) are left out.
func Headlines(s *chorus.Survey, rep *results.Report, lang string) []Group {
	var out []Group
	for _, qr := range rep.Questions {
		q := s.Question(qr.ID)
		if q == nil || noneAnswered(qr.Answered) {
			continue
		}
		g := Group{Question: q.ID, Title: q.Text.In(lang)}
		switch q.Kind {
		case chorus.KindScale:
			h := positive(q, qr.Options, qr.Answered, lang)
			h.Label = q.Text.In(lang)
			g.Kind, g.Items = "scale", []Headline{h}
		case chorus.KindGrid:
			g.Kind = "scale"
			for _, it := range qr.Items {
				if noneAnswered(it.Answered) {
					continue
				}
				h := positive(q, it.Options, it.Answered, lang)
				h.Item, h.Label = it.ID, it.Label
				if item := q.Item(it.ID); item != nil {
					h.Label = item.Text.In(lang)
				}
				g.Items = append(g.Items, h)
			}
			rank(g.Items)
		case chorus.KindMulti:
			g.Kind = "multi"
			for _, c := range qr.Options {
				if c.ID == chorus.PreferNot {
					continue
				}
				label := c.Label
				if o := q.Option(c.ID); o != nil {
					label = o.Text.In(lang)
				}
				g.Items = append(g.Items, Headline{Question: q.ID, Label: label, Percent: c.Percent, Base: qr.Answered})
			}
			rank(g.Items)
		default:
			continue
		}
		if len(g.Items) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// noneAnswered reports whether a base is a shown zero: nobody answered.
func noneAnswered(base disclosure.Value) bool { return base.Shown() && base.N() == 0 }

// rank puts figures with a shown percentage first, highest first, keeping the survey's
// order among equals and among the rest.
func rank(hs []Headline) {
	slices.SortStableFunc(hs, func(a, b Headline) int {
		switch {
		case a.Percent != nil && b.Percent != nil:
			return cmp.Compare(*b.Percent, *a.Percent)
		case a.Percent != nil:
			return -1
		case b.Percent != nil:
			return 1
		}
		return 0
	})
}

// positive returns the share of a scale's answers above its middle.
func positive(q *chorus.Question, opts []results.Count, answered disclosure.Value, lang string) Headline {
	h := Headline{Question: q.ID, Base: answered}
	counts := map[string]results.Count{}
	for _, c := range opts {
		counts[c.ID] = c
	}
	sum, hidden := 0, false
	var labels []string
	for i, pt := range q.Points() {
		if 2*(i+1) <= q.Scale+1 {
			continue // at or below the middle
		}
		if i < len(q.ScaleLabels) {
			labels = append(labels, strings.ToLower(q.ScaleLabels[i].In(lang)))
		}
		c, ok := counts[pt]
		if !ok || c.Count.Suppressed() {
			hidden = true
			continue
		}
		sum += c.Count.N()
	}
	or := " or "
	if lang == "cy" {
		or = " neu "
	}
	h.Answer = strings.Join(labels, or)
	if !hidden {
		h.Percent = share(sum, answered)
	}
	return h
}
