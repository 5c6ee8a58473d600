package web

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/chorus-voice/chorus/server/chorus"
)

const exampleSurvey = "/s/your-life-your-voice"

var exampleVersions = []string{"4-7-assisted", "8-12", "8-12-easy", "13-17", "13-17-easy", "18-25", "18-25-easy"}

// getPage fetches path and parses the HTML.
func (ts *testServer) getPage(t *testing.T, path string) (*http.Response, *goquery.Document) {
	t.Helper()
	resp, body := ts.do(t, httptest.NewRequest(http.MethodGet, path, nil))
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	return resp, doc
}

// postForm sends an ordinary form body.
func (ts *testServer) postForm(t *testing.T, path string, form url.Values) (*http.Response, *goquery.Document) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body := ts.do(t, req)
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return resp, doc
}

// freshForm renders the questionnaire and returns its hidden fields.
func (ts *testServer) freshForm(t *testing.T, version string) url.Values {
	t.Helper()
	_, doc := ts.getPage(t, exampleSurvey+"/"+version)
	f := url.Values{}
	doc.Find(`form#survey input[type=hidden]`).Each(func(_ int, s *goquery.Selection) {
		f.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	return f
}

func TestSurveyStart(t *testing.T) {
	ts := newTestServer(t)

	t.Run("English", func(t *testing.T) {
		resp, doc := ts.getPage(t, exampleSurvey)
		if resp.StatusCode != 200 {
			t.Fatalf("status %d, want 200", resp.StatusCode)
		}
		if got := doc.Find("html").AttrOr("lang", ""); got != "en" {
			t.Errorf("html lang = %q, want en", got)
		}
		var hrefs []string
		doc.Find("ul.versions a").Each(func(_ int, s *goquery.Selection) { hrefs = append(hrefs, s.AttrOr("href", "")) })
		if len(hrefs) != len(exampleVersions) {
			t.Fatalf("version links %v, want %d", hrefs, len(exampleVersions))
		}
		for i, v := range exampleVersions {
			if want := exampleSurvey + "/" + v; hrefs[i] != want {
				t.Errorf("version link %d = %q, want %q", i, hrefs[i], want)
			}
		}
		langs := map[string]string{}
		doc.Find("nav.langs a").Each(func(_ int, s *goquery.Selection) { langs[s.AttrOr("lang", "")] = s.AttrOr("href", "") })
		if langs["en"] != exampleSurvey+"?lang=en" || langs["cy"] != exampleSurvey+"?lang=cy" {
			t.Errorf("language links %v, want en and cy to this page", langs)
		}
		text := doc.Find("main").Text()
		for _, want := range []string{"We don't ask your name", "You can skip any question"} {
			if !strings.Contains(text, want) {
				t.Errorf("start page lacks %q", want)
			}
		}
		if doc.Find("[data-quickexit]").Length() != 1 || doc.Find("aside.help").Length() != 1 {
			t.Error("start page lacks the quick exit or the help note")
		}
	})

	t.Run("Welsh", func(t *testing.T) {
		_, doc := ts.getPage(t, exampleSurvey+"?lang=cy")
		if got := doc.Find("html").AttrOr("lang", ""); got != "cy" {
			t.Errorf("html lang = %q, want cy", got)
		}
		if got := doc.Find("h1").Text(); got != "Dy fywyd, dy lais" {
			t.Errorf("h1 = %q, want the Welsh title", got)
		}
		if got := doc.Find("ul.versions a").First().AttrOr("href", ""); got != exampleSurvey+"/4-7-assisted?lang=cy" {
			t.Errorf("version link = %q, want it to keep the language", got)
		}
	})

	t.Run("UnknownLanguageFallsBack", func(t *testing.T) {
		_, doc := ts.getPage(t, exampleSurvey+"?lang=fr")
		if got := doc.Find("html").AttrOr("lang", ""); got != "en" {
			t.Errorf("html lang = %q, want en", got)
		}
	})
}

func TestRespondentNotFound(t *testing.T) {
	ts := newTestServer(t)
	for _, path := range []string{"/s/no-such-survey", "/s/no-such-survey/8-12", "/s/no-such-survey/thanks", exampleSurvey + "/99-100"} {
		resp, doc := ts.getPage(t, path)
		if resp.StatusCode != 404 {
			t.Errorf("GET %s: status %d, want 404", path, resp.StatusCode)
		}
		if doc.Find("[data-quickexit]").Length() != 1 {
			t.Errorf("GET %s: the error page lacks the quick exit", path)
		}
	}
	resp, _ := ts.postForm(t, "/s/no-such-survey/8-12", url.Values{"submission_id": {newSubmissionID()}})
	if resp.StatusCode != 404 {
		t.Errorf("POST unknown survey: status %d, want 404", resp.StatusCode)
	}
}

func TestQuestionnaire(t *testing.T) {
	ts := newTestServer(t)

	t.Run("EveryKind", func(t *testing.T) {
		resp, doc := ts.getPage(t, exampleSurvey+"/8-12")
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control = %q; the page carries a one-time submission id, so no-store", resp.Header.Get("Cache-Control"))
		}
		form := doc.Find("form#survey")
		if form.AttrOr("method", "") != "post" || form.AttrOr("action", "") != exampleSurvey+"/8-12" {
			t.Fatalf("form method/action = %q %q", form.AttrOr("method", ""), form.AttrOr("action", ""))
		}
		// Grid: the question is a fieldset, each item its own fieldset of face radios.
		items := form.Find("fieldset#q-life_happy > fieldset.item")
		if items.Length() != 13 {
			t.Errorf("life_happy items = %d, want the 13 asked of 8-12s", items.Length())
		}
		if form.Find("#i-life_happy-personal_adviser").Length() != 0 || form.Find("#i-life_happy-social_worker").Length() != 1 {
			t.Error("8-12s are asked about a personal adviser, or not about their social worker")
		}
		friends := form.Find(`input[type=radio][name="q.life_happy.friends"]`)
		if got := strings.Join(friends.Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("value", "") }), ","); got != "1,2,3,4,5,prefer_not" {
			t.Errorf("friends values = %s", got)
		}
		if form.Find("fieldset#q-life_happy .item").First().Find("legend h3").Text() != "My friends" {
			t.Error("grid item has no legend with its words")
		}
		// Scale: faces with a text label per point.
		future := form.Find("fieldset#q-future label.choice")
		if future.Length() != 6 || future.Find(".face").Length() != 5 || !strings.Contains(future.First().Text(), "Very worried") {
			t.Errorf("future: %d choices, %d faces, first %q", future.Length(), future.Find(".face").Length(), future.First().Text())
		}
		if got := form.Find(`input[type=checkbox][name="q.matters_most"]`).Length(); got != 13 {
			t.Errorf("matters_most checkboxes = %d, want 12 and I don't want to say", got)
		}
		if got := form.Find(`textarea[name="q.better"]`).AttrOr("maxlength", ""); got != "1000" {
			t.Errorf("better maxlength = %q", got)
		}
		if got := form.Find(`input[type=radio][name="q.age_band"]`).Length(); got != 3 {
			t.Errorf("age_band radios = %d, want 8-10, 11-12 and I don't want to say", got)
		}
		other := form.Find("#q-live_with_other")
		if other.AttrOr("data-show-if", "") != "live_with" || other.AttrOr("data-show-values", "") != "other" || other.Find(`input[name="q.live_with_other"]`).Length() != 1 {
			t.Error("live_with_other is not rendered with its show_if condition")
		}
		area := form.Find(`select[name="q.area"]`)
		if area.Find("option").Length() < 100 || form.Find(`label[for="`+area.AttrOr("id", "")+`"]`).Length() != 1 {
			t.Errorf("area: %d options, label for %q", area.Find("option").Length(), area.AttrOr("id", ""))
		}
		// Every aria-describedby points at an element of the page.
		form.Find("[aria-describedby]").Each(func(_ int, s *goquery.Selection) {
			for _, id := range strings.Fields(s.AttrOr("aria-describedby", "")) {
				if doc.Find("#"+id).Length() != 1 {
					t.Errorf("aria-describedby %q has no element", id)
				}
			}
		})
		// Every control has a label.
		form.Find("input:not([type=hidden]), select, textarea").Each(func(_ int, s *goquery.Selection) {
			id := s.AttrOr("id", "")
			if s.ParentsFiltered("label").Length() == 0 && (id == "" || doc.Find(`label[for="`+id+`"]`).Length() == 0) {
				t.Errorf("control %s has no label", s.AttrOr("name", ""))
			}
		})
	})

	t.Run("HiddenFields", func(t *testing.T) {
		a, b := ts.freshForm(t, "13-17"), ts.freshForm(t, "13-17")
		if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(a.Get("submission_id")) {
			t.Errorf("submission_id = %q, want 128 bits in hex", a.Get("submission_id"))
		}
		if a.Get("submission_id") == b.Get("submission_id") {
			t.Error("two renders got the same submission_id")
		}
		if a.Get("lang") != "en" {
			t.Errorf("lang = %q", a.Get("lang"))
		}
	})

	t.Run("EveryVersion", func(t *testing.T) {
		for _, v := range exampleVersions {
			resp, doc := ts.getPage(t, exampleSurvey+"/"+v+"?lang=cy")
			if resp.StatusCode != 200 || doc.Find("html").AttrOr("lang", "") != "cy" || doc.Find("form#survey .q").Length() == 0 {
				t.Errorf("%s in Welsh: status %d, lang %q", v, resp.StatusCode, doc.Find("html").AttrOr("lang", ""))
			}
		}
		_, doc := ts.getPage(t, exampleSurvey+"/4-7-assisted")
		if got := doc.Find(`input[name="q.life_happy_3.friends"]`).Length(); got != 4 {
			t.Errorf("4-7 faces per item = %d, want 3 and I don't want to say", got)
		}
	})
}

// weightLimits are the budget for a questionnaire page: HTML, CSS, JS and
// images, uncompressed and as sent gzip-compressed.
const (
	maxPageBytes   = 60 << 10
	maxPageGzBytes = 30 << 10
)

func TestQuestionnaireWeight(t *testing.T) {
	ts := newTestServer(t)
	for _, v := range exampleVersions {
		t.Run(v, func(t *testing.T) {
			plain, gz := ts.weigh(t, exampleSurvey+"/"+v)
			_, doc := ts.getPage(t, exampleSurvey+"/"+v)
			var assets []string
			doc.Find(`link[rel=stylesheet], script[src], img[src]`).Each(func(_ int, s *goquery.Selection) {
				assets = append(assets, s.AttrOr("href", s.AttrOr("src", "")))
			})
			if len(assets) < 2 {
				t.Fatalf("assets %v: want the stylesheet and the script", assets)
			}
			for _, a := range assets {
				p, g := ts.weigh(t, a)
				plain += p
				gz += g
			}
			t.Logf("%s: %d bytes, %d gzip (HTML and %v)", v, plain, gz, assets)
			if plain > maxPageBytes {
				t.Errorf("%d bytes uncompressed, budget %d", plain, maxPageBytes)
			}
			if gz > maxPageGzBytes {
				t.Errorf("%d bytes gzip, budget %d", gz, maxPageGzBytes)
			}
		})
	}
}

// weigh returns a URL's body size plain and as sent to a client that accepts gzip.
func (ts *testServer) weigh(t *testing.T, path string) (plain, gz int) {
	t.Helper()
	_, body := ts.do(t, httptest.NewRequest(http.MethodGet, path, nil))
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, zbody := ts.do(t, req)
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("%s is not sent compressed", path)
	}
	return len(body), len(zbody)
}

func TestQuestionnaireSubmit(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	path := exampleSurvey + "/8-12"

	t.Run("ErrInvalidKeepsAnswers", func(t *testing.T) {
		f := ts.freshForm(t, "8-12")
		f["q.matters_most"] = []string{"family", "friends", "home", "trusted_adult", "listened_to", "health"}
		f.Set("q.life_happy.friends", "4")
		f.Set("q.better", "More days out <b>please</b>")
		f.Set("q.area", "E06000001")
		resp, doc := ts.postForm(t, path, f)
		if resp.StatusCode != 422 {
			t.Fatalf("status %d, want 422", resp.StatusCode)
		}
		summary := doc.Find(`.error-summary[role=alert]`)
		if summary.Length() != 1 || summary.AttrOr("tabindex", "") != "-1" {
			t.Fatal("no focusable error summary with role=alert")
		}
		link := summary.Find("a")
		if link.Length() != 1 || link.AttrOr("href", "") != "#f-matters_most" || !strings.Contains(link.Text(), "up to 5") {
			t.Fatalf("summary links %q %q, want one to #f-matters_most", link.AttrOr("href", ""), link.Text())
		}
		if doc.Find("#f-matters_most").Length() != 1 {
			t.Error("the summary's link has no target")
		}
		if got := doc.Find(`input[name="q.matters_most"][aria-invalid=true]`).Length(); got != 13 {
			t.Errorf("%d matters_most inputs have aria-invalid, want 13", got)
		}
		if doc.Find("#e-matters_most").Length() != 1 || !strings.Contains(doc.Find("#q-matters_most").AttrOr("aria-describedby", ""), "e-matters_most") {
			t.Error("no per-field message linked by aria-describedby")
		}
		if got := doc.Find(`input[name="q.matters_most"][checked]`).Length(); got != 6 {
			t.Errorf("%d choices kept, want 6", got)
		}
		if doc.Find(`input[name="q.life_happy.friends"][value="4"]`).AttrOr("checked", "x") == "x" {
			t.Error("grid answer not kept")
		}
		if got := doc.Find(`textarea[name="q.better"]`).Text(); got != "More days out <b>please</b>" {
			t.Errorf("text kept as %q", got)
		}
		if doc.Find(`select[name="q.area"] option[selected]`).AttrOr("value", "") != "E06000001" {
			t.Error("area not kept")
		}
		if got := doc.Find(`input[name=submission_id]`).AttrOr("value", ""); got != f.Get("submission_id") {
			t.Errorf("submission_id %q, want the one sent %q", got, f.Get("submission_id"))
		}
		if !strings.HasPrefix(doc.Find("title").Text(), "Error:") {
			t.Errorf("title %q, want it to start with Error:", doc.Find("title").Text())
		}
		if n, _ := ts.Responses.CountResponses(ctx, ""); n != 0 {
			t.Errorf("%d responses stored, want 0", n)
		}
	})

	t.Run("ErrInvalidWelsh", func(t *testing.T) {
		f := ts.freshForm(t, "8-12")
		f.Set("lang", "cy")
		f["q.matters_most"] = []string{"family", "friends", "home", "trusted_adult", "listened_to", "health"}
		resp, doc := ts.postForm(t, path, f)
		if resp.StatusCode != 422 || doc.Find("html").AttrOr("lang", "") != "cy" {
			t.Fatalf("status %d lang %q", resp.StatusCode, doc.Find("html").AttrOr("lang", ""))
		}
		if got := doc.Find("#e-matters_most").Text(); !strings.Contains(got, "Gelli di ddewis hyd at 5 ateb") {
			t.Errorf("message %q, want it in Welsh", got)
		}
	})

	var location string
	f := ts.freshForm(t, "8-12")
	f.Set("q.life_happy.friends", "4")
	f.Set("q.life_happy.money", "prefer_not")
	f.Set("q.future", "5")
	f["q.matters_most"] = []string{"friends", "home"}
	f.Set("q.better", "More trips to the seaside")
	f.Set("q.live_with", "other")
	f.Set("q.live_with_other", "With my nan")
	f.Set("q.area", "E06000001")

	t.Run("OK", func(t *testing.T) {
		// The thank-you page is the answer to the post itself: no redirect, nothing
		// about the answers in an address, and not kept in any cache.
		resp, doc := ts.postForm(t, path, f)
		code := strings.TrimSpace(doc.Find("[data-receipt]").Text())
		if resp.StatusCode != 200 || resp.Header.Get("Location") != "" || !regexp.MustCompile(`^[A-Z0-9]{4}-[A-Z0-9]{4}$`).MatchString(code) {
			t.Fatalf("status %d Location %q receipt %q, want 200 with the thank-you page", resp.StatusCode, resp.Header.Get("Location"), code)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q, want no-store", cc)
		}
		location = exampleSurvey + "/thanks?r=" + code
		if n, _ := ts.Responses.CountResponses(ctx, ""); n != 1 {
			t.Errorf("%d responses stored, want 1", n)
		}
		var stored *chorus.Response
		_ = ts.Responses.EachResponse(ctx, "your-life-your-voice", func(r *chorus.Response) error { stored = r; return nil })
		if stored == nil || stored.Answers["live_with_other"] != "With my nan" || stored.Version != "8-12" || stored.Lang != "en" {
			t.Errorf("stored %+v", stored)
		}
		if doc.Find(`a[href="`+exampleSurvey+`/results"]`).Length() != 1 {
			t.Error("thanks page has no link to the results")
		}
		if doc.Find("[data-help]").Length() != 0 || doc.Find("[data-plain]").Length() != 0 {
			t.Error("help by level shown for answers that suggest no risk")
		}
		resp, doc = ts.getPage(t, location)
		if resp.StatusCode != 200 || strings.TrimSpace(doc.Find("[data-receipt]").Text()) != code {
			t.Errorf("plain thanks page: status %d receipt %q, want %q", resp.StatusCode, doc.Find("[data-receipt]").Text(), code)
		}
	})

	t.Run("RepeatStoresOnce", func(t *testing.T) {
		resp, doc := ts.postForm(t, path, f)
		if resp.StatusCode != 200 || exampleSurvey+"/thanks?r="+strings.TrimSpace(doc.Find("[data-receipt]").Text()) != location {
			t.Fatalf("repeat: status %d receipt %q, want 200 and the same receipt", resp.StatusCode, doc.Find("[data-receipt]").Text())
		}
		if n, _ := ts.Responses.CountResponses(ctx, ""); n != 1 {
			t.Errorf("%d responses stored, want 1", n)
		}
	})

	t.Run("ConflictShowsThanks", func(t *testing.T) {
		g := url.Values{}
		for k, v := range f {
			g[k] = v
		}
		g.Set("q.future", "1")
		resp, doc := ts.postForm(t, path, g)
		if resp.StatusCode != 200 || !strings.Contains(doc.Find("main").Text(), "We already have your answers") {
			t.Fatalf("status %d, want the thanks page saying the answers are in", resp.StatusCode)
		}
		if n, _ := ts.Responses.CountResponses(ctx, ""); n != 1 {
			t.Errorf("%d responses stored, want 1", n)
		}
	})

	t.Run("ShowHelp", func(t *testing.T) {
		// The lowest "feeling safe" answer with nothing written: help, gently.
		g := ts.freshForm(t, "8-12")
		g.Set("q.life_happy.feeling_safe", "1")
		resp, doc := ts.postForm(t, path, g)
		help := doc.Find(".help[data-help]")
		if resp.StatusCode != 200 || help.AttrOr("data-help", "") != chorus.LevelClosed || help.Find(`a[href="tel:08001111"]`).Length() != 1 {
			t.Fatalf("status %d help %q, want the closed-answers help with Childline", resp.StatusCode, help.AttrOr("data-help", ""))
		}
		if resp.Header.Get("Location") != "" || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("Location %q Cache-Control %q: the page with help must be the POST's own answer, not stored",
				resp.Header.Get("Location"), resp.Header.Get("Cache-Control"))
		}
		plain := doc.Find("[data-plain]").AttrOr("data-plain", "")
		code := strings.TrimSpace(doc.Find("[data-receipt]").Text())
		if plain != exampleSurvey+"/thanks?r="+code {
			t.Errorf("history address %q, want the plain thank-you address with only the receipt", plain)
		}
		// The plain address, and an old address with h=1, show no help by level.
		for _, u := range []string{plain, plain + "&h=1"} {
			if _, doc := ts.getPage(t, u); doc.Find("[data-help]").Length() != 0 {
				t.Errorf("GET %s shows help by level", u)
			}
		}
	})

	t.Run("UrgentHelpFirst", func(t *testing.T) {
		// The test server is built as the program builds it, with the safeguarding check.
		g := ts.freshForm(t, "8-12")
		g.Set("q.better", "my stepdad hits me every night")
		_, doc := ts.postForm(t, path, g)
		help := doc.Find(".help[data-help]")
		calls := help.Find("a.button")
		if help.AttrOr("data-help", "") != chorus.LevelUrgent || calls.Length() != 2 ||
			calls.First().AttrOr("href", "") != "tel:999" || calls.Last().AttrOr("href", "") != "tel:08001111" {
			t.Fatalf("help %q with calls %d: want urgent help with 999 then Childline as buttons", help.AttrOr("data-help", ""), calls.Length())
		}
		if doc.Find("[data-done] > *").First().AttrOr("data-help", "") != chorus.LevelUrgent {
			t.Error("the urgent help is not the first thing on the page")
		}
	})

	t.Run("HiddenQuestionIgnored", func(t *testing.T) {
		g := ts.freshForm(t, "13-17")
		g.Set("q.live_with", "foster_carers")
		g.Set("q.live_with_other", "this should not be kept")
		resp, _ := ts.postForm(t, exampleSurvey+"/13-17", g)
		if resp.StatusCode != 200 {
			t.Fatalf("status %d, want 200", resp.StatusCode)
		}
		_ = ts.Responses.EachResponse(ctx, "your-life-your-voice", func(r *chorus.Response) error {
			if r.SubmissionID == g.Get("submission_id") && r.Answers["live_with_other"] != nil {
				t.Errorf("answer to a hidden question stored: %v", r.Answers)
			}
			return nil
		})
	})

	t.Run("WelshThanksKeepsLanguage", func(t *testing.T) {
		g := ts.freshForm(t, "8-12")
		g.Set("lang", "cy")
		g.Set("q.future", "3")
		g.Set("q.life_happy.feeling_safe", "1")
		_, doc := ts.postForm(t, path, g)
		if plain := doc.Find("[data-plain]").AttrOr("data-plain", ""); !strings.HasSuffix(plain, "&lang=cy") {
			t.Errorf("history address %q, want lang=cy", plain)
		}
		if !strings.Contains(doc.Find(".help[data-help]").Text(), "Childline") || !strings.Contains(doc.Find(".help[data-help] h2").Text(), "anodd") {
			t.Errorf("Welsh help %q", doc.Find(".help[data-help]").Text())
		}
		if doc.Find("html").AttrOr("lang", "") != "cy" || doc.Find("h1").Text() != "Diolch" {
			t.Errorf("thanks page lang %q h1 %q", doc.Find("html").AttrOr("lang", ""), doc.Find("h1").Text())
		}
	})

	t.Run("ErrBadSubmissionID", func(t *testing.T) {
		resp, _ := ts.postForm(t, path, url.Values{"submission_id": {"not-hex"}, "q.future": {"3"}})
		if resp.StatusCode != 400 {
			t.Errorf("status %d, want 400", resp.StatusCode)
		}
	})
}

func TestThanksReceipt(t *testing.T) {
	ts := newTestServer(t)
	_, doc := ts.getPage(t, exampleSurvey+"/thanks?r="+url.QueryEscape(`<script>x</script>`))
	if doc.Find("[data-receipt]").Length() != 0 {
		t.Error("a receipt that is not a code is shown")
	}
	resp, body := ts.do(t, httptest.NewRequest(http.MethodGet, exampleSurvey+"/thanks?r=ABCD-2345", nil))
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte("ABCD-2345")) {
		t.Errorf("status %d; receipt not shown", resp.StatusCode)
	}
	if resp.Header.Get("Set-Cookie") != "" {
		t.Errorf("respondent page sets a cookie: %q", resp.Header.Get("Set-Cookie"))
	}
}

func TestDecodeAnswers(t *testing.T) {
	s := &chorus.Survey{
		ID: "t", Languages: []string{"en"},
		Questions: []*chorus.Question{
			{ID: "age", Kind: chorus.KindNumber, Min: 4, Max: 25, DontWantToSay: true},
			{ID: "pick", Kind: chorus.KindMulti, Options: []chorus.Option{{ID: "a"}, {ID: "b"}}},
			{ID: "g", Kind: chorus.KindGrid, Scale: 3, Items: []chorus.Option{{ID: "x"}, {ID: "y"}}},
			{ID: "say", Kind: chorus.KindShortText},
		},
	}
	v := &chorus.Version{ID: "v", Questions: []string{"age", "pick", "g", "say"}}
	tests := []struct {
		name   string
		form   formValues
		want   chorus.Answers
		fields []string
	}{
		{"Number", formValues{"q.age": {" 12 "}}, chorus.Answers{"age": 12}, nil},
		{"ErrNotANumber", formValues{"q.age": {"twelve"}}, chorus.Answers{}, []string{"age"}},
		{"NumberPreferNot", formValues{"q.age": {"", "prefer_not"}}, chorus.Answers{"age": chorus.PreferNot}, nil},
		{"Multi", formValues{"q.pick": {"a", "b", ""}}, chorus.Answers{"pick": []string{"a", "b"}}, nil},
		{"Grid", formValues{"q.g.x": {"3"}, "q.g.y": {""}, "q.g.z": {"1"}}, chorus.Answers{"g": map[string]string{"x": "3"}}, nil},
		{"Text", formValues{"q.say": {"hello"}, "other": {"ignored"}}, chorus.Answers{"say": "hello"}, nil},
		{"Empty", formValues{}, chorus.Answers{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, fields := decodeAnswers(s, v, tt.form, wordsEN)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("answers = %#v, want %#v", got, tt.want)
			}
			if len(fields) != len(tt.fields) {
				t.Errorf("fields = %v, want %v", fields, tt.fields)
			}
			for _, f := range tt.fields {
				if fields[f] == "" {
					t.Errorf("no message for %s", f)
				}
			}
		})
	}
	qs := buildQuestions(s, v, "en", wordsEN, formValues{"q.age": {"12x"}}, map[string]string{"age": wordsEN.NotANumber})
	if qs[0].Value != "12x" || qs[0].Error != wordsEN.NotANumber || qs[0].PreferNot == nil {
		t.Errorf("number view %+v: want the typed value kept, the message and I don't want to say", qs[0])
	}
}

func TestLocalize(t *testing.T) {
	tests := []struct{ msg, lang, want string }{
		{"Please answer this question.", "en", "Please answer this question."},
		{"Please answer this question.", "cy", "Ateba'r cwestiwn hwn, os gweli di'n dda."},
		{"This is too long. You can write up to 100 letters and spaces, and you wrote 120.", "cy",
			"Mae hyn yn rhy hir. Gelli di ysgrifennu hyd at 100 llythyren a bwlch, ac rwyt ti wedi ysgrifennu 120."},
		{"Something new.", "cy", "Something new."},
	}
	for _, tt := range tests {
		if got := localize(tt.msg, tt.lang); got != tt.want {
			t.Errorf("localize(%q, %s) = %q, want %q", tt.msg, tt.lang, got, tt.want)
		}
	}
}

func TestQuestionnaireSubmitUnavailable(t *testing.T) {
	ts := newTestServer(t)
	if err := ts.Responses.Close(context.Background()); err != nil { // the store stops taking writes
		t.Fatal(err)
	}
	f := ts.freshForm(t, "8-12")
	f.Set("q.future", "4")
	f.Set("q.better", "A bike")
	resp, doc := ts.postForm(t, exampleSurvey+"/8-12", f)
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("status %d Retry-After %q, want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if !strings.Contains(doc.Find(`.error-summary[role=alert]`).Text(), "try again") {
		t.Errorf("no message to try again: %q", doc.Find(".error-summary").Text())
	}
	if doc.Find(`input[name="q.future"][value="4"]`).AttrOr("checked", "x") == "x" || doc.Find(`textarea[name="q.better"]`).Text() != "A bike" {
		t.Error("answers not kept")
	}
	if got := doc.Find(`input[name=submission_id]`).AttrOr("value", ""); got != f.Get("submission_id") {
		t.Errorf("submission_id %q, want the same %q so that trying again stores once", got, f.Get("submission_id"))
	}
}
