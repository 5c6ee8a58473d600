package web

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/chorus-voice/chorus/server/chorus"
)

// pdfText returns the text of a PDF as pdftotext reads it, and false (logged) when
// pdftotext is not installed (scripts/test installs poppler-utils).
func pdfText(t *testing.T, pdf []byte) (string, bool) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext is not installed: PDF text not checked")
		return "", false
	}
	cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out), true
}

// pdfPages returns the number of pages pdfinfo reports, or 0 if it is not installed.
func pdfPages(t *testing.T, pdf []byte) int {
	t.Helper()
	if _, err := exec.LookPath("pdfinfo"); err != nil {
		return 0
	}
	cmd := exec.Command("pdfinfo", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("pdfinfo: no page count in %s", out)
	}
	n := 0
	for _, c := range m[1] {
		n = n*10 + int(c-'0')
	}
	return n
}

var numberToken = regexp.MustCompile(`\d+`)

// numbersNotIn returns the whole numbers in text that do not occur in words.
func numbersNotIn(text, words string) []string {
	known := numberToken.FindAllString(words, -1)
	var out []string
	for _, n := range numberToken.FindAllString(text, -1) {
		if !slices.Contains(known, n) {
			out = append(out, n)
		}
	}
	return out
}

func TestBriefingCreate(t *testing.T) {
	f := newReportFixture(t)
	f.standardData()

	t.Run("API", func(t *testing.T) {
		id := f.makeBriefing(hartlepool)
		b, err := f.svc.Briefings.FindBriefing(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if b.Survey != ylyv || b.Area != hartlepool || b.Level != "council" || !slices.Equal(b.Councils, []string{hartlepool}) ||
			b.CreatedBy != f.users["facilitator"].ID || b.Title != "Day of Action briefing: Hartlepool" {
			t.Errorf("stored %+v", b)
		}
	})
	t.Run("Wales", func(t *testing.T) {
		for _, tc := range []struct{ area, level, title string }{
			{"W92000004", "country", "Day of Action briefing: Wales"},
			{"W06000015", "council", "Day of Action briefing: Cardiff"},
			{"W07000089", "constituency", "Day of Action briefing: Cardiff East"},
		} {
			id := f.makeBriefing(tc.area)
			b, err := f.svc.Briefings.FindBriefing(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			if b.Level != tc.level || b.Title != tc.title || len(b.Councils) == 0 || !strings.HasPrefix(b.Councils[0], "W06") {
				t.Errorf("%s: stored %+v", tc.area, b)
			}
			if tc.area == "W92000004" && len(b.Councils) != 22 {
				t.Errorf("Wales covers %d councils, want its 22", len(b.Councils))
			}
			f.get("facilitator", "/briefings/"+id, http.StatusOK)
		}
	})
	t.Run("APIErrors", func(t *testing.T) {
		for _, tc := range []struct {
			name, who, body string
			want            int
			field           string
		}{
			{"ErrUnknownArea", "facilitator", `{"survey":"` + ylyv + `","area":"E99999999"}`, 422, "area"},
			{"ErrUnknownSurvey", "facilitator", `{"survey":"nope","area":"` + hartlepool + `"}`, 422, "survey"},
			{"ErrMissing", "facilitator", `{}`, 422, "survey"},
			{"ErrUnknownField", "facilitator", `{"survey":"` + ylyv + `","area":"` + hartlepool + `","x":1}`, 400, ""},
			{"ErrViewer", "viewerAll", `{"survey":"` + ylyv + `","area":"` + hartlepool + `"}`, 403, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				req := newJSONRequest(http.MethodPost, "/api/v1/briefings", tc.body)
				req.Header.Set("Authorization", "Bearer "+f.tokens[tc.who])
				resp, body := f.do(t, req)
				if resp.StatusCode != tc.want || tc.field != "" && !strings.Contains(string(body), `"`+tc.field+`"`) {
					t.Errorf("%d %s, want %d naming %q", resp.StatusCode, body, tc.want, tc.field)
				}
			})
		}
		req := newJSONRequest(http.MethodPost, "/api/v1/briefings", `{"survey":"`+ylyv+`","area":"`+hartlepool+`"}`)
		if resp, _ := f.do(t, req); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("anonymous: %d, want 401", resp.StatusCode)
		}
	})
	t.Run("Form", func(t *testing.T) {
		resp, _ := f.request("facilitator", http.MethodPost, "/briefings", url.Values{"survey": {ylyv}, "area": {northEast}})
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/briefings/") {
			t.Fatalf("form: %d to %q", resp.StatusCode, loc)
		}
		resp, body := f.request("facilitator", http.MethodPost, "/briefings", url.Values{"survey": {ylyv}, "area": {"nowhere"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `aria-invalid="true"`) || !strings.Contains(body, "error-summary") {
			t.Errorf("bad area: %d, want 422 with the error shown", resp.StatusCode)
		}
		resp, _ = f.request("facilitator", http.MethodPost, "/briefings", url.Values{"survey": {ylyv}, "area": {hartlepool}, "csrf": {"forged"}})
		if resp.StatusCode == http.StatusSeeOther {
			t.Error("a form with a wrong CSRF token made a briefing")
		}
	})
	t.Run("List", func(t *testing.T) {
		doc, _ := f.get("facilitator", "/briefings", http.StatusOK)
		if n := doc.Find("tbody tr").Length(); n != 5 {
			t.Errorf("%d briefings listed, want 5", n)
		}
		if doc.Find(`select#area option[value="W92000004"]`).Length() != 1 || doc.Find(`select#area option[value="W06000015"]`).Length() != 1 || doc.Find(`select#area option[value="W07000089"]`).Length() != 1 {
			t.Error("Wales, its councils and its constituencies are not offered")
		}
		if doc.Find(`form[action="/briefings"] select#area optgroup`).Length() != 4 {
			t.Error("no form to make a briefing, with areas grouped")
		}
		doc, _ = f.get("viewer", "/briefings", http.StatusOK)
		if n := doc.Find("tbody tr").Length(); n != 1 || doc.Find(`form[action="/briefings"]`).Length() != 0 {
			t.Errorf("viewer of Hartlepool sees %d briefings (want 1, not the North East one) and a form: %v", n, doc.Find(`form[action="/briefings"]`).Length())
		}
	})
}

func newJSONRequest(method, target, body string) *http.Request {
	req, _ := http.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return req
}

func TestBriefingView(t *testing.T) {
	f := newReportFixture(t)
	f.standardData()

	t.Run("Council", func(t *testing.T) {
		id := f.makeBriefing(hartlepool)
		doc, _ := f.get("facilitator", "/briefings/"+id, http.StatusOK)
		art := doc.Find("article.briefing")
		if got := art.Find("h1").Text(); got != "Day of Action briefing: Hartlepool" {
			t.Errorf("title %q", got)
		}
		if got := art.Find(".sentences li").Length(); got < 3 || got > 5 {
			t.Errorf("%d headline sentences, want 3 to 5", got)
		}
		if art.Find(".notice").Length() != 0 {
			t.Error("Hartlepool is shown on its own, but the briefing says it was rolled up")
		}
		for _, want := range []string{"How young people feel", "What young people talked about most", "What young people want changed",
			"Who answered", "About these figures", "Numbers from", "rounded to the nearest 5",
			"Easy read", "Office for National Statistics"} {
			if !strings.Contains(art.Text(), want) && !strings.Contains(strings.ToLower(art.Text()), strings.ToLower(want)) {
				t.Errorf("briefing lacks %q", want)
			}
		}
		if art.Find("table.measures caption").Length() != 1 || art.Find("table.measures tbody tr").Length() == 0 {
			t.Error("headline measures are not in a captioned table")
		}
		if got := art.Find("section:has(#b-who) .base").First().Text(); got != "40" {
			t.Errorf("who answered: all young people %q, want 40", got)
		}
		art.Find("td.n").Each(func(_ int, s *goquery.Selection) {
			txt := strings.TrimSuffix(strings.TrimSpace(s.Text()), "%")
			if txt != "c" && !strings.Contains(s.Text(), "%") && txt != "0" {
				if n := atoiOr(txt); n%5 != 0 {
					t.Errorf("briefing count %q is not rounded to 5", txt)
				}
			}
		})

		resp, pdf := f.request("facilitator", http.MethodGet, "/briefings/"+id+".pdf", nil)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf, "%PDF-") {
			t.Fatalf("PDF: %d %s %.8q", resp.StatusCode, resp.Header.Get("Content-Type"), pdf)
		}
		if text, ok := pdfText(t, []byte(pdf)); ok {
			for _, want := range []string{"Day of Action briefing: Hartlepool", "40", "young people in Hartlepool answered", "How young people feel",
				"What young people want changed", "Who answered", "About these figures"} {
				if !strings.Contains(text, want) {
					t.Errorf("PDF text lacks %q", want)
				}
			}
			for _, g := range art.Find("table.measures").First().Find("td.n").Nodes[:2] {
				if fig, _, _ := strings.Cut(strings.TrimSpace(goquery.NewDocumentFromNode(g).Text()), " "); !strings.Contains(text, fig) {
					t.Errorf("PDF lacks the headline figure %q", fig)
				}
			}
		}
		if n := pdfPages(t, []byte(pdf)); n != 0 && n != 1 {
			t.Errorf("PDF has %d pages, want 1", n)
		}

		resp, body := f.request("facilitator", http.MethodGet, "/briefings/"+id+".csv", nil)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("CSV: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var base string
		for _, r := range rows {
			if r[0] == "base" {
				base = r[5]
			}
			if r[0] == "option" && r[5] != "c" && atoiOr(r[5])%5 != 0 {
				t.Errorf("CSV count %q is not rounded to 5", r[5])
			}
		}
		if base != "40" {
			t.Errorf("CSV base %q, want 40", base)
		}
	})
	t.Run("Welsh", func(t *testing.T) {
		id := f.makeBriefing(hartlepool)
		doc, _ := f.get("facilitator", "/briefings/"+id+"?lang=cy", http.StatusOK)
		art := doc.Find("article.briefing")
		if lang, _ := art.Attr("lang"); lang != "cy" || art.Find("h1").Text() != "Briff Diwrnod Gweithredu: Hartlepool" ||
			!strings.Contains(art.Find(".sentences").Text(), "o bobl ifanc") || art.Find("#b-brief").Text() != "Yn gryno" {
			t.Errorf("Welsh briefing: lang %q, title %q, sentences %q", lang, art.Find("h1").Text(), art.Find(".sentences").Text())
		}
		if href, _ := doc.Find(`a[href$=".pdf?lang=cy"]`).Attr("href"); href == "" {
			t.Error("the Welsh briefing does not link to its Welsh PDF")
		}
		resp, pdf := f.request("facilitator", http.MethodGet, "/briefings/"+id+".pdf?lang=cy", nil)
		if text, ok := pdfText(t, []byte(pdf)); resp.StatusCode != http.StatusOK || ok && !strings.Contains(text, "Briff Diwrnod Gweithredu: Hartlepool") {
			t.Errorf("Welsh PDF: %d", resp.StatusCode)
		}
	})
	t.Run("RolledUp", func(t *testing.T) {
		id := f.makeBriefing(darlington)
		doc, _ := f.get("facilitator", "/briefings/"+id, http.StatusOK)
		notice := doc.Find("article .notice").Text()
		if !strings.Contains(notice, "North East") || !strings.Contains(notice, "region") {
			t.Errorf("Darlington's briefing does not say it shows the North East and why: %q", notice)
		}
		if got := doc.Find("article section:has(#b-who) .base").First().Text(); got != "75" {
			t.Errorf("North East base %q, want 75 (73 rounded)", got)
		}
	})
	t.Run("Constituency", func(t *testing.T) {
		id := f.makeBriefing(hartlepoolSeat)
		doc, _ := f.get("facilitator", "/briefings/"+id, http.StatusOK)
		if got := doc.Find("article h1").Text(); got != "Day of Action briefing: Hartlepool" {
			t.Errorf("title %q", got)
		}
		if !strings.Contains(doc.Find("article .sentences").Text(), "young people in Hartlepool answered") {
			t.Errorf("constituency briefing sentences %q", doc.Find("article .sentences").Text())
		}
		if why := doc.Find("article .why").Text(); !strings.Contains(why, "run by Hartlepool") {
			t.Errorf("constituency briefing does not say which council runs children's services: %q", why)
		}
	})
	t.Run("NobodyAnswered", func(t *testing.T) {
		id := f.makeBriefing("E06000057") // Northumberland: nobody answered; its region did
		doc, _ := f.get("facilitator", "/briefings/"+id, http.StatusOK)
		if notice := doc.Find("article .notice").Text(); !strings.Contains(notice, "Results shown are for North East") {
			t.Errorf("Northumberland's briefing notice: %q", notice)
		}
	})
	t.Run("Empty", func(t *testing.T) {
		g := newReportFixture(t)
		g.add(6, hartlepool)
		id := g.makeBriefing(hartlepool)
		doc, _ := g.get("facilitator", "/briefings/"+id, http.StatusOK)
		if doc.Find("article .sentences, article td.n").Length() != 0 {
			t.Error("a briefing with too few answers shows figures")
		}
		if notice := doc.Find("article .notice").Text(); !strings.Contains(notice, "Too few") {
			t.Errorf("empty briefing says %q", notice)
		}
		resp, pdf := g.request("facilitator", http.MethodGet, "/briefings/"+id+".pdf", nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("PDF of a small area: %d", resp.StatusCode)
		}
		// The date the PDF was made ("6 December 2026") may hold the same number.
		if text, ok := pdfText(t, []byte(pdf)); ok && (!strings.Contains(text, "Too few") || slices.Contains(numberToken.FindAllString(printedDate.ReplaceAllString(text, ""), -1), "6")) {
			t.Errorf("PDF of a small area:\n%s", text)
		}
	})
	t.Run("ViewerAreas", func(t *testing.T) {
		own, other, england := f.makeBriefing(hartlepool), f.makeBriefing(middlesbrough), f.makeBriefing("E92000001")
		for _, tc := range []struct {
			who, id string
			want    int
		}{
			{"viewer", own, 200}, {"viewer", other, 404}, {"viewer", england, 404},
			{"viewerOther", own, 404}, {"viewerAll", england, 200}, {"admin", other, 200}, {"", own, 303},
		} {
			for _, suffix := range []string{"", ".pdf", ".csv"} {
				if resp, _ := f.request(tc.who, http.MethodGet, "/briefings/"+tc.id+suffix, nil); resp.StatusCode != tc.want {
					t.Errorf("%s reading briefing %s%s: %d, want %d", tc.who, tc.id, suffix, resp.StatusCode, tc.want)
				}
			}
		}
		if resp, _ := f.request("facilitator", http.MethodGet, "/briefings/65f000000000000000000000", nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown briefing: %d", resp.StatusCode)
		}
	})
}

// TestBriefingThemeLabels checks that a briefing names its top themes by the codebook's
// adult labels in the page, the PDF (still one page) and the CSV.
func TestBriefingThemeLabels(t *testing.T) {
	f := newReportFixture(t)
	f.add(200, hartlepool) // enough answers for theme counts to be shown
	id := f.makeBriefing(hartlepool)
	doc, _ := f.get("facilitator", "/briefings/"+id, http.StatusOK)
	adult, _ := f.themeNames()
	var themes []string
	doc.Find("article .themes > li > strong").Each(func(_ int, s *goquery.Selection) { themes = append(themes, s.Text()) })
	if len(themes) == 0 {
		t.Fatal("no top themes")
	}
	for _, th := range themes {
		if !adult[th] {
			t.Errorf("theme %q is not named by the codebook's adult label", th)
		}
	}
	_, pdf := f.request("facilitator", http.MethodGet, "/briefings/"+id+".pdf", nil)
	if text, ok := pdfText(t, []byte(pdf)); ok {
		words := strings.Join(strings.Fields(text), " ") // labels wrap in the PDF's columns
		for _, th := range themes {
			if !strings.Contains(words, th) {
				t.Errorf("PDF lacks the theme %q", th)
			}
		}
	}
	if n := pdfPages(t, []byte(pdf)); n != 0 && n != 1 {
		t.Errorf("PDF has %d pages, want 1", n)
	}
	_, body := f.request("facilitator", http.MethodGet, "/briefings/"+id+".csv", nil)
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range rows {
		if r[0] == "theme" && r[3] != chorus.ThemeUncoded {
			n++
			if !adult[r[4]] {
				t.Errorf("CSV theme %s is labelled %q, not by the codebook", r[3], r[4])
			}
		}
	}
	if n == 0 {
		t.Error("no themes in the CSV")
	}
}

// printedDate matches a date as briefings print it, such as "6 December 2026".
var printedDate = regexp.MustCompile(`\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December)( \d{4})?\b`)

func atoiOr(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func TestBriefingShareLink(t *testing.T) {
	f := newReportFixture(t)
	f.standardData()
	id, other := f.makeBriefing(hartlepool), f.makeBriefing(middlesbrough)

	resp, body := f.request("facilitator", http.MethodPost, "/briefings/"+id+"/share", url.Values{"days": {"7"}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("share: %d %.300s", resp.StatusCode, body)
	}
	m := regexp.MustCompile(`value="(https?://[^"]+/briefings/` + id + `\?share=[^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no share link on the page:\n%.1500s", body)
	}
	link, _ := url.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
	token := link.Query().Get("share")

	t.Run("OpensReadOnly", func(t *testing.T) {
		doc, _ := f.get("", link.RequestURI(), http.StatusOK)
		if doc.Find("article.briefing h1").Text() != "Day of Action briefing: Hartlepool" {
			t.Error("share link does not show the briefing")
		}
		if doc.Find(`form, a[href="/staff"], #share`).Length() != 0 {
			t.Error("share link shows staff controls")
		}
		pdfHref, _ := doc.Find(`a[href*=".pdf"]`).Attr("href")
		csvHref, _ := doc.Find(`a[href*=".csv"]`).Attr("href")
		for _, href := range []string{pdfHref, csvHref} {
			if resp, _ := f.request("", http.MethodGet, href, nil); resp.StatusCode != http.StatusOK {
				t.Errorf("share link's download %q: %d", href, resp.StatusCode)
			}
		}
	})
	t.Run("OnlyThatBriefing", func(t *testing.T) {
		if resp, _ := f.request("", http.MethodGet, "/briefings/"+other+"?share="+url.QueryEscape(token), nil); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("share link used on another briefing: %d, want 401", resp.StatusCode)
		}
		for _, target := range []string{"/briefings?share=" + url.QueryEscape(token), "/dashboard/" + ylyv + "?share=" + url.QueryEscape(token)} {
			if resp, _ := f.request("", http.MethodGet, target, nil); resp.StatusCode == http.StatusOK {
				t.Errorf("share link opens %s", target)
			}
		}
	})
	t.Run("Listed", func(t *testing.T) {
		doc, _ := f.get("facilitator", "/briefings/"+id, http.StatusOK)
		if doc.Find("#share tbody tr").Length() != 1 || !strings.Contains(doc.Find("#share tbody").Text(), "Works") {
			t.Errorf("share links table: %q", doc.Find("#share tbody").Text())
		}
		if resp, _ := f.request("viewerAll", http.MethodPost, "/briefings/"+id+"/share", url.Values{"days": {"7"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("viewer sharing: %d, want 403", resp.StatusCode)
		}
		if resp, _ := f.request("facilitator", http.MethodPost, "/briefings/"+id+"/share", url.Values{"days": {"400"}}); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("400 days: %d, want 422", resp.StatusCode)
		}
	})
	t.Run("Expires", func(t *testing.T) {
		now := f.svc.Tokens.Now
		f.svc.Tokens.Now = func() time.Time { return testNow().Add(8 * 24 * time.Hour) }
		defer func() { f.svc.Tokens.Now = now }()
		if resp, _ := f.request("", http.MethodGet, link.RequestURI(), nil); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("after 8 days: %d, want 401", resp.StatusCode)
		}
	})
	t.Run("Revoked", func(t *testing.T) {
		links, err := f.svc.ShareLinks.FindShareLinks(t.Context(), id)
		if err != nil || len(links) != 1 {
			t.Fatalf("links %v %v", links, err)
		}
		if resp, _ := f.request("facilitator", http.MethodPost, "/briefings/"+other+"/share/"+links[0].ID+"/revoke", url.Values{}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("revoking through another briefing: %d, want 404", resp.StatusCode)
		}
		resp, _ := f.request("facilitator", http.MethodPost, "/briefings/"+id+"/share/"+links[0].ID+"/revoke", url.Values{})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke: %d", resp.StatusCode)
		}
		if resp, _ := f.request("", http.MethodGet, link.RequestURI(), nil); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("after revoking: %d, want 401", resp.StatusCode)
		}
		entries, _ := f.svc.Audit.FindAudit(t.Context(), chorus.AuditFilter{})
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
		}
		if !slices.Contains(actions, chorus.ActionShareCreate) || !slices.Contains(actions, chorus.ActionShareRevoke) {
			t.Errorf("audit actions %v lack share create and revoke", actions)
		}
	})
}
