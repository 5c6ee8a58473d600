package surveyfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadBadFiles loads each broken survey in testdata/bad and compares every
// "file:line: message" it reports.
func TestLoadBadFiles(t *testing.T) {
	tests := []struct {
		file string
		want []string // "line: message", in order
	}{
		{"age-bands", []string{
			`17: question "live" options: version "young" (age band "8-12") asks this question but is offered 1 of its options; age_bands must leave at least 2`,
			`20: question "live" options[0].wording.old: "old" is not a version id (nor easy_read or adult_assisted)`,
			`22: question "live" options[1].age_bands[0]: no version has the age band "18-25"`,
		}},
		{"bad-access", []string{`5: access: must be one of "open", "code", not "codes"`}},
		{"area-with-options", []string{`30: question "area" options: area questions offer the council areas from the shipped data; remove options`}},
		{"bad-date", []string{`5: closes: "2026-02-30" is not a real date or time`}},
		{"bad-id", []string{
			`10: version "all" questions[1]: "Other Place" is not a valid id: use lower-case letters, digits, _ and - (at most 64)`,
			`18: question "Other Place" id: "Other Place" is not a valid id: use lower-case letters, digits, _ and - (at most 64)`,
		}},
		{"bad-yaml", []string{`11: YAML: ',' or ']' must be specified`}},
		{"closes-before-opens", []string{`6: closes: the survey closes (2026-08-31) before it opens (2026-09-01)`}},
		{"duplicate-key", []string{`5: YAML: mapping key "status" already defined at [4:1]`}},
		{"duplicate-option", []string{`17: question "live" options[1].id: id "foster" is already used at line 16`}},
		{"duplicate-question", []string{
			`10: version "all" questions[2]: "feel" is not a question in this survey`,
			`22: question "live" id: question id "live" is already used at line 12`,
		}},
		{"duplicate-version", []string{`11: version "all" id: version id "all" is already used at line 8`}},
		{"empty", []string{`1: the file is empty`}},
		{"field-not-for-kind", []string{`14: question "live" max_choices: max_choices is not used by single questions`}},
		{"many-mistakes", []string{
			`4: status: must be one of "draft", "open", "closed", not "opened"`,
			`10: version "all" easy_read: must be true or false, not text`,
			`21: question "other" max_length: must be at most 5000`,
		}},
		{"many-semantic-mistakes", []string{
			`9: version "all" label: missing the Welsh words (cy)`,
			`10: version "all" questions[3]: "pets" is not a question in this survey`,
			`20: question "other" show_if.equals[0]: "castle" is not an answer to question "live"`,
		}},
		{"measure-mistakes", []string{
			`32: measures[1].id: measure id "happy" is already used at line 28`,
			`34: measures[1].question: "live" is a single question: a measure needs a scale or grid question`,
			`39: measures[2].item: "feel" is a scale question, which has no items; remove item`,
			`40: measures[2].count: counts every point of the scale, so the share would always be 100%`,
			`40: measures[2].count[3]: "4" is not a point of the 3-point scale of "feel"`,
			`42: measures[3].label: missing the Welsh words (cy)`,
			`43: measures[3].question: "nothing" is not a question in this survey`,
			`45: share_policy: a minimum base of 15 is too small for extremes of 10: want at least 20`,
		}},
		{"max-choices", []string{`14: question "live" max_choices: is 3 but there are only 2 options`}},
		{"max-length-0", []string{`20: question "other" max_length: must be at least 1`}},
		{"missing-id", []string{`2: survey: missing "id"`}},
		{"missing-welsh", []string{`26: question "feel" text: missing the Welsh words (cy)`}},
		{"not-a-mapping", []string{`2: survey: must be a mapping (key: value lines), not a list`}},
		{"number-range", []string{`30: question "age" max: must be more than min (25)`}},
		{"prefer-not-option", []string{`17: question "live" options[1].id: "prefer_not" is kept for "I don't want to say"; use dont_want_to_say: true`}},
		{"scale-4", []string{`24: question "feel" scale: must be one of 3, 5, not 4`}},
		{"scale-labels-count", []string{`25: question "feel" scale_labels: a 3-point scale needs 3 labels, not 2`}},
		{"show-if-forward", []string{`20: question "other" show_if.question: "live" must be asked before this question, but comes after it in version "all"`}},
		{"show-if-not-in-version", []string{`20: question "other" show_if.question: "live" is not asked in version "all", which asks this question`}},
		{"show-if-on-text", []string{`29: question "why" show_if.question: show_if cannot depend on a short_text question ("other")`}},
		{"show-if-unknown-option", []string{`20: question "other" show_if.equals[0]: "castle" is not an answer to question "live"`}},
		{"single-without-options", []string{`12: question "live": missing "options"`}},
		{"threshold-1", []string{`5: threshold: must be at least 2`}},
		{"two-documents", []string{`29: a survey file holds one YAML document; this is a second one`}},
		{"undeclared-language", []string{`21: question "other" text.fr: "fr" is not one of the survey's languages (en, cy)`}},
		{"unknown-field", []string{`20: question "other" colour: unknown field "colour"`}},
		{"unknown-kind", []string{`23: question "feel" kind: must be one of "single", "multi", "scale", "grid", "short_text", "long_text", "number", "area", not "slider"`}},
		{"version-unknown-question", []string{`10: version "all" questions[3]: "pets" is not a question in this survey`}},
		{"wording-unknown-version", []string{`27: question "feel" wording.8-12: "8-12" is not a version id (nor easy_read or adult_assisted)`}},
	}
	files, err := filepath.Glob("testdata/bad/*.yaml")
	if err != nil || len(files) != len(tests) {
		t.Fatalf("testdata/bad has %d files (%v), the table %d: give every file a case", len(files), err, len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := "testdata/bad/" + tt.file + ".yaml"
			var want []string
			for _, w := range tt.want {
				want = append(want, path+":"+w)
			}
			s, err := LoadFile(path, nil)
			if s != nil || err == nil {
				t.Fatalf("LoadFile = %v, %v; want an error", s, err)
			}
			if got := err.Error(); got != strings.Join(want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
			}
			var fe *Error
			if !errors.As(err, &fe) || fe.File != path || fe.Line < 1 {
				t.Errorf("errors.As(*Error) = %+v; want one with the file and a line", fe)
			}
		})
	}
}

func TestLoadDir(t *testing.T) {
	surveys, err := LoadDir("testdata/dir", nil)
	if len(surveys) != 1 || surveys[0].ID != "mini" {
		t.Errorf("LoadDir surveys = %v; want only a.yaml's", surveys)
	}
	want := `testdata/dir/b.yaml:2: id: survey id "mini" is already used by testdata/dir/a.yaml:2` + "\n" +
		`testdata/dir/c.yaml:24: question "feel" scale: must be one of 3, 5, not 4`
	if err == nil || err.Error() != want {
		t.Errorf("LoadDir error:\n%v\nwant:\n%s", err, want)
	}
	if _, err := LoadDir("testdata/nope", nil); err == nil || !strings.HasPrefix(err.Error(), "testdata/nope: cannot read the directory:") {
		t.Errorf("LoadDir(missing) error = %v", err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		paths []string
		want  string // "" for valid; else the start of the error
	}{
		{"OK", []string{"testdata/mini.yaml", "../../surveys/your-life-your-voice.yaml"}, ""},
		{"ErrBadFile", []string{"testdata/mini.yaml", "testdata/bad/scale-4.yaml"}, `testdata/bad/scale-4.yaml:24: question "feel" scale:`},
		{"ErrDuplicateSurveyAcrossFiles", []string{"testdata/mini.yaml", "testdata/dir/b.yaml"}, `testdata/dir/b.yaml:2: id: survey id "mini" is already used by testdata/mini.yaml:2`},
		{"ErrMissingFile", []string{"testdata/nope.yaml"}, "testdata/nope.yaml: cannot read the file:"},
		{"ErrDirectory", []string{"testdata/dir"}, `testdata/dir/b.yaml:2: id:`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.paths...)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate = %v; want nil", err)
			case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)):
				t.Errorf("Validate = %v; want an error starting %q", err, tt.want)
			}
		})
	}
}

// TestValidateDefaultDir checks that Validate with no paths checks ./surveys.
func TestValidateDefaultDir(t *testing.T) {
	t.Chdir("../..")
	if err := Validate(); err != nil {
		t.Errorf("Validate() in the repository root = %v; want nil", err)
	}
	t.Chdir(t.TempDir())
	if err := Validate(); err == nil || !strings.HasPrefix(err.Error(), "surveys: cannot read the directory") {
		t.Errorf("Validate() without ./surveys = %v", err)
	}
}

func TestLoadSizeLimit(t *testing.T) {
	data := []byte("id: x\n# " + strings.Repeat("x", maxFileSize) + "\n")
	if _, err := Load("big.yaml", data, nil); err == nil || err.Error() != "big.yaml:1: the file is larger than 1024 KB" {
		t.Errorf("Load(big) = %v", err)
	}
}

func TestErrorWithoutLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gone.yaml")
	_, err := LoadFile(path, nil)
	var fe *Error
	if !errors.As(err, &fe) || fe.Line != 0 || err.Error() != path+": cannot read the file: no such file or directory" {
		t.Errorf("LoadFile(missing) = %v", err)
	}
}

// TestLoadAccess checks that access defaults to open and that code is kept.
func TestLoadAccess(t *testing.T) {
	tests := []struct {
		name, file, line, want string
	}{
		{"Default", "testdata/mini.yaml", "", "open"},
		{"Open", "testdata/mini.yaml", "access: open", "open"},
		{"Code", "testdata/mini.yaml", "access: code", "code"},
		{"ShippedExampleIsOpen", "../../surveys/your-life-your-voice.yaml", "", "open"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := os.ReadFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if tt.line != "" {
				data = []byte(strings.Replace(string(data), "\nstatus: open\n", "\nstatus: open\n"+tt.line+"\n", 1))
			}
			s, err := Load(tt.file, data, nil)
			if err != nil {
				t.Fatal(err)
			}
			if s.Access != tt.want || s.NeedsCode() != (tt.want == "code") {
				t.Errorf("Access = %q (NeedsCode %v), want %q", s.Access, s.NeedsCode(), tt.want)
			}
		})
	}
}

// TestShippedMeasures checks that the shipped survey defines a headline measure for
// every scale question and every grid row, so that briefings lead with all of them.
func TestShippedMeasures(t *testing.T) {
	s, err := LoadFile("../../surveys/your-life-your-voice.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	has := map[string]bool{}
	for _, m := range s.Measures {
		has[m.Question+"|"+m.Item] = true
		if m.Label.In("cy") == m.Label.In("en") || m.Young.In("en") == "" {
			t.Errorf("measure %s: want adult and young wording in English and Welsh", m.ID)
		}
	}
	for _, q := range s.Questions {
		switch q.Kind {
		case "scale":
			if !has[q.ID+"|"] {
				t.Errorf("no measure for the scale %s", q.ID)
			}
		case "grid":
			for _, it := range q.Items {
				if !has[q.ID+"|"+it.ID] {
					t.Errorf("no measure for %s row %s", q.ID, it.ID)
				}
			}
		}
	}
}
