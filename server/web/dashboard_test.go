package web

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/chorus-voice/chorus/server/chorus"
)

func TestDashboard(t *testing.T) {
	f := newReportFixture(t)
	f.standardData()

	doc, _ := f.get("facilitator", "/dashboard/"+ylyv, http.StatusOK)
	if got := strings.TrimSpace(doc.Find(".headline .big").First().Text()); got != "73" {
		t.Errorf("responses = %q, want 73", got)
	}
	t.Run("ChartsHaveTables", func(t *testing.T) {
		figs := doc.Find("section.fig:has(svg)")
		if figs.Length() < 6 {
			t.Fatalf("%d charts, want at least 6", figs.Length())
		}
		figs.Each(func(_ int, fig *goquery.Selection) {
			svg := fig.Find("svg")
			title := fig.Find("h3").Text()
			if role, _ := svg.Attr("role"); role != "img" {
				t.Errorf("%s: svg role = %q, want img", title, role)
			}
			labelled, _ := svg.Attr("aria-labelledby")
			ids := strings.Fields(labelled)
			if len(ids) != 2 || svg.Find("title#"+ids[0]).Length() != 1 || svg.Find("desc#"+ids[1]).Length() != 1 {
				t.Errorf("%s: svg aria-labelledby %q does not name its <title> and <desc>", title, labelled)
			}
			if fig.Find("table th[scope=col]").Length() == 0 || fig.Find("table tbody tr").Length() == 0 {
				t.Errorf("%s: no table of the numbers next to the chart", title)
			}
		})
		for _, id := range []string{"q-life_happy", "q-future", "q-matters_most", "versions", "weeks"} {
			if doc.Find("#"+id+"-title").Length() != 1 {
				t.Errorf("no chart %s", id)
			}
		}
	})
	t.Run("TableMatchesChart", func(t *testing.T) {
		fig := doc.Find("section.fig:has(#q-future-title)")
		var chart, table []string
		fig.Find("svg text.value").Each(func(_ int, s *goquery.Selection) {
			chart = append(chart, strings.Fields(s.Text())[0])
		})
		fig.Find("table tbody td:nth-child(2)").Each(func(_ int, s *goquery.Selection) {
			table = append(table, strings.TrimSpace(s.Text()))
		})
		if strings.Join(chart, ",") != strings.Join(table, ",") || len(table) != 6 {
			t.Errorf("future: chart figures %v, table %v", chart, table)
		}
	})
	t.Run("Themes", func(t *testing.T) {
		if doc.Find("#themes-title").Length() != 1 || doc.Find("section:has(#themes-title) tbody tr").Length() == 0 {
			t.Error("no theme counts")
		}
		adult, _ := f.themeNames()
		doc.Find("section:has(#themes-title) tbody th").Each(func(_ int, s *goquery.Selection) {
			if label := s.Text(); !adult[label] && label != "Not covered by any theme yet" {
				t.Errorf("theme %q is not named by the codebook's adult label", label)
			}
		})
		if !strings.Contains(doc.Find("section:has(#quotes-title)").Text(), "No quotes have been approved yet") {
			t.Error("quotes section missing")
		}
	})
	t.Run("Filters", func(t *testing.T) {
		for _, name := range []string{"version", "age_band", "live_with", "region", "area", "from", "to"} {
			if doc.Find(`form.filters [name="`+name+`"]`).Length() != 1 {
				t.Errorf("no %s filter", name)
			}
		}
		if doc.Find(`#area option[value="`+hartlepool+`"]`).Length() != 1 {
			t.Error("Hartlepool, shown on its own, is not offered")
		}
		if doc.Find(`#area option[value="`+darlington+`"]`).Length() != 0 {
			t.Error("Darlington, with 3 responses, is offered")
		}
		doc, _ := f.get("facilitator", "/dashboard/"+ylyv+"?area="+hartlepool, http.StatusOK)
		if got := strings.TrimSpace(doc.Find(".headline .big").Text()); got != "40" {
			t.Errorf("Hartlepool responses = %q, want 40", got)
		}
		doc, _ = f.get("facilitator", "/dashboard/"+ylyv+"?area="+darlington, http.StatusOK)
		if got := doc.Find(".notice").Text(); !strings.Contains(got, "region") {
			t.Errorf("Darlington: no roll-up note, got %q", got)
		}
		doc, _ = f.get("facilitator", "/dashboard/"+ylyv+"?area="+hartlepool+"&version=8-12", http.StatusUnprocessableEntity)
		if !strings.Contains(doc.Find(".error-summary").Text(), "one filter at a time") {
			t.Errorf("two filters: error summary %q", doc.Find(".error-summary").Text())
		}
		if doc.Find("svg").Length() != 0 {
			t.Error("two filters: charts shown")
		}
	})
	t.Run("CSV", func(t *testing.T) {
		resp, body := f.request("facilitator", http.MethodGet, "/dashboard/"+ylyv+".csv?area="+hartlepool, nil)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("CSV: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil || len(rows) < 20 {
			t.Fatalf("CSV: %d rows, %v", len(rows), err)
		}
		found, themes := false, 0
		adult, _ := f.themeNames()
		for _, r := range rows {
			if r[0] == "base" && r[5] == "40" {
				found = true
			}
			if r[0] == "theme" && r[3] != chorus.ThemeUncoded {
				themes++
				if !adult[r[4]] {
					t.Errorf("CSV theme %s is labelled %q, not by the codebook", r[3], r[4])
				}
			}
		}
		if !found {
			t.Error("CSV has no base row of 40")
		}
		if themes == 0 {
			t.Error("CSV has no themes")
		}
	})
	t.Run("Access", func(t *testing.T) {
		for who, want := range map[string]int{"": http.StatusSeeOther, "viewer": http.StatusForbidden, "viewerAll": http.StatusForbidden, "admin": http.StatusOK} {
			resp, _ := f.request(who, http.MethodGet, "/dashboard/"+ylyv, nil)
			if resp.StatusCode != want {
				t.Errorf("as %q: %d, want %d", who, resp.StatusCode, want)
			}
		}
		if resp, _ := f.request("facilitator", http.MethodGet, "/dashboard/nope", nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown survey: %d, want 404", resp.StatusCode)
		}
		doc, _ := f.get("facilitator", "/dashboard", http.StatusOK)
		if doc.Find(`a[href="/dashboard/`+ylyv+`"]`).Length() != 1 {
			t.Error("dashboard index does not link to the survey")
		}
	})
}

// TestSmallDataShowsNoSmallCount checks every figure of every output for a survey with
// few responses: dashboard (chart and table), its CSV, a briefing's page, CSV and PDF,
// and the young people's page. No count from 1 to k−1 may appear.
func TestSmallDataShowsNoSmallCount(t *testing.T) {
	f := newReportFixture(t)
	f.add(12, hartlepool)
	f.add(4, middlesbrough)
	f.add(2, "")
	k := f.survey.Threshold

	doc, _ := f.get("facilitator", "/dashboard/"+ylyv, http.StatusOK)
	var fields []string
	doc.Find("td.n, svg text.value, .big").Each(func(_ int, s *goquery.Selection) { fields = append(fields, s.Text()) })
	if len(fields) < 50 {
		t.Fatalf("only %d figures on the dashboard", len(fields))
	}
	if bad := smallFigures(k, fields); len(bad) > 0 {
		t.Errorf("dashboard shows small counts: %q", bad)
	}
	if !strings.Contains(strings.Join(fields, " "), "c") {
		t.Error("nothing is suppressed on a small survey")
	}

	_, body := f.request("facilitator", http.MethodGet, "/dashboard/"+ylyv+".csv", nil)
	if bad := smallFigures(k, csvColumn(t, body, 5)); len(bad) > 0 {
		t.Errorf("dashboard CSV shows small counts: %q", bad)
	}

	id := f.makeBriefing(hartlepool)
	doc, _ = f.get("facilitator", "/briefings/"+id, http.StatusOK)
	fields = nil
	doc.Find("article td.n, article .big").Each(func(_ int, s *goquery.Selection) { fields = append(fields, s.Text()) })
	if bad := smallFigures(k, fields); len(bad) > 0 {
		t.Errorf("briefing shows small counts: %q", bad)
	}
	// Numbers in the briefing's words (dates, ages, the methods note) are not figures.
	words := doc.Find("article").Clone()
	words.Find("td.n, .big").Remove()
	wordsText := words.Text()
	_, body = f.request("facilitator", http.MethodGet, "/briefings/"+id+".csv", nil)
	if bad := smallFigures(k, csvColumn(t, body, 5)); len(bad) > 0 {
		t.Errorf("briefing CSV shows small counts: %q", bad)
	}
	resp, pdf := f.request("facilitator", http.MethodGet, "/briefings/"+id+".pdf", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PDF: %d", resp.StatusCode)
	}
	if text, ok := pdfText(t, []byte(pdf)); ok {
		if bad := smallFigures(k, numbersNotIn(text, wordsText)); len(bad) > 0 {
			t.Errorf("briefing PDF shows small counts: %q", bad)
		}
	}

	f.publishResults(true)
	doc, _ = f.get("", "/s/"+ylyv+"/results", http.StatusOK)
	fields = nil
	doc.Find(".inten, .lead").Each(func(_ int, s *goquery.Selection) {
		fields = append(fields, strings.TrimPrefix(strings.TrimPrefix(s.Text(), "About "), "Atebodd tua "))
	})
	if bad := smallFigures(k, fields); len(bad) > 0 {
		t.Errorf("young people's page shows small counts: %q", bad)
	}
}

func csvColumn(t *testing.T, body string, col int) []string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v", err)
	}
	var out []string
	for _, r := range rows[1:] {
		if col < len(r) && r[0] != "about" && r[0] != "note" {
			out = append(out, r[col])
		}
	}
	return out
}

// publishResults publishes (or withdraws) the young people's page as the facilitator.
func (f *reportFixture) publishResults(on bool) {
	f.t.Helper()
	v := "0"
	if on {
		v = "1"
	}
	resp, body := f.request("facilitator", http.MethodPost, "/dashboard/"+ylyv+"/publish", url.Values{"published": {v}})
	if resp.StatusCode != http.StatusSeeOther {
		f.t.Fatalf("publish %v: %d %.300s", on, resp.StatusCode, body)
	}
}

func TestYoungPeoplePage(t *testing.T) {
	f := newReportFixture(t)
	f.add(200, hartlepool)
	f.add(100, middlesbrough)
	path := "/s/" + ylyv + "/results"

	f.get("", path, http.StatusNotFound)
	if resp, _ := f.request("viewer", http.MethodPost, "/dashboard/"+ylyv+"/publish", url.Values{"published": {"1"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer publishing: %d, want 403", resp.StatusCode)
	}
	f.get("", path, http.StatusNotFound)

	f.publishResults(true)
	doc, _ := f.get("", path, http.StatusOK)
	if got := doc.Find("h1").Text(); got != "What you told us" {
		t.Errorf("h1 = %q", got)
	}
	if lead := doc.Find(".lead").First().Text(); !strings.Contains(lead, "About 300 children and young people") {
		t.Errorf("lead = %q, want the rounded count, 300", lead)
	}
	if doc.Find(".card .inten").Length() < 5 {
		t.Errorf("%d easy-read figures, want several", doc.Find(".card .inten").Length())
	}
	if doc.Find(".quickexit a").Length() != 1 || doc.Find("aside.help").Length() != 1 {
		t.Error("no quick exit or help note")
	}
	_, young := f.themeNames()
	themes := doc.Find(`section.ygroup:has(h2:contains("What you wrote about most")) .card`)
	if themes.Length() == 0 {
		t.Error("no themes on the young people's page")
	}
	themes.Each(func(_ int, s *goquery.Selection) {
		if label := strings.TrimSpace(s.Text()); !young[label] {
			t.Errorf("theme %q is not named by the codebook's young label", label)
		}
	})
	doc, _ = f.get("", path+"?lang=cy", http.StatusOK)
	if lang, _ := doc.Find("html").Attr("lang"); lang != "cy" || doc.Find("h1").Text() != "Beth ddywedoch chi wrthym ni" {
		t.Errorf("Welsh page: lang %q, h1 %q", lang, doc.Find("h1").Text())
	}
	_, _, youngCY := f.themeNamesCY()
	themesCY := doc.Find(`section.ygroup:has(.card) .card`).FilterFunction(func(_ int, s *goquery.Selection) bool {
		return youngCY[strings.TrimSpace(s.Text())]
	})
	if themesCY.Length() == 0 {
		t.Error("the Welsh page names no theme by the codebook's Welsh label")
	}

	entries, err := f.svc.Audit.FindAudit(t.Context(), chorus.AuditFilter{Action: chorus.ActionSurveyChange})
	if err != nil || len(entries) != 1 || entries[0].Object != "survey:"+ylyv || entries[0].ActorID != f.users["facilitator"].ID {
		t.Errorf("audit after publishing: %v %v", entries, err)
	}

	thanks, _ := f.get("", "/s/"+ylyv+"/thanks?r=ABCD-1234", http.StatusOK)
	if href, _ := thanks.Find(`a[href^="/s/` + ylyv + `/results"]`).Attr("href"); href == "" {
		t.Error("the thank-you page does not link to the results page")
	}

	f.publishResults(false)
	f.get("", path, http.StatusNotFound)
}
