package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestErrorPageLanguage checks that a respondent page fails in the language it was
// asked for, with the quick exit and the help note, keeping the error's own message,
// and that other pages fail in English.
func TestErrorPageLanguage(t *testing.T) {
	ts := newTestServer(t)
	noVersion := "This survey has no such version. Please go back and choose one."
	for _, tc := range []struct {
		name, method, target string
		form                 url.Values
		lang, title, message string
		reference, start     string
		startHref            string
		respondent           bool
	}{
		{"WelshQuery", http.MethodGet, "/s/" + ylyv + "/nope?lang=cy", nil,
			"cy", "Heb ddod o hyd i'r dudalen", noVersion, "Cyfeirnod:", "Mynd i'r dechrau", "/s/" + ylyv + "?lang=cy", true},
		{"WelshForm", http.MethodPost, "/s/" + ylyv + "/nope", url.Values{"lang": {"cy"}, "submission_id": {"abcdefgh12345678"}},
			"cy", "Heb ddod o hyd i'r dudalen", noVersion, "Cyfeirnod:", "Mynd i'r dechrau", "/s/" + ylyv + "?lang=cy", true},
		{"WelshUnknownSurvey", http.MethodGet, "/s/no-such-survey?lang=cy", nil,
			"cy", "Heb ddod o hyd i'r dudalen", "", "Cyfeirnod:", "Mynd i'r dechrau", "/", true},
		{"English", http.MethodGet, "/s/" + ylyv + "/nope", nil,
			"en", "Page not found", noVersion, "Reference:", "Go to the start", "/s/" + ylyv, true},
		{"UnknownPageIsChildFacing", http.MethodGet, "/no-such-page?lang=cy", nil,
			"cy", "Heb ddod o hyd i'r dudalen", "", "Cyfeirnod:", "Mynd i'r dechrau", "/", true},
		{"ErrStaffStaysEnglish", http.MethodGet, "/review/a/b/c/d?lang=cy", nil,
			"en", "Page not found", "", "Reference:", "Go to the start", "/", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body *strings.Reader
			if tc.form != nil {
				body = strings.NewReader(tc.form.Encode())
			} else {
				body = strings.NewReader("")
			}
			req := httptest.NewRequest(tc.method, tc.target, body)
			if tc.form != nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			resp, b := ts.do(t, req)
			if resp.StatusCode != http.StatusNotFound {
				t.Fatalf("status %d, want 404\n%.500s", resp.StatusCode, b)
			}
			doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(b)))
			if err != nil {
				t.Fatal(err)
			}
			if got := doc.Find("html").AttrOr("lang", ""); got != tc.lang {
				t.Errorf("html lang = %q, want %q", got, tc.lang)
			}
			if got := doc.Find("title").Text(); got != tc.title {
				t.Errorf("title = %q, want %q", got, tc.title)
			}
			if got := doc.Find("main h1").Text(); got != tc.title {
				t.Errorf("h1 = %q, want %q", got, tc.title)
			}
			if got := doc.Find("main p").First().Text(); tc.message != "" && got != tc.message {
				t.Errorf("message = %q, want the error's own %q", got, tc.message)
			}
			if got := doc.Find("main p.small").Text(); !strings.HasPrefix(got, tc.reference+" ") || doc.Find("main p.small code").Text() == "" {
				t.Errorf("reference = %q, want %q and the request id", got, tc.reference)
			}
			link := doc.Find("main a").Last()
			if link.Text() != tc.start || link.AttrOr("href", "") != tc.startHref {
				t.Errorf("link %q to %q, want %q to %q", link.Text(), link.AttrOr("href", ""), tc.start, tc.startHref)
			}
			exit, help := doc.Find(".quickexit a"), doc.Find("aside.help h2")
			if !tc.respondent {
				if exit.Length()+help.Length() != 0 {
					t.Error("a staff error page has the quick exit or the help note")
				}
				return
			}
			wantExit, wantHelp := "Leave this site quickly", "If you need help now"
			if tc.lang == "cy" {
				wantExit, wantHelp = "Gadael y wefan yn gyflym", "Os oes angen help arnoch chi nawr"
			}
			if exit.Text() != wantExit || help.Text() != wantHelp {
				t.Errorf("quick exit %q and help note %q, want %q and %q", exit.Text(), help.Text(), wantExit, wantHelp)
			}
		})
	}
}
