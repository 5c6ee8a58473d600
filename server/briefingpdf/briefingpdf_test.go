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

func briefing() *report.Briefing {
	n := func(v int) disclosure.Value { return disclosure.Policy{RoundTo: 5}.Count(v) }
	return &report.Briefing{
		ID: "b1", Title: "Day of Action briefing: Gŵyr", SurveyTitle: "Dy fywyd, dy lais", AreaName: "Gŵyr", ShownName: "Gŵyr",
		AsOf: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), Base: n(150),
		Measures: []report.MeasureRow{{Label: "Happy with their friends", Here: "55%", England: "60%"},
			{Label: "Happy with their money", Here: "c", England: "45%"}},
		Sentences: []string{"About half of young people in care in Gŵyr who answered said they are happy with their friends — similar to England."},
		Themes: []report.BriefingTheme{{Theme: report.Theme{ID: "money_things", Label: "Money (£20 a week)", Count: n(40)},
			Quotes: []string{"I get £20 a week and it's not enough"}}},
		ChangeTitle:  "What would make your life better?",
		ChangeQuotes: []string{"Seeing my brother more"},
		AgeBands:     report.Series{Bars: []report.Bar{{Label: "13 to 15", Count: n(60)}, {Label: "8 to 10", Count: disclosure.Value{}}}},
		Methods:      []string{"These are the answers of 150 young people.", strings.Repeat("A long methods note. ", 200)},
		Attribution:  "Source: Office for National Statistics.",
	}
}

// writeOnePage writes b as a PDF, fails the test unless it is a PDF of exactly one
// page, and returns its text (pdftotext); it skips the rest of the test without
// pdftotext.
func writeOnePage(t *testing.T, b *report.Briefing) string {
	t.Helper()
	var buf bytes.Buffer
	if err := briefingpdf.Write(&buf, b); err != nil {
		t.Fatal(err)
	}
	pdf := buf.Bytes()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf[len(pdf)-32:], []byte("%%EOF")) {
		t.Fatalf("not a PDF: %.20q … %q", pdf, pdf[len(pdf)-32:])
	}
	if n := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1)); n != 1 {
		t.Errorf("%d pages, want 1", n)
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
	return string(out)
}

func TestWrite(t *testing.T) {
	text := writeOnePage(t, briefing()) // one page however long the methods note
	for _, want := range []string{"Day of Action briefing: Gŵyr", "150", "55%", "Happy with their friends", "About half of young people", "£20", "“Seeing my brother more”",
		"What young people want changed", "Who answered", "About these figures", "Office for National Statistics"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	if !regexp.MustCompile(`(?m)^c$`).MatchString(text) {
		t.Errorf("a hidden share is not written c:\n%s", text)
	}
}

// full is a briefing as full as one can be: the shipped survey's headline questions, the
// codebook's longest adult labels for the top themes, and every quote as long as a
// briefing prints.
func full() *report.Briefing {
	n := func(v int) disclosure.Value { return disclosure.Policy{RoundTo: 5}.Count(v) }
	b := briefing()
	b.Title, b.ShownName = "Day of Action briefing: Redcar and Cleveland", "Redcar and Cleveland"
	long := func(start string) string {
		s := start + strings.Repeat(" and it goes on", report.MaxQuoteLen)
		return strings.TrimSpace(string([]rune(s)[:report.MaxQuoteLen]))
	}
	b.Measures = nil
	for _, l := range []string{"their friends", "their family life", "how often they see their family", "where they live", "school or college", "their health",
		"how safe they feel", "their social worker or personal adviser", "having a say in decisions about their life", "the things there are to do", "their money", "their life overall"} {
		b.Measures = append(b.Measures, report.MeasureRow{Label: "Happy with " + l, Here: "55%", Region: "60%", England: "65%", Versus: "lower than England", VersusShort: "lower"})
	}
	b.Measures = append(b.Measures, report.MeasureRow{Label: "Hopeful about their future", Here: "45%", Region: "50%", England: ">90%"})
	for _, l := range []string{"their friends", "their family", "seeing their family", "where they live", "school", "how safe they feel", "playing and things to do", "their life"} {
		b.Measures = append(b.Measures, report.MeasureRow{Label: "Happy with " + l + " (age 4 to 7)", Here: "60%", Of: "North East", Region: "60%", England: "70%"})
	}
	b.RegionName = "North East"
	b.MadeBy = "Made by Care Voices Together · Contact: dayofaction@example.org, 020 7946 0000 · Day of Action 10 March 2027 · Figures as at 6 December 2026 (release 3f9a1c2b7d4e)"
	b.WhyCouncil = "Children's services are run by councils, not constituencies: Stockton North is split between 2 councils, Redcar and Cleveland and Stockton-on-Tees, so these are those councils' figures together."
	b.Sentences = []string{
		"About 1 in 2 young people in care in Redcar and Cleveland who answered said they are happy with their life overall — lower than England.",
		"They were most often happy with their friends (about 6 in 10) and least often happy with their money (about 4 in 10).",
		"Compared with England, fewer said they are happy with where they live, happy with how safe they feel and happy with having a say in decisions about their life.",
		"What they wrote about most was social workers changing or not listening (30 young people).",
		"150 young people in Redcar and Cleveland answered, about 1 in 5 of the 790 children looked after by Redcar and Cleveland.",
	}
	b.Themes = nil
	for _, l := range []string{"Social workers changing or not listening", "Mental health and someone to talk to",
		"Contact with family and siblings", "Identity and feeling different", "Being listened to and having a say"} {
		b.Themes = append(b.Themes, report.BriefingTheme{Theme: report.Theme{Label: l, Count: n(30)}, Quotes: []string{long("About " + l)}})
	}
	b.ChangeQuotes = []string{long("First change"), long("Second change"), long("Third change")}
	b.AgeBands = report.Series{Bars: []report.Bar{{Label: "8 to 10", Count: n(20)}, {Label: "11 or 12", Count: n(25)},
		{Label: "13 to 15", Count: n(45)}, {Label: "16 or 17", Count: n(30)}, {Label: "Not known", Count: n(25)}}}
	b.LiveWith = report.Series{Bars: []report.Bar{{Label: "With foster carers", Count: n(35)},
		{Label: "With family or friends who look after me (kinship care)", Count: n(35)}, {Label: "In a children's home", Count: n(25)},
		{Label: "In my own place", Count: n(25)}, {Label: "In supported accommodation", Count: n(30)}}}
	b.Methods = []string{
		"These are the answers of 150 young people in Redcar and Cleveland to the anonymous survey “Your life, your voice”, as at 6 December 2026. Nobody was asked their name, and no figure here describes a single young person.",
		"Answers from the survey's 7 versions, written for different ages and reading needs, are added together (Age 4 to 7, with an adult helping; Age 8 to 12; Age 8 to 12, easy read; Age 13 to 17; Age 13 to 17, easy read; Care leavers, age 18 to 25; Care leavers, age 18 to 25, easy read). Each question means the same in every version; where the words differ, they are listed below.",
		"Numbers from 0 to 9 are not shown (marked c), and some larger numbers are hidden as well so that the small ones cannot be worked out from totals. Percentages are given only where at least 10 young people answered. Numbers are rounded to the nearest 5, and percentages are worked out from the rounded numbers.",
		"Headline shares for scales count the answers above the middle of the scale (such as “happy” and “very happy”), out of everyone who answered, including those who preferred not to say; they are worked out from the rounded numbers, and shown as c when a part is hidden.",
		"Themes count the young people whose written answers mention each theme, from the survey's codebook; one young person can mention several. Quotes appear only after a facilitator has approved them, with names and other details removed.",
	}
	b.Wordings = []report.Wording{
		{Question: "How happy are you with these parts of your life?", Texts: []string{"“How happy are you with these parts of your life?” (Age 8 to 12; Age 13 to 17; Care leavers, age 18 to 25)", "“Are you happy with these things?” (Age 8 to 12, easy read; Age 13 to 17, easy read; Care leavers, age 18 to 25, easy read)"}},
		{Question: "What matters most for a good life?", Texts: []string{"“What do you need to be happy? Pick up to 5.” (Age 4 to 7, with an adult helping)", "“What matters most for a good life? Choose up to 5.” (Age 8 to 12; Age 13 to 17; Care leavers, age 18 to 25)", "“What do you need for a good life? Pick up to 5.” (Age 8 to 12, easy read; Age 13 to 17, easy read; Care leavers, age 18 to 25, easy read)"}},
	}
	b.Attribution = "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. Contains OS data © Crown copyright and database right 2025."
	return b
}

// TestWriteFull checks that a briefing as full as the shipped survey and the quote limit
// allow keeps everything a reader needs on its one page.
func TestWriteFull(t *testing.T) {
	rolledUp := full()
	rolledUp.RolledUp, rolledUp.ShownName = true, "North East"
	rolledUp.Reason = "Too few young people in Redcar and Cleveland have answered so far to show its results on their own without risking someone being identified, so these are the results for the region, North East."
	rolledUp.Methods = append(rolledUp.Methods, "These results include synthetic demo responses, not real young people's answers.")
	for _, tc := range []struct {
		name string
		b    *report.Briefing
	}{{"OK", full()}, {"RolledUp", rolledUp}} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.b
			words := func(s string) string { return strings.Join(strings.Fields(s), " ") }
			text := words(writeOnePage(t, b))
			want := []string{"How young people feel", "Happy with their life overall", "Happy with having a say in decisions about their life", "45%", "playing and things to do", ">90%",
				"North East's figure", "What young people talked about most", "What young people want changed", "Who answered", b.MadeBy, b.WhyCouncil,
				"By who they live with: With foster carers: 35", "About these figures", "Numbers from 0 to 9 are not shown",
				"Wordings pooled", "Made with Chorus."}
			themes := b.Themes
			if b.RolledUp {
				// The notice takes room: the last theme is left out whole, as Write
				// leaves out what does not fit.
				themes = themes[:len(themes)-1]
			}
			for _, th := range themes {
				want = append(want, th.Label, "“"+th.Quotes[0]+"”")
			}
			for _, q := range b.ChangeQuotes {
				want = append(want, "“"+q+"”")
			}
			want = append(want, b.Sentences...)
			want = append(want, b.Methods...)
			for _, w := range want {
				if !strings.Contains(text, words(w)) {
					t.Errorf("PDF text lacks %q", w)
				}
			}
		})
	}
}
