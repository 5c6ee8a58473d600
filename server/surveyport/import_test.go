package surveyport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/surveyfile"
)

// The real third-party files under testdata (see testdata/SOURCES.md), with the least
// each must yield: a question count and a few of the lines it must print.
var realForms = []struct {
	file      string
	questions int
	skips     []string // substrings of skip lines that must appear
}{
	{"xlsform/xlsform_spec_test.xlsx", 10, []string{
		`:34: geopoint "geopoint_test" is left out`, `:40: calculate "calculate_test" is left out`,
		`:36: image "image_test" is left out`, `:15: the repeat "repeat_test"`, `:9: the column image ("img_test.jpg") is not used: media`,
		`:settings:2: the setting public_key`, `:14: decimal "a_decimal" is left out`}},
	{"xlsform/UCL_Biomass_Plot_Form.xlsx", 13, []string{
		`:22: geopoint "center_point"`, `:26: calculate "slope_radius"`, `:10: the constraint "regex(`,
		`:16: select_one_from_file ucl_regions.csv`, `:91: deviceid "deviceid"`}},
	{"xlsform/choice_filter_test.xlsx", 3, []string{`:3: the column choice_filter ("${state}=cf")`}},
	{"xlsform/group.xlsx", 2, []string{`:3: the heading of group "father"`, `:4: phonenumber "phone_number" is left out`}},
	{"xlsform/case_insensitivity.xlsx", 1, []string{`:3: select_one_external c1 "q2" is left out`}},
	{"xlsform/field-list.xlsx", 1, []string{`:3: the label has no zh words`}},
	{"xlsform/specify_other.xlsx", 1, []string{`:2: "or_other"`}},
	{"xlsform/text_and_integer.xlsx", 2, nil},
	{"xlsform/yes_or_no_question.xlsx", 1, nil},
	{"surveyjs/real-medical-service.json", 5, []string{`:pages[0].title: the page title is not shown`}},
	{"surveyjs/questiontype-panel.json", 3, []string{
		`:pages[0].elements[1].title: the heading of panel "panel1"`,
		`:pages[0].elements[1].elements[0].visibleIf: the condition "{satisfaction} < 3"`}},
	{"surveyjs/new-design-test.json", 1, []string{
		`:questions[0]: signaturepad "signature" is left out`, `:questions[2]: text "birthdate" is left out`,
		`:questions[4].validators: validators are not checked`}},
}

func importFile(t testing.TB, path string) (*chorus.Survey, []Skip, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".xlsx") {
		return ReadXLSForm(path, bytes.NewReader(data))
	}
	return ReadSurveyJS(path, data)
}

// mustValidate checks that the survey, written as a file, passes `survey validate`.
func mustValidate(t testing.TB, s *chorus.Survey, from string) []byte {
	t.Helper()
	yaml := MarshalYAML(s, from)
	if _, err := surveyfile.Load(s.ID+".yaml", yaml, nil); err != nil {
		t.Fatalf("the imported survey does not validate:\n%v\n--- file ---\n%s", err, yaml)
	}
	return yaml
}

func TestImportRealForms(t *testing.T) {
	for _, tc := range realForms {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", tc.file)
			s, skips, err := importFile(t, path)
			if err != nil {
				t.Fatalf("import: %v", err)
			}
			mustValidate(t, s, tc.file)
			if len(s.Questions) != tc.questions {
				t.Errorf("got %d questions, want %d", len(s.Questions), tc.questions)
			}
			var lines []string
			for _, sk := range skips {
				lines = append(lines, sk.String())
				if sk.File != path || sk.What == "" {
					t.Errorf("skip without file or reason: %+v", sk)
				}
			}
			all := strings.Join(lines, "\n")
			for _, want := range tc.skips {
				if !strings.Contains(all, want) {
					t.Errorf("no line contains %q; the lines were:\n%s", want, all)
				}
			}
			if s.Status != chorus.StatusDraft {
				t.Errorf("status %q, want draft", s.Status)
			}
		})
	}
}

// TestXLSFormNothingSilent checks, for every real XLSForm, that each row of the survey
// sheet either became a question (or a grid, or help text) or has a line saying why
// not, and that every filled cell in a column the import does not read has a line.
func TestXLSFormNothingSilent(t *testing.T) {
	for _, tc := range realForms {
		if !strings.HasSuffix(tc.file, ".xlsx") {
			continue
		}
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", tc.file)
			s, skips, err := importFile(t, path)
			if err != nil {
				t.Fatal(err)
			}
			reported := map[string]int{}
			for _, sk := range skips {
				reported[sk.Where]++
			}
			f, err := excelize.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var sheetName string
			for _, n := range f.GetSheetList() {
				if strings.EqualFold(n, "survey") {
					sheetName = n
				}
			}
			sh, err := readSheet(f, sheetName)
			if err != nil {
				t.Fatal(err)
			}
			for i, row := range sh.rows {
				where := strconv.Itoa(sh.nums[i])
				typ, name := normalType(sh.cell(row, "type", "")), sh.cell(row, "name", "")
				kept := slices.ContainsFunc(s.Questions, func(q *chorus.Question) bool { return q.ID == slug(name) })
				structural := strings.HasPrefix(typ, "end") || typ == "begin group" || typ == "begin_group" || typ == "note"
				if !kept && !structural && reported[where] == 0 {
					t.Errorf("row %s (%s %q) was neither imported nor reported", where, typ, name)
				}
				for k, c := range sh.header {
					if k < len(row) && strings.TrimSpace(row[k]) != "" && !slices.Contains(xlsUsed, c.field) && reported[where] == 0 {
						t.Errorf("row %s: the column %q is filled but nothing is reported", where, c.raw)
					}
				}
			}
		})
	}
}

// TestSurveyJSNothingSilent checks that every named SurveyJS element either became a
// question or has a line at its path.
func TestSurveyJSNothingSilent(t *testing.T) {
	for _, tc := range realForms {
		if !strings.HasSuffix(tc.file, ".json") {
			continue
		}
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", tc.file)
			s, skips, err := importFile(t, path)
			if err != nil {
				t.Fatal(err)
			}
			data, _ := os.ReadFile(path)
			var doc map[string]any
			if err := json.Unmarshal(data, &doc); err != nil {
				t.Fatal(err)
			}
			var walk func(path string, parent map[string]any)
			walk = func(path string, parent map[string]any) {
				for _, key := range []string{"pages", "elements", "questions"} {
					list, _ := parent[key].([]any)
					for i, e := range list {
						el, _ := e.(map[string]any)
						p := fmt.Sprintf("%s[%d]", join(path, key), i)
						if key == "pages" || el["type"] == "panel" {
							walk(p, el)
							continue
						}
						name, _ := el["name"].(string)
						kept := slices.ContainsFunc(s.Questions, func(q *chorus.Question) bool { return q.ID == slug(name) })
						reported := slices.ContainsFunc(skips, func(sk Skip) bool { return sk.Where == p || strings.HasPrefix(sk.Where, p+".") })
						if !kept && !reported {
							t.Errorf("%s (%v %q) was neither imported nor reported", p, el["type"], name)
						}
					}
				}
			}
			walk("", doc)
		})
	}
}

func TestImportMapsKinds(t *testing.T) {
	s, _, err := importFile(t, "testdata/surveyjs/real-medical-service.json")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Languages, []string{"en", "de"}) {
		t.Errorf("languages %v, want [en de]", s.Languages)
	}
	grid := s.Question("care_provider")
	if grid == nil || grid.Kind != chorus.KindGrid || grid.Scale != 5 || len(grid.Items) != 10 {
		t.Fatalf("care_provider: got %+v, want a 5-point grid of 10 items", grid)
	}
	if got := grid.ScaleLabels[0]["de"]; got != "Sehr Arm" {
		t.Errorf("first scale label in German %q, want %q", got, "Sehr Arm")
	}

	s, _, err = importFile(t, "testdata/surveyjs/questiontype-panel.json")
	if err != nil {
		t.Fatal(err)
	}
	if q := s.Question("satisfaction"); q == nil || q.Kind != chorus.KindScale || q.Scale != 5 {
		t.Errorf("satisfaction: got %+v, want a 5-point scale", q)
	}
	if q := s.Question("what_should_be_improved"); q == nil || q.Kind != chorus.KindMulti || len(q.Options) != 3 {
		t.Errorf("what_should_be_improved: got %+v, want multi with 3 options", q)
	}

	s, _, err = importFile(t, "testdata/xlsform/xlsform_spec_test.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if q := s.Question("a_integer"); q == nil || q.Kind != chorus.KindNumber {
		t.Errorf("a_integer: got %+v, want number", q)
	}
	if !slices.Equal(s.Languages, []string{"en", "zh"}) {
		t.Errorf("languages %v, want [en zh]", s.Languages)
	}
}

func TestConditions(t *testing.T) {
	for _, tc := range []struct {
		expr     string
		surveyJS bool
		name     string
		values   []string
	}{
		{"${likes} = 'yes'", false, "likes", []string{"yes"}},
		{"${likes}='yes' or ${likes} = \"maybe\"", false, "likes", []string{"yes", "maybe"}},
		{"selected(${pets}, 'dog')", false, "pets", []string{"dog"}},
		{"(selected(${pets}, 'dog') or selected(${pets}, 'cat'))", false, "pets", []string{"dog", "cat"}},
		{"${age} = 12", false, "age", []string{"12"}},
		{"${leader} = ‘other’", false, "leader", []string{"other"}},
		{"${a} = 'x' and ${b} = 'y'", false, "", nil},
		{"${a} = 'x' or ${b} = 'y'", false, "", nil},
		{"not(selected(${a}, 'x'))", false, "", nil},
		{"${a} > 3", false, "", nil},
		{"{haveKids}='Yes'", true, "haveKids", []string{"Yes"}},
		{"{ok} = true", true, "ok", []string{"true"}},
		{"{pets} contains 'dog'", true, "pets", []string{"dog"}},
		{"{pets} anyof ['dog', 'cat']", true, "pets", []string{"dog", "cat"}},
		{"{haveKids}='Yes' and {kids} >= 1", true, "", nil},
		{"{satisfaction} < 3", true, "", nil},
		{"", true, "", nil},
	} {
		name, values, ok := parseCondition(tc.expr, tc.surveyJS)
		if ok != (tc.name != "") || name != tc.name || !slices.Equal(values, tc.values) {
			t.Errorf("parseCondition(%q) = %q %q %v, want %q %q", tc.expr, name, values, ok, tc.name, tc.values)
		}
	}
}

// TestImportWelshForm imports a form written the way KoboToolbox users write them,
// in English and Welsh, and checks each mapping of the README's table.
func TestImportWelshForm(t *testing.T) {
	data := workbook(t, map[string][][]any{
		"survey": {
			{"type", "name", "label::English (en)", "label::Welsh (cy)", "hint::English (en)", "hint::Welsh (cy)", "required", "relevant", "constraint", "calculation"},
			{"note", "welcome", "Thank you for helping", "Diolch am helpu", "", "", "", "", "", ""},
			{"select_one yn", "safe", "Do you feel safe?", "Wyt ti'n teimlo'n ddiogel?", "", "", "yes", "", "", ""},
			{"begin group", "worries", "Worries", "Pryderon", "", "", "", "${safe} = 'no'", "", ""},
			{"select_multiple why", "why", "Why not?", "Pam ddim?", "Pick up to 2", "Dewisa hyd at 2", "", "", "count-selected(.) <= 2", ""},
			{"end group", "", "", "", "", "", "", "", "", ""},
			{"note", "next", "Now about you", "Nawr amdanat ti", "", "", "", "", "", ""},
			{"integer", "age", "How old are you?", "Faint yw dy oed di?", "", "", "", "", ". >= 8 and . <= 25", ""},
			{"text", "other", "Anything else?", "Unrhyw beth arall?", "", "", "", "selected(${why}, 'home') or selected(${why}, 'school')", "", ""},
			{"calculate", "score", "", "", "", "", "", "", "", "${age} * 2"},
		},
		"choices": {
			{"list_name", "name", "label::English (en)", "label::Welsh (cy)"},
			{"yn", "yes", "Yes", "Ydw"}, {"yn", "no", "No", "Nac ydw"}, {"yn", "prefer_not", "I don't want to say", "Dw i ddim eisiau dweud"},
			{"why", "home", "Home", "Cartref"}, {"why", "school", "School", "Ysgol"}, {"why", "online", "Online", "Ar-lein"},
		},
		"settings": {{"form_title", "form_id", "default_language"}, {"Feeling safe", "feeling_safe", "English (en)"}},
	})
	s, skips, err := ReadXLSForm("welsh.xlsx", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	mustValidate(t, s, "welsh.xlsx")
	if s.ID != "feeling_safe" || !slices.Equal(s.Languages, []string{"en", "cy"}) || s.Title["cy"] != "Feeling safe" {
		t.Errorf("survey %q %v %v", s.ID, s.Languages, s.Title)
	}
	if s.Intro["cy"] != "Diolch am helpu" {
		t.Errorf("intro %v, want the first note", s.Intro)
	}
	safe := s.Question("safe")
	if safe.Kind != chorus.KindSingle || !safe.Required || !safe.DontWantToSay || len(safe.Options) != 2 || safe.Options[1].Text["cy"] != "Nac ydw" {
		t.Errorf("safe: %+v", safe)
	}
	why := s.Question("why")
	if why.Kind != chorus.KindMulti || why.MaxChoices != 2 || condString(why.ShowIf) != "safe in no" || why.Help["cy"] != "Dewisa hyd at 2" {
		t.Errorf("why: kind %s max %d show_if %s help %v", why.Kind, why.MaxChoices, condString(why.ShowIf), why.Help)
	}
	age := s.Question("age")
	if age.Kind != chorus.KindNumber || age.Min != 8 || age.Max != 25 || age.Help["cy"] != "Nawr amdanat ti" {
		t.Errorf("age: %+v", age)
	}
	if other := s.Question("other"); condString(other.ShowIf) != "why in home,school" {
		t.Errorf("other: show_if %s", condString(other.ShowIf))
	}
	var lines []string
	for _, sk := range skips {
		lines = append(lines, sk.String())
	}
	for _, want := range []string{`welsh.xlsx:4: the heading of group "worries"`, `welsh.xlsx:10: calculate "score" is left out`} {
		if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, want) }) {
			t.Errorf("no line starts %q:\n%s", want, strings.Join(lines, "\n"))
		}
	}
	if len(lines) != 2 {
		t.Errorf("%d lines, want 2:\n%s", len(lines), strings.Join(lines, "\n"))
	}
}
