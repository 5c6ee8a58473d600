package briefingpdf_test

import (
	"bytes"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chorus-voice/chorus/server/briefingpdf"
	"github.com/chorus-voice/chorus/server/disclosure"
	"github.com/chorus-voice/chorus/server/report"
)

func pct(f float64) *float64 { return &f }

func briefing() *report.Briefing {
	n := func(v int) disclosure.Value { return disclosure.Policy{RoundTo: 5}.Count(v) }
	return &report.Briefing{
		ID: "b1", Title: "Day of Action briefing: Gŵyr", SurveyTitle: "Dy fywyd, dy lais", AreaName: "Gŵyr", ShownName: "Gŵyr",
		AsOf: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), Base: n(150),
		Groups: []report.Group{{Title: "How happy are you?", Kind: "scale", Items: []report.Headline{
			{Label: "My friends", Answer: "happy or very happy", Percent: pct(56), Base: n(125)},
			{Label: "Money", Answer: "happy or very happy", Base: n(125)},
		}}},
		Themes: []report.BriefingTheme{{Theme: report.Theme{ID: "money_things", Label: "Money (£20 a week)", Count: n(40)},
			Quotes: []string{"I get £20 a week and it's not enough"}}},
		ChangeTitle:  "What would make your life better?",
		ChangeQuotes: []string{"Seeing my brother more"},
		AgeBands:     report.Series{Bars: []report.Bar{{Label: "13 to 15", Count: n(60)}, {Label: "8 to 10", Count: disclosure.Value{}}}},
		Methods:      []string{"These are the answers of 150 young people.", strings.Repeat("A long methods note. ", 200)},
		Attribution:  "Source: Office for National Statistics.",
	}
}

func TestWrite(t *testing.T) {
	var buf bytes.Buffer
	if err := briefingpdf.Write(&buf, briefing()); err != nil {
		t.Fatal(err)
	}
	pdf := buf.Bytes()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf[len(pdf)-32:], []byte("%%EOF")) {
		t.Fatalf("not a PDF: %.20q … %q", pdf, pdf[len(pdf)-32:])
	}
	if n := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1)); n != 1 {
		t.Errorf("%d pages, want 1 however long the methods note", n)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is not installed: text not checked")
	}
	cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{"Day of Action briefing: Gŵyr", "150", "56%", "My friends", "£20", "“Seeing my brother more”",
		"What young people want changed", "Who answered", "About these figures", "Office for National Statistics"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	if !regexp.MustCompile(`(?m)^c$`).MatchString(text) {
		t.Errorf("a hidden share is not written c:\n%s", text)
	}
}
