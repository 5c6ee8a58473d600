package surveyport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/chorus-voice/chorus/server/chorus"
)

// ReadSurveyJS reads a SurveyJS survey definition (JSON) named name in messages. It
// returns the survey, what it skipped (each at a JSON path), and an error if the
// file is not a SurveyJS survey (not JSON, not an object, too large, two questions
// with one name, no question Chorus can ask).
func ReadSurveyJS(name string, data []byte) (*chorus.Survey, []Skip, error) {
	if len(data) > MaxFileSize {
		return nil, nil, fmt.Errorf("%s: the file is larger than %d MB", name, MaxFileSize>>20)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, nil, fmt.Errorf("%s: this is not a SurveyJS JSON file: %v", name, jsonError(data, err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, nil, fmt.Errorf("%s: this is not a SurveyJS JSON file: there is more after the survey object", name)
	}
	top, ok := doc.(map[string]any)
	if !ok {
		return nil, nil, fmt.Errorf("%s: this is not a SurveyJS survey: it must be a JSON object with pages", name)
	}
	_, hasPages := top["pages"]
	_, hasQuestions := top["questions"]
	_, hasElements := top["elements"]
	if !hasPages && !hasQuestions && !hasElements {
		return nil, nil, fmt.Errorf("%s: this is not a SurveyJS survey: it has no pages, questions or elements", name)
	}
	s := &sjImport{builder: newBuilder(name), names: map[string]string{}}
	s.def = "en"
	if l, ok := top["locale"].(string); ok && languageCode(l) != "" {
		s.def = languageCode(l)
	}
	s.langs = []string{s.def}
	s.findLanguages(top, 0)
	if err := s.read(top); err != nil {
		return nil, nil, err
	}
	title := s.loc(top["title"])
	var intro chorus.Text
	if top["description"] != nil {
		intro = s.loc(top["description"])
	}
	sv, skips := s.finish("", baseName(name), title, intro)
	return sv, skips, checkNotEmpty(name, sv)
}

func jsonError(data []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
		return fmt.Sprintf("line %d: %v", line, se)
	}
	return err.Error()
}

type sjImport struct {
	*builder
	def      string
	elements int
	names    map[string]string // question name → path of its first use
}

// findLanguages adds the language of every localised text ({"default": …, "cy": …}).
func (s *sjImport) findLanguages(v any, depth int) {
	if depth > 64 {
		return
	}
	switch v := v.(type) {
	case map[string]any:
		if _, ok := v["default"]; ok && allStrings(v) {
			for k := range v {
				if l := languageCode(k); k != "default" && l != "" && len(l) <= 3 && !slices.Contains(s.langs, l) {
					s.langs = append(s.langs, l)
				}
			}
			return
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			s.findLanguages(v[k], depth+1)
		}
	case []any:
		for _, x := range v {
			s.findLanguages(x, depth+1)
		}
	}
}

func allStrings(m map[string]any) bool {
	for _, v := range m {
		if _, ok := v.(string); !ok {
			return false
		}
	}
	return true
}

// loc reads a localisable string: plain text (in the default language) or
// {"default": …, "de": …}.
func (s *sjImport) loc(v any) chorus.Text {
	t := chorus.Text{}
	switch v := v.(type) {
	case string:
		t[s.def] = v
	case json.Number:
		t[s.def] = v.String()
	case map[string]any:
		for k, x := range v {
			str, ok := x.(string)
			if !ok {
				continue
			}
			l := s.def
			if k != "default" {
				l = languageCode(k)
			}
			if l != "" && (k != "default" || t[l] == "") {
				t[l] = str
			}
		}
	}
	return t
}

// The survey keys read, and those that only change how SurveyJS lays a survey out.
var (
	sjSurveyUsed   = []string{"title", "description", "pages", "questions", "elements", "locale"}
	sjSurveyLayout = []string{"logoPosition", "showProgressBar", "progressBarType", "showQuestionNumbers", "questionTitlePattern", "widthMode", "showPageTitles", "showCompletedPage", "showPageNumbers", "focusFirstQuestionAutomatic", "questionsOnPageMode", "showTitle", "logo", "logoWidth", "logoHeight", "logoFit", "completeText", "pageNextText", "pagePrevText", "startSurveyText", "firstPageIsStarted", "headerView", "questionErrorLocation", "checkErrorsMode", "textUpdateMode", "autoFocusFirstQuestion", "showNavigationButtons", "goNextPageAutomatic", "autoAdvanceEnabled", "questionTitleLocation", "showPrevButton", "previewText", "editText", "showPreviewBeforeComplete", "storeOthersAsComment", "clearInvisibleValues", "showTOC", "fitToContainer", "backgroundImage", "backgroundOpacity", "questionDescriptionLocation", "requiredText", "showBrandInfo", "progressBarShowPageNumbers", "progressBarShowPageTitles", "firstPageIsStartPage", "showTitle", "titleLocation"}
	sjElementUsed  = []string{"type", "name", "title", "description", "isRequired", "visibleIf", "choices", "rows", "columns", "rateValues", "rateMin", "rateMax", "rateStep", "rateCount", "minRateDescription", "maxRateDescription", "mininumRateDescription", "maximumRateDescription", "labelTrue", "labelFalse", "maxSelectedChoices", "maxLength", "inputType", "min", "max", "elements", "questions", "chorusKind"}
	sjLayout       = []string{"startWithNewLine", "colCount", "hideNumber", "indent", "titleLocation", "width", "minWidth", "maxWidth", "descriptionLocation", "placeholder", "inputSize", "size", "autoGrow", "allowResize", "renderAs", "separateSpecialChoices", "innerIndent", "state", "questionTitleLocation", "showQuestionNumbers", "displayMode", "rateType", "scaleColorMode", "rateColorMode", "autoGenerate", "columnMinWidth", "rowTitleWidth", "alternateRows", "showHeader", "verticalAlign", "rateDisplayMode", "hideIfChoicesEmpty", "itemComponent", "textAlignment", "showCommentArea", "cellType", "columnLayout", "rowsOrder", "choicesOrder", "swapOrder", "showTitle", "textUpdateMode", "maxWidth", "autocomplete", "titleLocation", "searchEnabled", "allowClear", "isUnique", "eachRowUnique", "showClearButton", "commentText", "commentPlaceholder", "otherPlaceholder", "otherText", "noneText", "selectAllText", "rateCountChanged"}
)

func (s *sjImport) read(top map[string]any) error {
	for _, k := range sortedKeys(top) {
		if !slices.Contains(sjSurveyUsed, k) && !slices.Contains(sjSurveyLayout, k) {
			s.skip(k, "%s", surveyKeyReason(k))
		}
	}
	if pages, ok := top["pages"].([]any); ok {
		for i, p := range pages {
			path := fmt.Sprintf("pages[%d]", i)
			page, ok := p.(map[string]any)
			if !ok {
				s.skip(path, "a page must be an object; it is left out")
				continue
			}
			if page["title"] != nil && len(s.loc(page["title"])) > 0 {
				s.skip(path+".title", "the page title is not shown (Chorus asks one question at a time); the page's questions are kept")
			}
			if page["description"] != nil {
				s.skip(path+".description", "the page description is not shown; the page's questions are kept")
			}
			for _, k := range sortedKeys(page) {
				if !slices.Contains([]string{"name", "title", "description", "elements", "questions", "visibleIf"}, k) && !slices.Contains(sjLayout, k) {
					s.skip(path+"."+k, "the page setting %s is not supported", k)
				}
			}
			if err := s.list(path, page, conds(nil, page)); err != nil {
				return err
			}
		}
	}
	return s.list("", top, nil)
}

func conds(outer []string, el map[string]any) []string {
	if v, ok := el["visibleIf"].(string); ok && strings.TrimSpace(v) != "" {
		return append(slices.Clip(outer), v)
	}
	return outer
}

// list reads the elements (or, in older files, questions) of a page or panel.
func (s *sjImport) list(path string, parent map[string]any, visible []string) error {
	for _, key := range []string{"elements", "questions"} {
		items, ok := parent[key].([]any)
		if !ok {
			if parent[key] != nil {
				s.skip(join(path, key), "must be a list; it is left out")
			}
			continue
		}
		for i, e := range items {
			if err := s.element(fmt.Sprintf("%s[%d]", join(path, key), i), e, visible); err != nil {
				return err
			}
		}
	}
	return nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (s *sjImport) element(path string, v any, visible []string) error {
	s.elements++
	if s.elements > maxElements {
		return fmt.Errorf("%s:%s: more than %d elements", s.file, path, maxElements)
	}
	el, ok := v.(map[string]any)
	if !ok {
		s.skip(path, "an element must be an object; it is left out")
		return nil
	}
	typ, _ := el["type"].(string)
	typ = strings.ToLower(typ)
	name := scalar(el["name"])
	if typ == "panel" {
		if el["title"] != nil {
			s.skip(path+".title", "the heading of panel %s is not shown (Chorus asks one question at a time); its questions are kept", quote(name))
		}
		s.unusedKeys(path, el, "type", "name", "title", "elements", "questions", "visibleIf", "description")
		if el["description"] != nil {
			s.skip(path+".description", "the description of panel %s is not shown", quote(name))
		}
		return s.list(path, el, conds(visible, el))
	}
	if name == "" {
		s.skip(path, "a %s without a name is left out", typ)
		return nil
	}
	if first, dup := s.names[name]; dup && typ != "html" && typ != "image" {
		return fmt.Errorf("%s:%s: the name %q is already used at %s; every question needs its own name", s.file, path, name, first)
	}
	s.names[name] = path
	q, values, reason := s.question(path, typ, name, el)
	if q == nil {
		switch {
		case reason != "":
			s.skip(path, "%s %s is left out: %s", typ, quote(name), reason)
		case len(conds(visible, el)) > 0:
			s.skip(path+".visibleIf", "the condition %s is not applied to the questions made from the matrix's rows; they are always shown", quote(strings.Join(conds(visible, el), " and ")))
		}
		return nil
	}
	q.Required = q.Required || el["isRequired"] == true
	q.Text = s.text(path+".title", "the title", s.loc(el["title"]), name)
	if el["description"] != nil {
		q.Help = s.text(path+".description", "the description", s.loc(el["description"]), "")
	}
	if el["visible"] == false && len(conds(visible, el)) == 0 {
		s.skip(path+".visible", "visible: false (shown only by a trigger or code) is not kept; the question is always shown")
	}
	s.add(path, name, q, values)
	switch c := conds(visible, el); len(c) {
	case 0:
	case 1:
		dep, vals, ok := parseCondition(c[0], true)
		if !ok {
			s.skip(path+".visibleIf", "the condition %s is more than \"{question} = 'answer'\"; the question is always shown", quote(c[0]))
			break
		}
		s.condition(q, path+".visibleIf", c[0], dep, vals)
	default:
		s.skip(path+".visibleIf", "the question has several conditions (%s); Chorus keeps one, so it is always shown", quote(strings.Join(c, " and ")))
	}
	return nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// scalar returns a string, number or boolean as text, else "".
func scalar(v any) string {
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}
