package surveyport

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/chorus-voice/chorus/server/chorus"
)

func (s *sjImport) question(path, typ, name string, el map[string]any) (*chorus.Question, map[string]string, string) {
	switch typ {
	case "radiogroup", "dropdown", "checkbox", "tagbox":
		s.unusedKeys(path, el)
		q := &chorus.Question{Kind: chorus.KindSingle}
		if typ == "checkbox" || typ == "tagbox" {
			q.Kind = chorus.KindMulti
		}
		if el["chorusKind"] == chorus.KindArea {
			vals, _ := s.choices(path+".choices", el["choices"])
			q.Kind, q.DontWantToSay = chorus.KindArea, slices.Contains(vals, chorus.PreferNot)
			return q, nil, ""
		}
		vals, texts := s.choices(path+".choices", el["choices"])
		opts, ids, preferNot := s.options(path+".choices", vals, texts)
		q.Options, q.DontWantToSay = opts, preferNot
		if len(opts) < 2 {
			return nil, nil, "it has fewer than two choices"
		}
		if n, ok := intOf(el["maxSelectedChoices"]); ok && q.Kind == chorus.KindMulti && n >= 1 && n < len(opts) {
			q.MaxChoices = n
		}
		return q, ids, ""
	case "boolean":
		s.unusedKeys(path, el)
		yes, no := chorus.Text{s.def: "Yes"}, chorus.Text{s.def: "No"}
		if el["labelTrue"] != nil {
			yes = s.loc(el["labelTrue"])
		}
		if el["labelFalse"] != nil {
			no = s.loc(el["labelFalse"])
		}
		q := &chorus.Question{Kind: chorus.KindSingle, Options: []chorus.Option{
			{ID: "yes", Text: s.text(path+".labelTrue", "labelTrue", yes, "Yes")},
			{ID: "no", Text: s.text(path+".labelFalse", "labelFalse", no, "No")},
		}}
		return q, map[string]string{"true": "yes", "false": "no"}, ""
	case "comment":
		s.unusedKeys(path, el)
		q := &chorus.Question{Kind: chorus.KindLongText}
		if n, ok := intOf(el["maxLength"]); ok && n >= 1 && n <= 5000 {
			q.MaxLength = n
		}
		return q, nil, ""
	case "text":
		s.unusedKeys(path, el)
		switch it, _ := el["inputType"].(string); strings.ToLower(it) {
		case "", "text":
			q := &chorus.Question{Kind: chorus.KindShortText}
			if n, ok := intOf(el["maxLength"]); ok && n >= 1 && n <= 5000 {
				q.MaxLength = n
			}
			return q, nil, ""
		case "number", "range":
			q := &chorus.Question{Kind: chorus.KindNumber, Min: -1000000, Max: 1000000}
			if n, ok := intOf(el["min"]); ok && n >= -1000000 {
				q.Min = n
			}
			if n, ok := intOf(el["max"]); ok && n <= 1000000 && n > q.Min {
				q.Max = n
			}
			return q, nil, ""
		case "email", "tel", "url":
			return nil, nil, "it asks for contact details; Chorus never asks who a child is or how to reach them"
		case "date", "datetime", "datetime-local", "time", "month", "week":
			return nil, nil, "Chorus has no date or time questions"
		default:
			return nil, nil, fmt.Sprintf("the input type %q is not supported", it)
		}
	case "rating":
		s.unusedKeys(path, el)
		return s.rating(path, el)
	case "matrix":
		s.unusedKeys(path, el)
		return s.matrix(path, name, el)
	case "html", "image":
		return nil, nil, "it shows content rather than asking; Chorus shows only questions and their help"
	case "expression":
		return nil, nil, "calculations are not supported; Chorus stores only what a child answers"
	case "file", "signaturepad":
		return nil, nil, "Chorus takes no files, photos or signatures from children"
	case "matrixdropdown", "matrixdynamic", "paneldynamic", "multipletext":
		return nil, nil, "Chorus has no questions with several answer boxes or repeating rows"
	case "ranking":
		return nil, nil, "Chorus has no ranking questions"
	case "imagepicker":
		return nil, nil, "Chorus offers answers in words, not pictures"
	case "slider":
		return nil, nil, "Chorus has no slider questions"
	case "":
		return nil, nil, "it has no type"
	}
	return nil, nil, "Chorus has no question of this type"
}

// rating maps a rating to a 3- or 5-point scale, or else to a single choice of its values.
func (s *sjImport) rating(path string, el map[string]any) (*chorus.Question, map[string]string, string) {
	var vals []string
	var texts []chorus.Text
	if el["rateValues"] != nil {
		vals, texts = s.choices(path+".rateValues", el["rateValues"])
	} else {
		lo, _ := intOf(el["rateMin"])
		hi, _ := intOf(el["rateMax"])
		step, _ := intOf(el["rateStep"])
		if el["rateMin"] == nil {
			lo = 1
		}
		if step <= 0 {
			step = 1
		}
		if el["rateMax"] == nil {
			hi = lo + 4*step
			if n, ok := intOf(el["rateCount"]); ok && n > 1 {
				hi = lo + (n-1)*step
			}
		}
		if lo < -1000 || hi > 1000 || step > 1000 || hi < lo || (hi-lo)/step > 20 {
			return nil, nil, "its range of values is not one Chorus can offer"
		}
		for v := lo; v <= hi; v += step {
			vals = append(vals, strconv.Itoa(v))
			texts = append(texts, chorus.Text{s.def: strconv.Itoa(v)})
		}
		for _, k := range []string{"minRateDescription", "mininumRateDescription"} {
			if el[k] != nil {
				texts[0] = s.loc(el[k])
			}
		}
		for _, k := range []string{"maxRateDescription", "maximumRateDescription"} {
			if el[k] != nil {
				texts[len(texts)-1] = s.loc(el[k])
			}
		}
	}
	points := slices.DeleteFunc(slices.Clone(vals), func(v string) bool { return v == chorus.PreferNot })
	if n := len(points); n == 3 || n == 5 {
		q := &chorus.Question{Kind: chorus.KindScale, Scale: n}
		values := map[string]string{}
		k := 0
		for i, v := range vals {
			if v == chorus.PreferNot {
				q.DontWantToSay = true
				values[v] = v
				continue
			}
			k++
			values[v] = strconv.Itoa(k)
			q.ScaleLabels = append(q.ScaleLabels, s.text(path, "the rating label "+quote(v), texts[i], v))
		}
		return q, values, ""
	}
	opts, ids, preferNot := s.options(path, vals, texts)
	if len(opts) < 2 {
		return nil, nil, "it has fewer than two values"
	}
	s.skip(path, "a rating of %d points became a single choice (Chorus scales have 3 or 5 points)", len(opts))
	return &chorus.Question{Kind: chorus.KindSingle, Options: opts, DontWantToSay: preferNot}, ids, ""
}

// matrix maps a matrix with 3 or 5 columns to a grid; any other becomes one single
// choice per row, reported.
func (s *sjImport) matrix(path, name string, el map[string]any) (*chorus.Question, map[string]string, string) {
	cols, colTexts := s.choices(path+".columns", el["columns"])
	rows, rowTexts := s.choices(path+".rows", el["rows"])
	if len(rows) == 0 {
		return nil, nil, "it has no rows"
	}
	points := slices.DeleteFunc(slices.Clone(cols), func(v string) bool { return v == chorus.PreferNot })
	if n := len(points); n == 3 || n == 5 {
		q := &chorus.Question{Kind: chorus.KindGrid, Scale: n, Required: el["isAllRowRequired"] == true}
		for i, c := range cols {
			if c == chorus.PreferNot {
				q.DontWantToSay = true
				continue
			}
			q.ScaleLabels = append(q.ScaleLabels, s.text(path+".columns", "the column "+quote(c), colTexts[i], c))
		}
		used := idSet{}
		for i, r := range rows {
			q.Items = append(q.Items, chorus.Option{ID: used.take(r, "item"+strconv.Itoa(i+1)), Text: s.text(path+".rows", "the row "+quote(r), rowTexts[i], r)})
		}
		return q, nil, ""
	}
	if len(cols) < 2 {
		return nil, nil, "it has fewer than two columns"
	}
	s.skip(path, "the matrix %s has %d columns; Chorus grids have 3 or 5 points, so each row became its own question", quote(name), len(cols))
	title := s.loc(el["title"])
	for i, r := range rows {
		opts, ids, preferNot := s.options(path+".columns", cols, colTexts)
		if len(opts) < 2 {
			s.skip(fmt.Sprintf("%s.rows[%d]", path, i), "the row %s is left out: the matrix has fewer than two different columns", quote(r))
			continue
		}
		q := &chorus.Question{Kind: chorus.KindSingle, Options: opts, DontWantToSay: preferNot, Required: el["isAllRowRequired"] == true}
		q.Text = s.text(path+".rows", "the row "+quote(r), mergeText(title, rowTexts[i]), r)
		s.add(fmt.Sprintf("%s.rows[%d]", path, i), name+"_"+r, q, ids)
	}
	return nil, nil, ""
}

// choices reads SurveyJS choices: "value", "value|text", numbers, or {value, text}.
func (s *sjImport) choices(path string, v any) (values []string, texts []chorus.Text) {
	list, ok := v.([]any)
	if !ok {
		if v != nil {
			s.skip(path, "must be a list; it is left out")
		}
		return nil, nil
	}
	for i, c := range list {
		switch c := c.(type) {
		case map[string]any:
			val := scalar(c["value"])
			if val == "" {
				val = scalar(c["name"])
			}
			if val == "" {
				s.skip(fmt.Sprintf("%s[%d]", path, i), "a choice without a value is left out")
				continue
			}
			t := s.loc(c["text"])
			if c["text"] == nil && c["title"] != nil {
				t = s.loc(c["title"])
			}
			for _, k := range sortedKeys(c) {
				if k != "value" && k != "text" && k != "name" && k != "title" {
					s.skip(fmt.Sprintf("%s[%d].%s", path, i, k), "%s on a choice is not supported", k)
				}
			}
			values, texts = append(values, val), append(texts, t)
		default:
			val := scalar(c)
			if val == "" {
				continue
			}
			text := val
			if a, b, ok := strings.Cut(val, "|"); ok {
				val, text = strings.TrimSpace(a), b
			}
			if val == "" {
				s.skip(fmt.Sprintf("%s[%d]", path, i), "a choice without a value is left out")
				continue
			}
			values, texts = append(values, val), append(texts, chorus.Text{s.def: text})
		}
	}
	return values, texts
}

// unusedKeys reports each key of an element that Chorus neither reads nor can ignore
// safely (layout only). Extra names are read by the caller.
func (s *sjImport) unusedKeys(path string, el map[string]any, also ...string) {
	for _, k := range sortedKeys(el) {
		if (len(also) == 0 && slices.Contains(sjElementUsed, k)) || slices.Contains(also, k) || slices.Contains(sjLayout, k) || k == "visible" || k == "isAllRowRequired" {
			continue
		}
		s.skip(path+"."+k, "%s", elementKeyReason(k))
	}
}

func elementKeyReason(k string) string {
	switch k {
	case "enableIf", "requiredIf", "resetValueIf", "setValueIf", "setValueExpression", "defaultValueExpression", "choicesVisibleIf", "choicesEnableIf", "rowsVisibleIf", "columnsVisibleIf":
		return k + " is not supported: Chorus keeps only simple visibleIf conditions"
	case "validators":
		return "validators are not checked: Chorus checks only lengths, ranges and how many choices"
	case "defaultValue", "correctAnswer":
		return k + " is not kept: Chorus never pre-fills or marks a child's answer"
	case "requiredErrorText":
		return "Chorus words its own messages"
	case "choicesByUrl", "choicesFromQuestion", "choicesFromQuestionMode":
		return "choices from elsewhere are not supported; only the listed choices are offered"
	case "showOtherItem", "hasOther", "showNoneItem", "hasNone", "showSelectAllItem", "hasSelectAll", "showRefuseItem", "showDontKnowItem":
		return k + " (an extra answer SurveyJS adds) is not kept; only the listed choices are offered"
	case "readOnly":
		return "every Chorus question can be answered"
	case "valueName":
		return "answers are stored under the question's id"
	case "minSelectedChoices":
		return "Chorus never makes a child choose a number of answers"
	}
	return k + " is not supported"
}

func surveyKeyReason(k string) string {
	switch k {
	case "triggers":
		return "triggers are not supported"
	case "calculatedValues":
		return "calculations are not supported; Chorus stores only what a child answers"
	case "completedHtml", "completedHtmlOnCondition", "completedBeforeHtml", "loadingHtml":
		return "Chorus shows its own thank-you page"
	case "maxTimeToFinish", "maxTimeToFinishPage", "showTimerPanel", "showTimerPanelMode", "showTimer", "timeLimit", "timeLimitPerPage":
		return "Chorus sets no time limits (children answer at their own pace)"
	case "cookieName":
		return "Chorus does not track browsers with cookies"
	case "navigateToUrl", "navigateToUrlOnCondition":
		return "Chorus does not send children to other sites"
	}
	return "the survey setting " + k + " is not supported"
}

func intOf(v any) (int, bool) {
	switch v := v.(type) {
	case json.Number:
		n, err := strconv.Atoi(v.String())
		return n, err == nil
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(v))
		return n, err == nil
	}
	return 0, false
}
