package surveyport

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/xuri/excelize/v2"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/surveyfile"
)

// workbook builds an .xlsx with the given sheets of rows.
func workbook(t *testing.T, sheets map[string][][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	first := true
	for name, rows := range sheets {
		if first {
			f.SetSheetName("Sheet1", name)
			first = false
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow(name, cell, &r); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func newCommand(t *testing.T) (*Command, *bytes.Buffer, *bytes.Buffer) {
	var out, errs bytes.Buffer
	return &Command{Dir: t.TempDir(), Stdout: &out, Stderr: &errs,
		Check: func(name string, data []byte) error { _, err := surveyfile.Load(name, data, nil); return err },
		Find:  func(string) (*chorus.Survey, error) { return nil, os.ErrNotExist },
	}, &out, &errs
}

func TestImportBadInput(t *testing.T) {
	good := [][]any{{"type", "name", "label"}, {"text", "q1", "Hello"}}
	cases := map[string]struct {
		name string
		data []byte
		want string
	}{
		"NotXLSX":          {"form.xlsx", []byte("type,name,label\ntext,q1,Hi\n"), "not an .xlsx workbook"},
		"OldXLS":           {"form.xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"), "old Excel .xls"},
		"WrongType":        {"form.txt", []byte("hello"), "not an XLSForm (.xlsx) or SurveyJS (.json) file"},
		"CorruptZip":       {"form.xlsx", []byte("PK\x03\x04garbage"), "cannot open the workbook"},
		"NoSurveySheet":    {"form.xlsx", workbook(t, map[string][][]any{"choices": {{"list_name", "name", "label"}}}), "no sheet named survey"},
		"NoChoicesSheet":   {"form.xlsx", workbook(t, map[string][][]any{"survey": {{"type", "name", "label"}, {"select_one yn", "q1", "Hi"}}}), "no question could be imported"},
		"DuplicateNames":   {"form.xlsx", workbook(t, map[string][][]any{"survey": {{"type", "name", "label"}, {"text", "q1", "A"}, {"integer", "q1", "B"}}}), `form.xlsx:3: the name "q1" is already used at row 2`},
		"DuplicateChoices": {"form.xlsx", workbook(t, map[string][][]any{"survey": good, "choices": {{"list_name", "name", "label"}, {"yn", "y", "Yes"}, {"yn", "y", "Yes again"}}}), `the choice list "yn" has the name "y" twice`},
		"EmptySurvey":      {"form.xlsx", workbook(t, map[string][][]any{"survey": {{"type", "name", "label"}}}), "no question could be imported"},
		"JSONArray":        {"s.json", []byte(`[{"type":"text"}]`), "must be a JSON object with pages"},
		"JSONTrailing":     {"s.json", []byte(`{"pages":[]} {}`), "more after the survey object"},
		"JSONBroken":       {"s.json", []byte("{\n\"pages\": [\n}"), "line 3"},
		"JSONNoPages":      {"s.json", []byte(`{"title":"x"}`), "no pages, questions or elements"},
		"JSONDuplicate":    {"s.json", []byte(`{"elements":[{"type":"text","name":"a"},{"type":"comment","name":"a"}]}`), `the name "a" is already used at elements[0]`},
		"JSONHuge":         {"s.json", append([]byte(`{"title":"`), bytes.Repeat([]byte("a"), MaxFileSize)...), "larger than 8 MB"},
		"XLSXHuge":         {"form.xlsx", append([]byte("PK\x03\x04"), make([]byte, MaxFileSize)...), "larger than 8 MB"},
	}
	real, err := os.ReadFile("testdata/surveyjs/american-history-quiz.json")
	if err != nil {
		t.Fatal(err)
	}
	cases["JSONDuplicateReal"] = struct {
		name string
		data []byte
		want string
	}{"american-history-quiz.json", real, `american-history-quiz.json:pages[1].elements[1]: the name "civilwar" is already used at pages[1].elements[0]`}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c, out, errs := newCommand(t)
			path := filepath.Join(t.TempDir(), tc.name)
			if err := os.WriteFile(path, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			err := c.Import([]string{path})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one containing %q (stderr: %s)", err, tc.want, errs)
			}
			if entries, _ := os.ReadDir(c.Dir); len(entries) != 0 {
				t.Errorf("the surveys directory holds %d files after a failed import", len(entries))
			}
			if out.Len() != 0 {
				t.Errorf("stdout after a failed import: %q", out)
			}
		})
	}
}

// TestImportHostileStrings checks that words built to break YAML, HTML or a terminal
// come through as plain text and the file still validates.
func TestImportHostileStrings(t *testing.T) {
	hostile := []string{
		"\"}\n- id: evil\n  kind: area",
		"{{.Secret}} <script>alert(1)</script>",
		"no",
		"line\x00with\x1bcontrol\u202echaracters",
		strings.Repeat("x", 6000),
		"&anchor *alias !!binary |",
	}
	rows := [][]any{{"type", "name", "label", "hint"}}
	choices := [][]any{{"list_name", "name", "label"}, {"l", "yes", hostile[0]}, {"l", "no", hostile[2]}}
	for i, h := range hostile {
		rows = append(rows, []any{"select_one l", "q" + string(rune('a'+i)), h, h})
	}
	rows = append(rows, []any{"text", "weird name: with *stuff*", "x", ""})
	data := workbook(t, map[string][][]any{"survey": rows, "choices": choices})
	s, _, err := ReadXLSForm("hostile.xlsx", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	yaml := mustValidate(t, s, "hostile.xlsx")
	loaded, err := surveyfile.Load("hostile.yaml", yaml, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(loaded.Questions) != len(hostile)+1 {
		t.Fatalf("%d questions, want %d", len(loaded.Questions), len(hostile)+1)
	}
	if got := loaded.Questions[0].Text["en"]; got != hostile[0] {
		t.Errorf("text %q, want %q", got, hostile[0])
	}
	// (The spreadsheet library itself turns some of them into U+FFFD when writing.)
	if got := loaded.Questions[3].Text["en"]; strings.ContainsFunc(got, func(r rune) bool { return unicode.IsControl(r) || r == '\u202e' }) || !strings.HasSuffix(got, "controlcharacters") {
		t.Errorf("control characters kept: %q", got)
	}
	if got := len([]rune(loaded.Questions[4].Text["en"])); got != maxTextRunes {
		t.Errorf("long text has %d characters, want %d", got, maxTextRunes)
	}
	if q := loaded.Question("weird_name_with_stuff"); q == nil {
		t.Errorf("the odd name did not become a plain id")
	}
}

func TestImportCommand(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		c, out, errs := newCommand(t)
		if err := c.Import([]string{"testdata/surveyjs/questiontype-panel.json"}); err != nil {
			t.Fatal(err)
		}
		want := filepath.Join(c.Dir, "questiontype-panel.yaml")
		if _, err := surveyfile.LoadFile(want, nil); err != nil {
			t.Errorf("the written file does not validate: %v", err)
		}
		if !strings.Contains(out.String(), "wrote "+want) {
			t.Errorf("stdout %q does not say where it wrote", out)
		}
		if lines := strings.Count(errs.String(), "\n"); lines != 4 {
			t.Errorf("%d lines on stderr, want 4:\n%s", lines, errs)
		}
		entries, _ := os.ReadDir(c.Dir)
		if len(entries) != 1 {
			t.Errorf("%d files in the directory, want 1 (no temporary file left)", len(entries))
		}
	})
	t.Run("ErrExists", func(t *testing.T) {
		c, _, _ := newCommand(t)
		out := filepath.Join(c.Dir, "mine.yaml")
		if err := os.WriteFile(out, []byte("keep me"), 0o600); err != nil {
			t.Fatal(err)
		}
		err := c.Import([]string{"testdata/surveyjs/questiontype-panel.json", "--out", out})
		if err == nil || !strings.Contains(err.Error(), "already exists") {
			t.Fatalf("got %v, want an 'already exists' error", err)
		}
		if b, _ := os.ReadFile(out); string(b) != "keep me" {
			t.Errorf("the existing file was changed")
		}
	})
	t.Run("Stdout", func(t *testing.T) {
		c, out, _ := newCommand(t)
		if err := c.Import([]string{"--out", "-", "testdata/xlsform/text_and_integer.xlsx"}); err != nil {
			t.Fatal(err)
		}
		if _, err := surveyfile.Load("stdout.yaml", out.Bytes(), nil); err != nil {
			t.Errorf("stdout is not a valid survey: %v", err)
		}
	})
	t.Run("ErrUsage", func(t *testing.T) {
		c, _, _ := newCommand(t)
		for _, args := range [][]string{nil, {"a.json", "b.json"}, {"--bogus", "a.json"}, {"a.json", "--out"}} {
			if err := c.Import(args); err == nil || !strings.Contains(err.Error(), "usage") && !strings.Contains(err.Error(), "--out") {
				t.Errorf("Import(%q) = %v, want a usage error", args, err)
			}
		}
	})
}

func TestExportCommand(t *testing.T) {
	s := shippedSurveys(t)[0]
	for _, format := range []string{"xlsform", "surveyjs"} {
		t.Run(format, func(t *testing.T) {
			c, out, errs := newCommand(t)
			c.Find = func(id string) (*chorus.Survey, error) { return s, nil }
			path := filepath.Join(t.TempDir(), "out."+format)
			if err := c.Export([]string{"--format", format, "--out", path, s.ID}); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), "wrote "+path) {
				t.Errorf("stdout %q", out)
			}
			if !strings.Contains(errs.String(), "privacy") {
				t.Errorf("stderr does not say the privacy words are left out:\n%s", errs)
			}
			data, _ := os.ReadFile(path)
			var err error
			if format == "xlsform" {
				_, _, err = ReadXLSForm(path, bytes.NewReader(data))
			} else {
				_, _, err = ReadSurveyJS(path, data)
			}
			if err != nil {
				t.Errorf("the export does not import: %v", err)
			}
		})
	}
	c, _, _ := newCommand(t)
	if err := c.Export([]string{"--format", "csv", "x"}); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Errorf("an unknown format gave %v, want a usage error", err)
	}
}

// TestImportZipBomb builds a workbook whose sheet unzips to more than the 64 MB limit
// from a file of a few hundred KB: it must fail with an error, not fill the memory.
func TestImportZipBomb(t *testing.T) {
	small := workbook(t, map[string][][]any{"survey": {{"type", "name", "label"}, {"text", "q1", "Hello"}}})
	zr, err := zip.NewReader(bytes.NewReader(small), int64(len(small)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(f.Name, "xl/worksheets/") {
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
			row := strings.Repeat(`<c t="inlineStr"><is><t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</t></is></c>`, 100)
			for i := 0; i < 10000; i++ { // about 70 MB unzipped
				io.WriteString(w, "<row>"+row+"</row>")
			}
			io.WriteString(w, `</sheetData></worksheet>`)
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(w, r)
		r.Close()
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > MaxFileSize {
		t.Fatalf("the bomb is %d bytes; it must be under the file limit to test the unzip limit", buf.Len())
	}
	size := buf.Len()
	_, _, err = ReadXLSForm("bomb.xlsx", &buf)
	if err == nil || !strings.Contains(err.Error(), "unzips to more than 64 MB") {
		t.Fatalf("a %d-byte workbook that unzips to 70 MB gave %v, want a clear error", size, err)
	}
}
