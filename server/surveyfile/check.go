package surveyfile

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/disclosure"
)

// kindFields lists the fields each kind of question may have besides
// id, kind, required, text, help, wording and show_if.
var kindFields = map[string][]string{
	chorus.KindSingle:    {"options", "dont_want_to_say"},
	chorus.KindMulti:     {"options", "max_choices", "dont_want_to_say"},
	chorus.KindScale:     {"scale", "scale_labels", "dont_want_to_say", "risk_lowest"},
	chorus.KindGrid:      {"items", "scale", "scale_labels", "dont_want_to_say", "risk_lowest"},
	chorus.KindShortText: {"max_length"},
	chorus.KindLongText:  {"max_length"},
	chorus.KindNumber:    {"min", "max", "dont_want_to_say"},
	chorus.KindArea:      {"dont_want_to_say"},
}

var commonFields = []string{"id", "kind", "required", "text", "help", "wording", "help_wording", "show_if"}

// check reports the mistakes the schema cannot see. It assumes the schema passed.
func (c *checker) check(f *fileSurvey, areas []chorus.Area) {
	c.checkTexts(f)
	c.checkDates(f)
	questions := map[string]int{}
	for i := range f.Questions {
		q := &f.Questions[i]
		if first, dup := questions[q.ID]; dup {
			c.errorf(pointer("questions", i, "id"), "question id %q is already used at line %d", q.ID, c.doc.lineOf(pointer("questions", first)))
			continue
		}
		questions[q.ID] = i
		c.checkQuestion(i, q)
	}
	versions := map[string]int{}
	for j := range f.Versions {
		v := &f.Versions[j]
		switch first, dup := versions[v.ID]; {
		case dup:
			c.errorf(pointer("versions", j, "id"), "version id %q is already used at line %d", v.ID, c.doc.lineOf(pointer("versions", first)))
		case v.ID == wordingEasyRead || v.ID == wordingAdultAssisted:
			c.errorf(pointer("versions", j, "id"), "%q is kept for wording that applies to every such version; choose another id", v.ID)
		default:
			versions[v.ID] = j
		}
		if lo, hi, ok := strings.Cut(v.AgeBand, "-"); ok && atoi(lo) > atoi(hi) {
			c.errorf(pointer("versions", j, "age_band"), "the band %q starts after it ends", v.AgeBand)
		}
		seen := map[string]bool{}
		for k, id := range v.Questions {
			switch _, ok := questions[id]; {
			case !ok:
				c.errorf(pointer("versions", j, "questions", k), "%q is not a question in this survey", id)
			case seen[id]:
				c.errorf(pointer("versions", j, "questions", k), "%q is listed twice", id)
			}
			seen[id] = true
		}
	}
	bands := map[string]bool{}
	for _, v := range f.Versions {
		bands[v.AgeBand] = true
	}
	wordingKeys := func(ptr string, w map[string]chorus.Text) {
		for key := range w {
			if _, ok := versions[key]; !ok && key != wordingEasyRead && key != wordingAdultAssisted {
				c.errorf(ptr+"/"+escape(key), "%q is not a version id (nor easy_read or adult_assisted)", key)
			}
		}
	}
	for i := range f.Questions {
		q := &f.Questions[i]
		wordingKeys(pointer("questions", i, "wording"), q.Wording)
		wordingKeys(pointer("questions", i, "help_wording"), q.HelpWording)
		for _, list := range []string{"options", "items"} {
			opts := q.Options
			if list == "items" {
				opts = q.Items
			}
			for k, o := range opts {
				wordingKeys(pointer("questions", i, list, k, "wording"), o.Wording)
				for b, band := range o.AgeBands {
					if !bands[band] {
						c.errorf(pointer("questions", i, list, k, "age_bands", b), "no version has the age band %q", band)
					}
				}
			}
			c.checkOffered(f, i, list, opts)
		}
		if q.ShowIf != nil {
			c.checkShowIf(f, i, questions, areas)
		}
	}
	c.checkMeasures(f, questions)
}

// checkMeasures checks that each measure counts some, not all, points of a scale
// question or a grid row, and that its share policy is usable.
func (c *checker) checkMeasures(f *fileSurvey, questions map[string]int) {
	seen := map[string]int{}
	for j, m := range f.Measures {
		at := func(path ...any) string { return pointer(append([]any{"measures", j}, path...)...) }
		if first, dup := seen[m.ID]; dup {
			c.errorf(at("id"), "measure id %q is already used at line %d", m.ID, c.doc.lineOf(pointer("measures", first)))
		}
		seen[m.ID] = j
		i, ok := questions[m.Question]
		if !ok {
			c.errorf(at("question"), "%q is not a question in this survey", m.Question)
			continue
		}
		q := &f.Questions[i]
		switch q.Kind {
		case chorus.KindScale:
			if m.Item != "" {
				c.errorf(at("item"), "%q is a scale question, which has no items; remove item", q.ID)
			}
		case chorus.KindGrid:
			if m.Item == "" {
				c.errorf(at("question"), "%q is a grid: name the row with item", q.ID)
			} else if !slices.ContainsFunc(q.Items, func(o fileOption) bool { return o.ID == m.Item }) {
				c.errorf(at("item"), "%q is not an item of %q", m.Item, q.ID)
			}
		default:
			c.errorf(at("question"), "%q is a %s question: a measure needs a scale or grid question", q.ID, q.Kind)
			continue
		}
		for k, pt := range m.Count {
			if n := atoi(pt); n < 1 || n > q.Scale {
				c.errorf(at("count", k), "%q is not a point of the %d-point scale of %q", pt, q.Scale, q.ID)
			}
		}
		if q.Scale > 0 && len(m.Count) >= q.Scale {
			c.errorf(at("count"), "counts every point of the scale, so the share would always be 100%%")
		}
	}
	if sp := f.SharePolicy; sp != nil {
		p := disclosure.SharePolicy{MinBase: sp.MinBase, RoundTo: sp.RoundTo, Extremes: sp.Extremes}
		if err := p.Validate(cmp.Or(f.Threshold, defaultThreshold)); err != nil {
			c.errorf("/share_policy", "%s", strings.TrimPrefix(err.Error(), "share policy: "))
		}
	}
}

// checkOffered checks that every version asking question i offers it at least one item,
// or two options, once age_bands are applied.
func (c *checker) checkOffered(f *fileSurvey, i int, list string, opts []fileOption) {
	if len(opts) == 0 {
		return
	}
	need := 2
	if list == "items" {
		need = 1
	}
	q := &f.Questions[i]
	for _, v := range f.Versions {
		if !slices.Contains(v.Questions, q.ID) {
			continue
		}
		n := 0
		for _, o := range opts {
			if len(o.AgeBands) == 0 || slices.Contains(o.AgeBands, v.AgeBand) {
				n++
			}
		}
		if n < need {
			c.errorf(pointer("questions", i, list), "version %q (age band %q) asks this question but is offered %d of its %s; age_bands must leave at least %d", v.ID, v.AgeBand, n, list, need)
		}
	}
}

func (c *checker) checkQuestion(i int, q *fileQuestion) {
	at := func(path ...any) string { return pointer(append([]any{"questions", i}, path...)...) }
	raw := c.doc.value.(map[string]any)["questions"].([]any)[i].(map[string]any)
	for key := range raw {
		switch {
		case slices.Contains(commonFields, key) || slices.Contains(kindFields[q.Kind], key):
		case q.Kind == chorus.KindArea && key == "options":
			c.errorf(at(key), "area questions offer the council areas from the shipped data; remove options")
		default:
			c.errorf(at(key), "%s is not used by %s questions", key, q.Kind)
		}
	}
	c.checkOptions(at("options"), q.Options)
	c.checkOptions(at("items"), q.Items)
	switch q.Kind {
	case chorus.KindMulti:
		if q.MaxChoices > len(q.Options) {
			c.errorf(at("max_choices"), "is %d but there are only %d options", q.MaxChoices, len(q.Options))
		}
	case chorus.KindScale, chorus.KindGrid:
		if _, given := raw["scale_labels"]; given && len(q.ScaleLabels) != q.Scale {
			c.errorf(at("scale_labels"), "a %d-point scale needs %d labels, not %d", q.Scale, q.Scale, len(q.ScaleLabels))
		}
	case chorus.KindNumber:
		if q.Min != nil && q.Max != nil && *q.Min >= *q.Max {
			c.errorf(at("max"), "must be more than min (%d)", *q.Min)
		}
	}
}

func (c *checker) checkOptions(ptr string, opts []fileOption) {
	seen := map[string]int{}
	for k, o := range opts {
		switch first, dup := seen[o.ID]; {
		case o.ID == chorus.PreferNot:
			c.errorf(ptr+fmt.Sprintf("/%d/id", k), "%q is kept for \"I don't want to say\"; use dont_want_to_say: true", o.ID)
		case dup:
			c.errorf(ptr+fmt.Sprintf("/%d/id", k), "id %q is already used at line %d", o.ID, c.doc.lineOf(ptr+fmt.Sprintf("/%d", first)))
		default:
			seen[o.ID] = k
		}
	}
}

// checkShowIf checks that question i's condition names an earlier question in
// every version that asks question i, and answers that question can have.
func (c *checker) checkShowIf(f *fileSurvey, i int, questions map[string]int, areas []chorus.Area) {
	q := &f.Questions[i]
	ptr := pointer("questions", i, "show_if", "question")
	j, ok := questions[q.ShowIf.Question]
	if !ok {
		c.errorf(ptr, "%q is not a question in this survey", q.ShowIf.Question)
		return
	}
	if j == i {
		c.errorf(ptr, "a question cannot depend on itself")
		return
	}
	ctrl := &f.Questions[j]
	var valid func(string) bool
	switch ctrl.Kind {
	case chorus.KindSingle, chorus.KindMulti:
		valid = func(s string) bool {
			return slices.ContainsFunc(ctrl.Options, func(o fileOption) bool { return o.ID == s })
		}
	case chorus.KindScale:
		valid = func(s string) bool { n, err := strconv.Atoi(s); return err == nil && n >= 1 && n <= ctrl.Scale }
	case chorus.KindNumber:
		valid = func(s string) bool { _, err := strconv.Atoi(s); return err == nil }
	case chorus.KindArea:
		valid = func(s string) bool {
			return areas == nil || slices.ContainsFunc(areas, func(a chorus.Area) bool { return a.Code == s })
		}
	default:
		c.errorf(ptr, "show_if cannot depend on a %s question (%q)", ctrl.Kind, ctrl.ID)
		return
	}
	for k, s := range q.ShowIf.Equals {
		if !valid(s) && !(s == chorus.PreferNot && ctrl.DontWantToSay) {
			c.errorf(pointer("questions", i, "show_if", "equals", k), "%q is not an answer to question %q", s, ctrl.ID)
		}
	}
	var missing, after []string
	for _, v := range f.Versions {
		at := slices.Index(v.Questions, q.ID)
		switch {
		case at < 0:
		case !slices.Contains(v.Questions, ctrl.ID):
			missing = append(missing, strconv.Quote(v.ID))
		case !slices.Contains(v.Questions[:at], ctrl.ID):
			after = append(after, strconv.Quote(v.ID))
		}
	}
	if len(missing) > 0 {
		c.errorf(ptr, "%q is not asked in version %s, which asks this question", ctrl.ID, strings.Join(missing, ", "))
	}
	if len(after) > 0 {
		c.errorf(ptr, "%q must be asked before this question, but comes after it in version %s", ctrl.ID, strings.Join(after, ", "))
	}
}

func (c *checker) checkDates(f *fileSurvey) {
	opens, err := parseWhen(f.Opens, false)
	if err != nil {
		c.errorf("/opens", "%q is not a real date or time", f.Opens)
	}
	closes, err2 := parseWhen(f.Closes, true)
	if err2 != nil {
		c.errorf("/closes", "%q is not a real date or time", f.Closes)
	}
	if err == nil && err2 == nil && !opens.IsZero() && !closes.IsZero() && !closes.After(opens) {
		c.errorf("/closes", "the survey closes (%s) before it opens (%s)", f.Closes, f.Opens)
	}
}

// checkTexts checks that every text has words in every language of the survey, and no others.
func (c *checker) checkTexts(f *fileSurvey) {
	langs := f.Languages
	text := func(ptr string, t chorus.Text) {
		if t == nil {
			return
		}
		for _, l := range langs {
			if t[l] == "" {
				c.errorf(ptr, "missing the %s words (%s)", langName(l), l)
			}
		}
		for l := range t {
			if !slices.Contains(langs, l) {
				c.errorf(ptr+"/"+escape(l), "%q is not one of the survey's languages (%s)", l, strings.Join(langs, ", "))
			}
		}
	}
	text("/title", f.Title)
	text("/intro", f.Intro)
	text("/privacy", f.Privacy)
	text("/risk_help", f.RiskHelp)
	for j, v := range f.Versions {
		text(pointer("versions", j, "label"), v.Label)
	}
	for i, q := range f.Questions {
		text(pointer("questions", i, "text"), q.Text)
		text(pointer("questions", i, "help"), q.Help)
		for key, w := range q.Wording {
			text(pointer("questions", i, "wording", key), w)
		}
		for key, w := range q.HelpWording {
			text(pointer("questions", i, "help_wording", key), w)
		}
		for k, o := range q.Options {
			text(pointer("questions", i, "options", k, "text"), o.Text)
			for key, w := range o.Wording {
				text(pointer("questions", i, "options", k, "wording", key), w)
			}
		}
		for k, o := range q.Items {
			text(pointer("questions", i, "items", k, "text"), o.Text)
			for key, w := range o.Wording {
				text(pointer("questions", i, "items", k, "wording", key), w)
			}
		}
		for k, l := range q.ScaleLabels {
			text(pointer("questions", i, "scale_labels", k), l)
		}
	}
	for j, m := range f.Measures {
		text(pointer("measures", j, "label"), m.Label)
		text(pointer("measures", j, "young"), m.Young)
	}
}

func langName(code string) string {
	switch code {
	case "en":
		return "English"
	case "cy":
		return "Welsh"
	case "ga":
		return "Irish"
	case "gd":
		return "Gaelic"
	}
	return code
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
