package web

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/chorus-voice/chorus/server/chorus"
)

// Form field names: "q.<question>" for single, multi (repeated), scale, text, number
// and area questions, and "q.<question>.<item>" for each item of a grid.
const fieldPrefix = "q."

// formValues is a decoded form body: each field name with its values in order.
type formValues map[string][]string

func (f formValues) first(name string) string {
	for _, v := range f[name] {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

func (f formValues) has(name, value string) bool { return slices.Contains(f[name], value) }

// decodeAnswers reads the answers to the version's questions from a form. A number
// that is not a whole number gets a message in fields; other checks are left to
// chorus.Version.Validate.
func decodeAnswers(s *chorus.Survey, v *chorus.Version, form formValues, w *words) (chorus.Answers, map[string]string) {
	answers := chorus.Answers{}
	fields := map[string]string{}
	for _, id := range v.Questions {
		q := s.Question(id)
		if q == nil {
			continue
		}
		name := fieldPrefix + id
		switch q.Kind {
		case chorus.KindMulti:
			var picked []string
			for _, val := range form[name] {
				if val = strings.TrimSpace(val); val != "" {
					picked = append(picked, val)
				}
			}
			if len(picked) > 0 {
				answers[id] = picked
			}
		case chorus.KindGrid:
			items := map[string]string{}
			for _, it := range q.ItemsFor(v) {
				if val := form.first(name + "." + it.ID); val != "" {
					items[it.ID] = val
				}
			}
			if len(items) > 0 {
				answers[id] = items
			}
		case chorus.KindNumber:
			val := form.first(name)
			switch {
			case val == "":
			case form.has(name, chorus.PreferNot):
				answers[id] = chorus.PreferNot
			default:
				n, err := strconv.Atoi(val)
				if err != nil {
					fields[id] = w.NotANumber
					continue
				}
				answers[id] = n
			}
		default:
			if val := form.first(name); val != "" {
				answers[id] = val
			}
		}
	}
	return answers, fields
}

// questionView is one question of the questionnaire as the template shows it.
type questionView struct {
	ID, Kind, Name string
	Text, Help     string
	CondNote       string
	Error          string
	ShowIf         string // id of the question that decides whether this one shows
	ShowValues     string // space-separated answers that show it
	Options        []choiceView
	PreferNot      *choiceView
	Items          []itemView
	Value          string // text, number
	MaxLength      int
	MaxChoices     int // multi: the most a child may tick (checked as they answer, with JS)
	MaxNote        string
	Rows           int
	W              *words
}

// Describedby lists the ids of the help and error texts.
func (q *questionView) Describedby() string {
	var ids []string
	if q.Help != "" {
		ids = append(ids, "h-"+q.ID)
	}
	if q.Error != "" {
		ids = append(ids, "e-"+q.ID)
	}
	return strings.Join(ids, " ")
}

// Target is the id of the field the error summary links to.
func (q *questionView) Target() string { return "f-" + q.ID }

type itemView struct {
	ID, Label string
	Options   []choiceView
	PreferNot *choiceView
}

type choiceView struct {
	Type, Name, Value, Label, ID string
	Symbol                       string // shown beside the label, hidden from screen readers
	Face                         int    // 1..5: the face drawn beside a scale point; 0 = none
	Checked, Invalid             bool
}

// faces maps each point of a 3- or 5-point scale to one of the five faces.
var faces = map[int][]int{3: {1, 3, 5}, 5: {1, 2, 3, 4, 5}}

// buildQuestions makes the questionnaire's view of the version, with the given
// answers checked or filled in and the messages in fields shown.
func buildQuestions(s *chorus.Survey, v *chorus.Version, lang string, w *words, form formValues, fields map[string]string) []questionView {
	var out []questionView
	for _, id := range v.Questions {
		q := s.Question(id)
		if q == nil {
			continue
		}
		name := fieldPrefix + id
		qv := questionView{
			ID: id, Kind: q.Kind, Name: name,
			Text:  q.TextFor(v.ID, lang),
			Help:  q.HelpFor(v.ID, lang),
			Error: localize(fields[id], lang),
			W:     w,
		}
		invalid := qv.Error != ""
		if c := q.ShowIf; c != nil {
			qv.ShowIf, qv.ShowValues = c.Question, strings.Join(c.Equals, " ")
			if cq := s.Question(c.Question); cq != nil {
				var labels []string
				for _, val := range c.Equals {
					if o := cq.Option(val); o != nil {
						labels = append(labels, o.TextFor(v.ID, lang))
					}
				}
				if len(labels) > 0 {
					qv.CondNote = fmt.Sprintf(w.OnlyIf, strings.Join(labels, "” / “"))
				}
			}
		}
		first := true
		choice := func(typ, name, value, label string, face int) choiceView {
			c := choiceView{Type: typ, Name: name, Value: value, Label: label, Face: face,
				Checked: form.has(name, value), Invalid: invalid}
			if first {
				c.ID, first = qv.Target(), false
			}
			return c
		}
		preferNot := func(typ, name string) *choiceView {
			if !q.DontWantToSay {
				return nil
			}
			c := choice(typ, name, chorus.PreferNot, w.PreferNot, 0)
			return &c
		}
		switch q.Kind {
		case chorus.KindSingle, chorus.KindMulti:
			typ := "radio"
			if q.Kind == chorus.KindMulti {
				typ = "checkbox"
			}
			symbols := v.EasyRead || v.AdultAssisted
			for _, o := range q.OptionsFor(v) {
				c := choice(typ, name, o.ID, o.TextFor(v.ID, lang), 0)
				if symbols {
					c.Symbol = o.Symbol
				}
				qv.Options = append(qv.Options, c)
			}
			if q.Kind == chorus.KindMulti {
				qv.MaxChoices = q.MaxChoices
			}
			qv.PreferNot = preferNot(typ, name)
		case chorus.KindScale:
			qv.Options = scaleChoices(q, lang, name, choice)
			qv.PreferNot = preferNot("radio", name)
		case chorus.KindGrid:
			for _, it := range q.ItemsFor(v) {
				iname := name + "." + it.ID
				qv.Items = append(qv.Items, itemView{
					ID: id + "-" + it.ID, Label: it.TextFor(v.ID, lang),
					Options:   scaleChoices(q, lang, iname, choice),
					PreferNot: preferNot("radio", iname),
				})
			}
		case chorus.KindArea:
			opts := slices.Clone(q.Options)
			slices.SortStableFunc(opts, func(a, b chorus.Option) int { return cmp.Compare(a.Text.In(lang), b.Text.In(lang)) })
			val := form.first(name)
			for _, o := range opts {
				qv.Options = append(qv.Options, choiceView{Value: o.ID, Label: o.Text.In(lang), Checked: val == o.ID})
			}
			if q.DontWantToSay {
				qv.PreferNot = &choiceView{Value: chorus.PreferNot, Label: w.PreferNot, Checked: val == chorus.PreferNot}
			}
		case chorus.KindNumber:
			qv.Value = form.first(name)
			if qv.Value == chorus.PreferNot {
				qv.Value = ""
			}
			first = false
			qv.PreferNot = preferNot("checkbox", name)
		default: // short and long text
			qv.Value = form.first(name)
			qv.MaxLength = q.MaxLength
			if q.MaxLength > 0 && q.Kind == chorus.KindLongText {
				qv.MaxNote = fmt.Sprintf(w.UpTo, q.MaxLength)
			}
			qv.Rows = 5
		}
		out = append(out, qv)
	}
	return out
}

func scaleChoices(q *chorus.Question, lang, name string, choice func(typ, name, value, label string, face int) choiceView) []choiceView {
	var out []choiceView
	for i, p := range q.Points() {
		label := p
		if i < len(q.ScaleLabels) {
			label = q.ScaleLabels[i].In(lang)
		}
		face := 0
		if f := faces[q.Scale]; i < len(f) {
			face = f[i]
		}
		out = append(out, choice("radio", name, p, label, face))
	}
	return out
}
