package surveyport

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/chorus-voice/chorus/server/chorus"
)

// exportSkips reports what neither XLSForm nor SurveyJS can hold: versions, wordings
// for a version, risk signals. name is the survey file, for the messages.
func exportSkips(name string, s *chorus.Survey) []Skip {
	var skips []Skip
	add := func(where, format string, args ...any) {
		skips = append(skips, Skip{File: name, Where: where, What: fmt.Sprintf(format, args...)})
	}
	if len(s.Versions) > 1 {
		add("versions", "the %d versions become one list of every question in the bank; re-import gives one version", len(s.Versions))
	}
	add("privacy", "the privacy words are not exported: write them again after an import")
	if len(s.Measures) > 0 {
		add("measures", "the %d headline measures are not exported: define them again after an import", len(s.Measures))
	}
	for _, q := range s.Questions {
		if len(q.Wording) > 0 {
			add(q.ID, "the wording for some versions (%d) is not exported; the question's own text is", len(q.Wording))
		}
		if len(q.HelpWording) > 0 {
			add(q.ID, "the help for some versions (%d) is not exported; the question's own help is", len(q.HelpWording))
		}
		for _, o := range slices.Concat(q.Options, q.Items) {
			if len(o.Wording) > 0 || len(o.AgeBands) > 0 || o.Symbol != "" {
				add(q.ID, "the per-version words, age bands and symbols of its answers are not exported; every version gets every answer in its own words")
				break
			}
		}
		if q.RiskLowest || anyRisk(q.Options) || anyRisk(q.Items) {
			add(q.ID, "the risk signals are not exported; mark them again after an import")
		}
	}
	return skips
}

func anyRisk(opts []chorus.Option) bool {
	for _, o := range opts {
		if o.Risk {
			return true
		}
	}
	return false
}

// WriteXLSForm writes the survey as an XLSForm workbook (sheets survey, choices,
// settings) that KoboToolbox and ODK read, and that ReadXLSForm reads back to the
// same ids, kinds, options, conditions and languages. A column chorus_kind keeps what
// XLSForm has no type for (scale, grid, long_text, area); other tools ignore it.
// name is the survey file, for the returned skips.
func WriteXLSForm(w io.Writer, name string, s *chorus.Survey) ([]Skip, error) {
	skips := exportSkips(name, s)
	f := excelize.NewFile()
	defer f.Close()
	header := []any{"type", "name"}
	for _, l := range s.Languages {
		header = append(header, "label::"+languageLabel(l))
	}
	for _, l := range s.Languages {
		header = append(header, "hint::"+languageLabel(l))
	}
	header = append(header, "required", "relevant", "constraint", "appearance", "chorus_kind")
	rows := [][]any{header}
	choices := [][]any{append([]any{"list_name", "name"}, labelColumns(s.Languages)...)}
	row := func(typ, name string, label, hint chorus.Text, required bool, relevant, constraint, appearance, kind string) {
		r := []any{typ, name}
		for _, l := range s.Languages {
			r = append(r, label.In(l))
		}
		for _, l := range s.Languages {
			r = append(r, hint[l])
		}
		req := ""
		if required {
			req = "yes"
		}
		rows = append(rows, append(r, req, relevant, constraint, appearance, kind))
	}
	list := func(listName string, opts []chorus.Option, preferNot bool) {
		for _, o := range opts {
			choices = append(choices, choiceRow(listName, o.ID, o.Text, s.Languages))
		}
		if preferNot {
			choices = append(choices, choiceRow(listName, chorus.PreferNot, preferNotText(s.Languages), s.Languages))
		}
	}
	if len(s.Intro) > 0 {
		row("note", "intro", s.Intro, nil, false, "", "", "", "")
	}
	byID := questionsByID(s)
	for _, q := range s.Questions {
		n := xlsName(q.ID)
		rel := xlsRelevant(q.ShowIf, byID)
		switch q.Kind {
		case chorus.KindSingle, chorus.KindMulti:
			typ := "select_one "
			constraint := ""
			if q.Kind == chorus.KindMulti {
				typ = "select_multiple "
				if q.MaxChoices > 0 {
					constraint = fmt.Sprintf("count-selected(.) <= %d", q.MaxChoices)
				}
			}
			row(typ+n, n, q.Text, q.Help, q.Required, rel, constraint, "", "")
			list(n, q.Options, q.DontWantToSay)
		case chorus.KindScale:
			row("select_one "+n, n, q.Text, q.Help, q.Required, rel, "", "likert", chorus.KindScale)
			list(n, scalePoints(q), q.DontWantToSay)
		case chorus.KindGrid:
			row("begin group", n, q.Text, q.Help, q.Required, rel, "", "field-list", chorus.KindGrid)
			for _, it := range q.Items {
				row("select_one "+n, n+"__"+it.ID, it.Text, nil, false, "", "", "likert", "")
			}
			row("end group", "", nil, nil, false, "", "", "", "")
			list(n, scalePoints(q), q.DontWantToSay)
		case chorus.KindShortText, chorus.KindLongText:
			appearance, constraint := "", ""
			if q.Kind == chorus.KindLongText {
				appearance = "multiline"
			}
			if q.MaxLength > 0 {
				constraint = fmt.Sprintf("string-length(.) <= %d", q.MaxLength)
			}
			row("text", n, q.Text, q.Help, q.Required, rel, constraint, appearance, q.Kind)
		case chorus.KindNumber:
			row("integer", n, q.Text, q.Help, q.Required, rel, fmt.Sprintf(". >= %d and . <= %d", q.Min, q.Max), "", "")
			if q.DontWantToSay {
				skips = append(skips, Skip{File: name, Where: q.ID, What: "\"I don't want to say\" on a number is not exported"})
			}
		case chorus.KindArea:
			row("select_one "+n, n, q.Text, q.Help, q.Required, rel, "", "minimal", chorus.KindArea)
			list(n, q.Options, q.DontWantToSay)
		}
	}
	f.SetSheetName("Sheet1", "survey")
	if _, err := f.NewSheet("choices"); err != nil {
		return nil, err
	}
	if _, err := f.NewSheet("settings"); err != nil {
		return nil, err
	}
	settings := [][]any{{"form_title", "form_id", "version", "default_language", "style"},
		{s.Title.In(""), s.ID, s.Revision, languageLabel(s.Languages[0]), "pages"}}
	for sheet, data := range map[string][][]any{"survey": rows, "choices": choices, "settings": settings} {
		for i, r := range data {
			if err := f.SetSheetRow(sheet, "A"+strconv.Itoa(i+1), &r); err != nil {
				return nil, fmt.Errorf("write %s sheet: %w", sheet, err)
			}
		}
	}
	if err := f.Write(w); err != nil {
		return nil, fmt.Errorf("write workbook: %w", err)
	}
	return skips, nil
}

func labelColumns(langs []string) []any {
	var out []any
	for _, l := range langs {
		out = append(out, "label::"+languageLabel(l))
	}
	return out
}

func choiceRow(list, name string, t chorus.Text, langs []string) []any {
	r := []any{list, name}
	for _, l := range langs {
		r = append(r, t.In(l))
	}
	return r
}

// xlsName makes a Chorus id an XLSForm name, which must not start with a digit or '-'.
func xlsName(id string) string {
	if id != "" && (id[0] >= '0' && id[0] <= '9' || id[0] == '-') {
		return "_" + id
	}
	return id
}

func xlsRelevant(c *chorus.Condition, byID map[string]*chorus.Question) string {
	if c == nil {
		return ""
	}
	var terms []string
	for _, v := range c.Equals {
		switch q := byID[c.Question]; {
		case q != nil && q.Kind == chorus.KindMulti:
			terms = append(terms, fmt.Sprintf("selected(${%s}, '%s')", xlsName(c.Question), v))
		case q != nil && q.Kind == chorus.KindNumber:
			terms = append(terms, fmt.Sprintf("${%s} = %s", xlsName(c.Question), v))
		default:
			terms = append(terms, fmt.Sprintf("${%s} = '%s'", xlsName(c.Question), v))
		}
	}
	return strings.Join(terms, " or ")
}

// WriteSurveyJS writes the survey as a SurveyJS JSON definition, one page with every
// question of the bank, that ReadSurveyJS reads back to the same ids, kinds, options,
// conditions and languages. Texts are {"default": first language, other codes…}.
// name is the survey file, for the returned skips.
func WriteSurveyJS(w io.Writer, name string, s *chorus.Survey) ([]Skip, error) {
	skips := exportSkips(name, s)
	def := s.Languages[0]
	loc := func(t chorus.Text) any {
		if len(s.Languages) == 1 {
			return t.In(def)
		}
		m := map[string]string{"default": t.In(def)}
		for _, l := range s.Languages[1:] {
			m[l] = t.In(l)
		}
		return m
	}
	type obj = map[string]any
	choiceList := func(opts []chorus.Option, preferNot bool) []any {
		var out []any
		for _, o := range opts {
			out = append(out, obj{"value": o.ID, "text": loc(o.Text)})
		}
		if preferNot {
			out = append(out, obj{"value": chorus.PreferNot, "text": loc(preferNotText(s.Languages))})
		}
		return out
	}
	byID := questionsByID(s)
	var elements []any
	for _, q := range s.Questions {
		e := obj{"name": q.ID, "title": loc(q.Text)}
		if len(q.Help) > 0 {
			e["description"] = loc(q.Help)
		}
		if q.Required {
			e["isRequired"] = true
		}
		if c := q.ShowIf; c != nil {
			var terms []string
			for _, v := range c.Equals {
				op := "="
				if dep := byID[c.Question]; dep != nil && dep.Kind == chorus.KindMulti {
					op = "contains"
				}
				terms = append(terms, fmt.Sprintf("{%s} %s '%s'", c.Question, op, v))
			}
			e["visibleIf"] = strings.Join(terms, " or ")
		}
		switch q.Kind {
		case chorus.KindSingle:
			e["type"], e["choices"] = "radiogroup", choiceList(q.Options, q.DontWantToSay)
		case chorus.KindMulti:
			e["type"], e["choices"] = "checkbox", choiceList(q.Options, q.DontWantToSay)
			if q.MaxChoices > 0 {
				e["maxSelectedChoices"] = q.MaxChoices
			}
		case chorus.KindScale:
			e["type"], e["rateValues"] = "rating", choiceList(scalePoints(q), q.DontWantToSay)
		case chorus.KindGrid:
			e["type"], e["columns"], e["rows"] = "matrix", choiceList(scalePoints(q), q.DontWantToSay), choiceList(q.Items, false)
		case chorus.KindShortText:
			e["type"] = "text"
		case chorus.KindLongText:
			e["type"] = "comment"
		case chorus.KindNumber:
			e["type"], e["inputType"], e["min"], e["max"] = "text", "number", q.Min, q.Max
		case chorus.KindArea:
			e["type"], e["choices"], e["chorusKind"] = "dropdown", choiceList(q.Options, q.DontWantToSay), chorus.KindArea
		}
		if q.MaxLength > 0 && (q.Kind == chorus.KindShortText || q.Kind == chorus.KindLongText) {
			e["maxLength"] = q.MaxLength
		}
		if q.DontWantToSay && q.Kind == chorus.KindNumber {
			skips = append(skips, Skip{File: name, Where: q.ID, What: "\"I don't want to say\" on a number is not exported"})
		}
		elements = append(elements, e)
	}
	doc := obj{"title": loc(s.Title), "pages": []any{obj{"name": "questions", "elements": elements}}}
	if def != "en" {
		doc["locale"] = def
	}
	if len(s.Intro) > 0 {
		doc["description"] = loc(s.Intro)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return skips, enc.Encode(doc)
}

// scalePoints returns the points of a scale or grid as options "1".."N" with their labels.
func scalePoints(q *chorus.Question) []chorus.Option {
	out := make([]chorus.Option, len(q.ScaleLabels))
	for i, l := range q.ScaleLabels {
		out[i] = chorus.Option{ID: strconv.Itoa(i + 1), Text: l}
	}
	return out
}

func questionsByID(s *chorus.Survey) map[string]*chorus.Question {
	byID := make(map[string]*chorus.Question, len(s.Questions))
	for _, q := range s.Questions {
		byID[q.ID] = q
	}
	return byID
}
