package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSurveyImportExport runs the commands as the program does: exit 0 and a file that
// validates for a real form; exit 1, one clear message and nothing written otherwise.
func TestSurveyImportExport(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("CHORUS_SURVEYS", dir)
	var out, errs bytes.Buffer

	bad := filepath.Join(t.TempDir(), "notes.xlsx")
	if err := os.WriteFile(bad, []byte("not a workbook"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code := run([]string{"survey", "import", bad}, nil, &out, &errs); code != 1 || !strings.Contains(errs.String(), "not an .xlsx workbook") {
		t.Errorf("bad file: exit %d, stderr %q; want 1 and a clear message", code, errs.String())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a failed import left %d files", len(entries))
	}

	out.Reset()
	errs.Reset()
	if code := run([]string{"survey", "import", "surveyport/testdata/xlsform/text_and_integer.xlsx"}, nil, &out, &errs); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errs.String())
	}
	written := filepath.Join(dir, "text_and_integer.yaml")
	if code := run([]string{"survey", "validate", written}, nil, &out, &errs); code != 0 {
		t.Errorf("the imported file does not validate: %s", errs.String())
	}

	t.Setenv("CHORUS_SURVEYS", "../surveys")
	exported := filepath.Join(t.TempDir(), "ylyv.json")
	if code := run([]string{"survey", "export", "--format", "surveyjs", "--out", exported, "your-life-your-voice"}, nil, &out, &errs); code != 0 {
		t.Fatalf("export: exit %d: %s", code, errs.String())
	}
	t.Setenv("CHORUS_SURVEYS", dir)
	if code := run([]string{"survey", "import", exported, "--out", filepath.Join(dir, "back.yaml")}, nil, &out, &errs); code != 0 {
		t.Errorf("re-import: exit %d: %s", code, errs.String())
	}
	if code := run([]string{"survey", "export", "--format", "pdf", "x"}, nil, &out, &errs); code != 1 {
		t.Errorf("unknown format: exit %d, want 1", code)
	}
}
