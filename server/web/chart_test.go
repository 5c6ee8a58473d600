package web

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/chorus-voice/chorus/server/disclosure"
	"github.com/chorus-voice/chorus/server/report"
)

func shown(t *testing.T, n int) disclosure.Value {
	t.Helper()
	return disclosure.Policy{}.Count(n)
}

func TestBarChart(t *testing.T) {
	p := 62.5
	bars := []report.Bar{
		{ID: "a", Label: "A safe home where I can stay, with people who care about me", Count: shown(t, 50), Percent: &p},
		{ID: "b", Label: "Friends", Count: disclosure.Value{}},
		{ID: "c", Label: "Money", Count: shown(t, 25)},
	}
	svg := string(barChart("chart-x", "What matters <most>", bars))
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(svg))
	if err != nil {
		t.Fatal(err)
	}
	s := doc.Find("svg")
	if role, _ := s.Attr("role"); role != "img" {
		t.Errorf("role %q", role)
	}
	if by, _ := s.Attr("aria-labelledby"); by != "chart-x-t chart-x-d" {
		t.Errorf("aria-labelledby %q", by)
	}
	if got := s.Find("title#chart-x-t").Text(); got != "What matters <most>" {
		t.Errorf("title %q (escaped in the markup: %v)", got, strings.Contains(svg, "&lt;most&gt;"))
	}
	if !strings.Contains(s.Find("desc").Text(), "table") {
		t.Error("desc does not point to the table")
	}
	var values []string
	s.Find("text.value").Each(func(_ int, v *goquery.Selection) { values = append(values, v.Text()) })
	if strings.Join(values, "|") != "50 (62.5%)|c (hidden)|25" {
		t.Errorf("values %q", values)
	}
	if n := s.Find("rect").Length(); n != 2 {
		t.Errorf("%d bars drawn, want 2 (none for the hidden count)", n)
	}
	if s.Find("text.label").Length() < 4 {
		t.Error("the long label was not wrapped onto two lines")
	}
}

func TestStackedChart(t *testing.T) {
	pct := func(v float64) *float64 { return &v }
	c := report.Chart{ID: "life", Title: "Life", Points: []string{"Sad", "In the middle", "Happy", report.PreferNotLabel},
		Items: []report.Item{
			{ID: "friends", Label: "Friends", Base: shown(t, 40), Bars: []report.Bar{
				{Count: shown(t, 10), Percent: pct(25)}, {Count: disclosure.Value{}}, {Count: shown(t, 20), Percent: pct(50)}, {Count: disclosure.Value{}}}},
			{ID: "money", Label: "Money", Base: disclosure.Value{}},
		}}
	svg := string(stackedChart("chart-life", "Life", c))
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(svg))
	if !strings.Contains(svg, `fill="url(#chart-life-hatch)"`) {
		t.Error("the hidden share of a row is not drawn as hidden")
	}
	if !strings.Contains(doc.Find("text.value").Text(), "c (hidden)") {
		t.Error("a hidden row is not marked c")
	}
	if !strings.Contains(doc.Find("text.label").Text(), "Hidden (c)") {
		t.Error("the legend does not explain the hatching")
	}
}

func TestWrap(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
	}{
		{"", ""},
		{"Short", "Short"},
		{"With family or friends who look after me (kinship care)", "With family or friends who look|after me (kinship care)"},
	} {
		if got := strings.Join(wrap(tc.in, 34), "|"); got != tc.want {
			t.Errorf("wrap(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
