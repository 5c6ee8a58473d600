package theme

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

const validCodebook = `survey: test-survey
themes:
  - id: family
    label_young: Seeing my family
    label_adult: Contact with family
    words: [mum, dad]
    phrases:
      - see my brother
  - id: school
    label_young: School
    label_adult: School and education
    description: School and learning.
    words: [school]
    exclude: [school holidays]
`

func TestLoad(t *testing.T) {
	cb, err := Load("test.codebook.yaml", []byte(validCodebook))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if cb.Survey != "test-survey" {
		t.Errorf("Survey = %q, want %q", cb.Survey, "test-survey")
	}
	if len(cb.Themes) != 2 {
		t.Fatalf("len(Themes) = %d, want 2", len(cb.Themes))
	}
	want := Theme{ID: "school", LabelYoung: "School", LabelAdult: "School and education",
		Description: "School and learning.", Terms: terms("school"), Exclude: terms("school holidays")}
	if got := cb.Themes[1]; !equalTheme(got, want) {
		t.Errorf("Themes[1] = %+v, want %+v", got, want)
	}
	if got, want := texts(cb.Themes[0].Terms), []string{"see my brother", "mum", "dad"}; !slices.Equal(got, want) {
		t.Errorf("Themes[0].Terms = %q, want %q", got, want)
	}
	if len(cb.Revision) != 12 {
		t.Errorf("Revision = %q, want 12 hex digits", cb.Revision)
	}
	other, err := Load("x", []byte(validCodebook+"\n"))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if other.Revision == cb.Revision {
		t.Errorf("Revision did not change when the bytes changed")
	}
	if th, ok := cb.Theme("family"); !ok || th.LabelYoung != "Seeing my family" {
		t.Errorf("Theme(%q) = %+v, %v; want the family theme", "family", th, ok)
	}
	if _, ok := cb.Theme("nope"); ok {
		t.Errorf("Theme(%q) found a theme, want none", "nope")
	}
}

func equalTheme(a, b Theme) bool {
	return a.ID == b.ID && a.LabelYoung == b.LabelYoung && a.LabelAdult == b.LabelAdult &&
		a.Description == b.Description && slices.Equal(texts(a.Terms), texts(b.Terms)) &&
		slices.Equal(texts(a.Exclude), texts(b.Exclude))
}

func texts(ts []Term) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Text)
	}
	return out
}

const termsCodebook = `survey: s
themes:
  - id: family
    label_young: Family
    label_adult: Family
    scope:
      includes: Birth family.
      excludes: Foster family.
      borderline:
        - Living with an aunt.
    terms:
      - mum
      - term: family
        except: [part of the family, foster family]
      - term: bullied
        negatable: true
      - term: move
        stem: true
      - bull*
    terms_cy: [teulu]
`

// TestLoadTerms reads terms written as text and as mappings, and the scope note.
func TestLoadTerms(t *testing.T) {
	cb, err := Load("c.yaml", []byte(termsCodebook))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	th := cb.Themes[0]
	want := []Term{
		{Text: "mum", Line: 12, EndLine: 12},
		{Text: "family", Except: []string{"part of the family", "foster family"}, Line: 13, EndLine: 14},
		{Text: "bullied", Negatable: true, Line: 15, EndLine: 16},
		{Text: "move*", Line: 17, EndLine: 18},
		{Text: "bull*", Line: 19, EndLine: 19},
		{Text: "teulu", Welsh: true},
	}
	if len(th.Terms) != len(want) {
		t.Fatalf("Terms = %+v, want %+v", th.Terms, want)
	}
	for i, w := range want {
		g := th.Terms[i]
		if g.Text != w.Text || !slices.Equal(g.Except, w.Except) || g.Negatable != w.Negatable || g.Welsh != w.Welsh ||
			g.Line != w.Line || g.EndLine != w.EndLine {
			t.Errorf("Terms[%d] = %+v, want %+v", i, g, w)
		}
	}
	if th.Scope.Includes != "Birth family." || th.Scope.Excludes != "Foster family." || !slices.Equal(th.Scope.Borderline, []string{"Living with an aunt."}) {
		t.Errorf("Scope = %+v", th.Scope)
	}
	if th.list.lastLine != 19 || th.list.indent != "      " {
		t.Errorf("list = %+v, want the terms list ending on line 19", th.list)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // each must appear as a line of the error
	}{
		{"ErrSyntax", "survey: x\nthemes: [\n", []string{"c.yaml:2: invalid YAML"}},
		{"ErrEmpty", "", []string{"c.yaml:1: the codebook is empty"}},
		{"ErrNotMapping", "- a\n- b\n", []string{"c.yaml:1: the codebook must be a mapping of keys to values"}},
		{"ErrMissingSurvey", "themes:\n  - id: a\n    label_young: A\n    label_adult: A\n    words: [a]\n",
			[]string{`c.yaml:1: missing "survey"`}},
		{"ErrMissingThemes", "survey: s\n", []string{`c.yaml:1: missing "themes"`}},
		{"ErrEmptyThemes", "survey: s\nthemes: []\n", []string{"c.yaml:2: themes is empty"}},
		{"ErrBadSurvey", "survey: Big Survey\nthemes:\n  - id: a\n    label_young: A\n    label_adult: A\n    words: [a]\n",
			[]string{`c.yaml:1: survey "Big Survey" must match`}},
		{"ErrUnknownTopKey", "survey: s\ntitle: x\nthemes:\n  - id: a\n    label_young: A\n    label_adult: A\n    words: [a]\n",
			[]string{`c.yaml:2: unknown key "title"`}},
		{"ErrThemesNotList", "survey: s\nthemes: lots\n", []string{"c.yaml:2: themes must be a list"}},
		{"ErrThemeNotMapping", "survey: s\nthemes:\n  - just text\n", []string{"c.yaml:3: each theme must be a mapping"}},
		{"ErrBadID", "survey: s\nthemes:\n  - id: Family-Contact\n    label_young: A\n    label_adult: A\n    words: [a]\n",
			[]string{`c.yaml:3: theme id "Family-Contact" must match ^[a-z][a-z0-9_]*$`}},
		{"ErrMissingID", "survey: s\nthemes:\n  - label_young: A\n    label_adult: A\n    words: [a]\n",
			[]string{`c.yaml:3: theme is missing "id"`}},
		{"ErrDuplicateID",
			"survey: s\nthemes:\n  - id: a\n    label_young: A\n    label_adult: A\n    words: [a]\n  - id: a\n    label_young: B\n    label_adult: B\n    words: [b]\n",
			[]string{`c.yaml:7: duplicate theme id "a" (first at line 3)`}},
		{"ErrEmptyLabel", "survey: s\nthemes:\n  - id: a\n    label_young: \"  \"\n    label_adult: A\n    words: [a]\n",
			[]string{`c.yaml:4: theme "a": label_young is empty`}},
		{"ErrMissingLabel", "survey: s\nthemes:\n  - id: a\n    label_young: A\n    words: [a]\n",
			[]string{`c.yaml:3: theme "a" is missing "label_adult"`}},
		{"ErrNoWords", "survey: s\nthemes:\n  - id: a\n    label_young: A\n    label_adult: A\n    exclude: [x]\n",
			[]string{`c.yaml:3: theme "a" needs at least one term`}},
		{"ErrWordWithSpace", "survey: s\nthemes:\n  - id: a\n    label_young: A\n    label_adult: A\n    words:\n      - ok\n      - see my mum\n",
			[]string{`c.yaml:8: theme "a": word "see my mum" has more than one word; put it under terms`}},
		{"ErrEmptyPhrase", "survey: s\nthemes:\n  - id: a\n    label_young: A\n    label_adult: A\n    phrases:\n      - \"\"\n",
			[]string{`c.yaml:7: theme "a": empty entry in phrases`, `c.yaml:3: theme "a" needs at least one term`}},
		{"ErrWordsNotList", "survey: s\nthemes:\n  - id: a\n    label_young: A\n    label_adult: A\n    words: mum\n",
			[]string{"c.yaml:6: words must be a list"}},
		{"ErrUnknownThemeKey", "survey: s\nthemes:\n  - id: a\n    label_young: A\n    label_adult: A\n    word: [a]\n",
			[]string{`c.yaml:6: unknown theme key "word"`, `c.yaml:3: theme "a" needs at least one term`}},
		{"ErrDuplicateKey", "survey: s\nsurvey: t\nthemes:\n  - id: a\n    label_young: A\n    label_adult: A\n    words: [a]\n",
			[]string{`c.yaml:2: invalid YAML: mapping key "survey" already defined`}},
		{"ErrLabelNotText", "survey: s\nthemes:\n  - id: a\n    label_young: [x]\n    label_adult: A\n    words: [a]\n",
			[]string{"c.yaml:4: label_young must be text"}},
		{"ErrSeveral", "survey: s\nthemes:\n  - id: A\n    label_young: A\n    label_adult: A\n    words: [a]\n  - id: b\n    label_young: B\n    label_adult: \"\"\n",
			[]string{`c.yaml:3: theme id "A" must match`, `c.yaml:9: theme "b": label_adult is empty`, `c.yaml:7: theme "b" needs at least one term`}},
		{"ErrStarInsideWord", "survey: s\nthemes:\n  - id: a\n    label_young: A\n    label_adult: A\n    terms:\n      - ok\n      - bu*ll\n",
			[]string{`c.yaml:8: theme "a": terms entry "bu*ll" has a "*" that does not end a word`}},
		{"ErrStarAlone", "survey: s\nthemes:\n  - id: a\n    label_young: A\n    label_adult: A\n    terms:\n      - ok\n      - see *\n",
			[]string{`c.yaml:8: theme "a": terms entry "see *" has a "*" that does not follow a word`}},
		{"ErrTermMissingText", "survey: s\nthemes:\n  - id: a\n    label_young: A\n    label_adult: A\n    terms:\n      - ok\n      - except: [x]\n",
			[]string{`c.yaml:8: theme "a": term is missing "term"`}},
		{"ErrUnknownTermKey", "survey: s\nthemes:\n  - id: a\n    label_young: A\n    label_adult: A\n    terms:\n      - term: ok\n        stemmed: true\n",
			[]string{`c.yaml:8: unknown term key "stemmed"`}},
		{"ErrNegatableNotBool", "survey: s\nthemes:\n  - id: a\n    label_young: A\n    label_adult: A\n    terms:\n      - term: ok\n        negatable: sometimes\n",
			[]string{`c.yaml:8: theme "a": negatable must be true or false`}},
		{"ErrMappingUnderWords", "survey: s\nthemes:\n  - id: a\n    label_young: A\n    label_adult: A\n    words:\n      - term: ok\n    terms: [x]\n",
			[]string{`c.yaml:7: theme "a": an entry in words must be text`}},
		{"ErrExceptNoWords", "survey: s\nthemes:\n  - id: a\n    label_young: A\n    label_adult: A\n    terms:\n      - term: ok\n        except: [\"...\"]\n",
			[]string{`c.yaml:8: theme "a": except entry "..." has no words`}},
		{"ErrUnknownScopeKey", "survey: s\nthemes:\n  - id: a\n    label_young: A\n    label_adult: A\n    scope:\n      include: x\n    terms: [x]\n",
			[]string{`c.yaml:7: unknown scope key "include"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cb, err := Load("c.yaml", []byte(tt.in))
			if err == nil {
				t.Fatalf("Load(%q) = %+v, want an error", tt.in, cb)
			}
			lines := strings.Split(err.Error(), "\n")
			for _, w := range tt.want {
				found := false
				for _, l := range lines {
					found = found || strings.HasPrefix(l, w)
				}
				if !found {
					t.Errorf("Load error = %q, want a line starting %q", err, w)
				}
			}
			if len(lines) != len(tt.want) {
				t.Errorf("Load error has %d lines, want %d:\n%s", len(lines), len(tt.want), err)
			}
		})
	}
}

func TestLoadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.codebook.yaml")
	if err := os.WriteFile(path, []byte("survey: s\nthemes: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadFile(path)
	if err == nil || !strings.HasPrefix(err.Error(), path+":2: ") {
		t.Errorf("LoadFile error = %v, want it to start %q", err, path+":2: ")
	}
	if _, err := LoadFile(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Errorf("LoadFile of a missing file gave no error")
	}
}

func TestShippedCodebookLoads(t *testing.T) {
	cb, err := LoadFile(shippedCodebook)
	if err != nil {
		t.Fatalf("LoadFile: %v", err)
	}
	if cb.Survey != "your-life-your-voice" {
		t.Errorf("Survey = %q, want %q", cb.Survey, "your-life-your-voice")
	}
	if len(cb.Themes) != 15 {
		t.Errorf("len(Themes) = %d, want 15", len(cb.Themes))
	}
	for _, th := range cb.Themes {
		if th.Scope.Includes == "" || th.Scope.Excludes == "" || len(th.Scope.Borderline) == 0 {
			t.Errorf("theme %q has no full scope note: %+v", th.ID, th.Scope)
		}
		if th.list.lastLine == 0 {
			t.Errorf("theme %q has no block list of terms that proposals can add to", th.ID)
		}
	}
}

// TestSchemaMatchesLoader checks that the published JSON Schema names the
// same keys the loader accepts and requires.
func TestSchemaMatchesLoader(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "surveys", "codebook.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Schema     string                     `json:"$schema"`
		Required   []string                   `json:"required"`
		Properties map[string]json.RawMessage `json:"properties"`
		Defs       struct {
			Theme struct {
				Required   []string                   `json:"required"`
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"theme"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatalf("codebook.schema.json: %v", err)
	}
	if schema.Schema != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %q, want draft 2020-12", schema.Schema)
	}
	keys := func(m map[string]json.RawMessage) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	sorted := func(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }
	if got, want := keys(schema.Properties), sorted(topKeys); !slices.Equal(got, want) {
		t.Errorf("schema properties = %v, want %v", got, want)
	}
	if got, want := keys(schema.Defs.Theme.Properties), sorted(themeKeys); !slices.Equal(got, want) {
		t.Errorf("schema theme properties = %v, want %v", got, want)
	}
	if got, want := sorted(schema.Defs.Theme.Required), []string{"id", "label_adult", "label_young"}; !slices.Equal(got, want) {
		t.Errorf("schema theme required = %v, want %v", got, want)
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(validCodebook))
	f.Add([]byte("survey: s\nthemes: [{id: a, label_young: A, label_adult: A, words: [1, true]}]\n"))
	f.Add([]byte("a: &x [1]\nb: *x\n"))
	f.Add([]byte("survey: s\n---\n")) // a second, empty document
	f.Add([]byte(termsCodebook))
	f.Fuzz(func(t *testing.T, data []byte) {
		cb, err := Load("f.yaml", data)
		if err == nil {
			if cb.Survey == "" || len(cb.Themes) == 0 {
				t.Fatalf("Load accepted a codebook without a survey or themes: %+v", cb)
			}
			cb.Compile().Tag("my mum and school")
			return
		}
		for _, l := range strings.Split(err.Error(), "\n") {
			if !strings.HasPrefix(l, "f.yaml:") {
				t.Fatalf("error line %q does not start with the file name", l)
			}
		}
	})
}

// TestCodebooksMatchSchema checks the shipped codebook, the old one and the
// terms example against the published JSON Schema, so that editors checking
// against the schema and the loader agree.
func TestCodebooksMatchSchema(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "surveys", "codebook.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("codebook.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("codebook.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	shipped, err := os.ReadFile(shippedCodebook)
	if err != nil {
		t.Fatal(err)
	}
	legacy, err := os.ReadFile(filepath.Join("testdata", "legacy.codebook.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"shipped": shipped, "legacy": legacy, "terms": []byte(termsCodebook)} {
		var v any
		if err := yaml.Unmarshal(data, &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// Round-trip through JSON so that the validator sees JSON types.
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s codebook does not match the schema: %v", name, err)
		}
	}
	bad := []byte("survey: s\nthemes:\n  - id: a\n    label_young: A\n    label_adult: A\n    terms:\n      - term: x\n        negatable: maybe\n")
	var v any
	_ = yaml.Unmarshal(bad, &v)
	j, _ := json.Marshal(v)
	inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if sch.Validate(inst) == nil {
		t.Error("the schema accepts negatable: maybe")
	}
}
