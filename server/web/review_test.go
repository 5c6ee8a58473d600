package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/concerns"
	"github.com/chorus-voice/chorus/server/intake"
	"github.com/chorus-voice/chorus/server/review"
)

// ftSurvey is the shipped example survey, with its codebook.
const ftSurvey = "your-life-your-voice"

// freeTextFixture is the report fixture with free text wired as main wires it:
// safeguarding detection and theme tagging on submission, the safeguarding queue fed
// by the response writer, reviews whose changes the aggregates recount, and quotes.
type freeTextFixture struct {
	*reportFixture
	reviews *review.Service
	sg      *concerns.Queue
	quotes  *review.Quotes
	subs    atomic.Int64
}

func newFreeTextFixture(t *testing.T) *freeTextFixture {
	t.Helper()
	rf := newReportFixture(t)
	f := &freeTextFixture{reportFixture: rf}
	svc := rf.Svc
	f.reviews, f.sg, f.quotes = svc.Review, svc.Concerns, svc.Quotes.(*review.Quotes)
	return f
}

// submit sends answers through the JSON API, as a child's phone does, and returns the
// reply.
func (f *freeTextFixture) submit(answers map[string]any) (status int, showHelp bool) {
	f.t.Helper()
	id := fmt.Sprintf("freetext-%06d", f.subs.Add(1))
	resp, body := f.postJSON(f.t, "/api/v1/responses", map[string]any{
		"survey": ftSurvey, "version": "13-17", "submission_id": id, "answers": answers})
	var reply struct {
		ShowHelp bool `json:"show_help"`
	}
	if err := json.Unmarshal(body, &reply); err != nil || resp.StatusCode != http.StatusCreated {
		f.t.Fatalf("submit: %d %s", resp.StatusCode, body)
	}
	return resp.StatusCode, reply.ShowHelp
}

// form posts a form as the facilitator from the page at from (with its CSRF token, as
// a browser would), and returns the response.
func (f *freeTextFixture) form(action string, values url.Values) (*http.Response, string) {
	f.t.Helper()
	return f.request("facilitator", http.MethodPost, action, values)
}

// page fetches a page as the facilitator, wanting 200.
func (f *freeTextFixture) page(target string) *goquery.Document {
	f.t.Helper()
	doc, _ := f.get("facilitator", target, http.StatusOK)
	return doc
}

// answerForms finds the answer on a review page whose text contains words.
func answerWith(t *testing.T, doc *goquery.Document, words string) *goquery.Selection {
	t.Helper()
	var found *goquery.Selection
	doc.Find("li.answer").Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(s.Find("blockquote").Text(), words) {
			found = s
		}
	})
	if found == nil {
		t.Fatalf("no answer with %q on the page", words)
	}
	return found
}

// formValues returns the fields of the form in sel posting to a path ending in
// suffix, with its hidden fields.
func answerForm(t *testing.T, sel *goquery.Selection, selector string) (string, url.Values) {
	t.Helper()
	form := sel.Find(selector).First()
	if form.Length() == 0 {
		t.Fatalf("no form %s", selector)
	}
	v := url.Values{}
	form.Find("input[type=hidden]").Each(func(_ int, in *goquery.Selection) {
		v.Set(in.AttrOr("name", ""), in.AttrOr("value", ""))
	})
	return form.AttrOr("action", ""), v
}

// themeCount reads the count of a theme from the review page's theme list.
func themeCount(t *testing.T, doc *goquery.Document, label string) string {
	t.Helper()
	var n string
	doc.Find(".themes a").Each(func(_ int, a *goquery.Selection) {
		text := strings.TrimSpace(a.Text())
		if strings.HasPrefix(text, label+" (") {
			n = strings.TrimSuffix(strings.TrimPrefix(text, label+" ("), ")")
		}
	})
	if n == "" {
		t.Fatalf("no theme %q in the theme list", label)
	}
	return n
}

// review confirms the themes of the answer containing words, or removes or adds
// themeID, through the review page's forms.
func (f *freeTextFixture) review(words, action, themeID string) {
	t := f.t
	t.Helper()
	url0 := "/review/" + ftSurvey
	a := answerWith(t, f.page(url0), words)
	form := `form[action$="/answers"]:has(input[name=action][value=` + action + `])`
	if action == "remove" {
		form = `form:has(input[name=action][value=remove]):has(input[name=theme][value=` + themeID + `])`
	}
	target, v := answerForm(t, a, form)
	if action == "add" {
		v.Set("theme", themeID)
	}
	resp, body := f.form(target, v)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("%s %s: %d %.400s", action, themeID, resp.StatusCode, body)
	}
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, url0) || !strings.Contains(loc, "#a-") {
		t.Errorf("redirected to %q, want back to the answer", loc)
	}
}

func (f *freeTextFixture) resultsTheme(id string) int {
	f.t.Helper()
	r, err := f.svc.Results.Results(context.Background(), ftSurvey, chorus.Filter{})
	if err != nil {
		f.t.Fatal(err)
	}
	return r.Themes[id]
}

func (f *freeTextFixture) audits(action string) []*chorus.AuditEntry {
	f.t.Helper()
	list, err := f.svc.Audit.FindAudit(context.Background(), chorus.AuditFilter{Action: action, Limit: 1000})
	if err != nil {
		f.t.Fatal(err)
	}
	return list
}

func TestRedactionEndToEnd(t *testing.T) {
	f := newFreeTextFixture(t)
	secrets := []string{"07700 900123", "07700900123", "sam.jones@example.com", "LS6 2QT", "Jayden", "Priya", "14 Acacia Avenue"}
	f.submit(map[string]any{
		"better":        "I want to see my brother Jayden more, he lives at 14 Acacia Avenue, Leeds LS6 2QT",
		"anything_else": "Text me on 07700 900123 or email sam.jones@example.com, my social worker Priya never calls",
	})
	f.submit(map[string]any{"better": "call 07700900123 about my sister Jayden"})
	// The answers reach every store that keeps free text: the queue, reviews, quotes.
	_, help := f.submit(map[string]any{"better": "Jayden hits me, ring me on 07700 900123"})
	if !help {
		t.Error("show_help false for an answer that suggests risk")
	}
	p := f.page("/review/" + ftSurvey)
	a := answerWith(t, p, "[name] more")
	action, v := answerForm(t, a, `form[action$="/answers"]`)
	v.Set("action", "confirm")
	if resp, body := f.form(action, v); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d %.300s", resp.StatusCode, body)
	}
	action, v = answerForm(t, a, `form[action$="/quotes"]`)
	v.Set("theme", "family_contact")
	if resp, body := f.form(action, v); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("quote: %d %.300s", resp.StatusCode, body)
	}

	ctx := context.Background()
	db := f.DB.Collection("responses").Database()
	names, err := db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, name := range names {
		cur, err := db.Collection(name).Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		for cur.Next(ctx) {
			seen++
			raw := string(cur.Current)
			ext, _ := bson.MarshalExtJSON(cur.Current, false, false)
			for _, s := range secrets {
				if strings.Contains(strings.ToLower(raw), strings.ToLower(s)) || strings.Contains(strings.ToLower(string(ext)), strings.ToLower(s)) {
					t.Errorf("collection %s holds %q: %s", name, s, ext)
				}
			}
		}
		if err := cur.Err(); err != nil {
			t.Fatal(err)
		}
		_ = cur.Close(ctx)
	}
	for _, want := range []string{"responses", "safeguarding", "reviews", "quotes", "audit"} {
		found := false
		for _, n := range names {
			found = found || n == want
		}
		if !found {
			t.Errorf("no %s collection: the test did not reach every store (%v)", want, names)
		}
	}
	if seen < 8 {
		t.Errorf("read only %d documents", seen)
	}
	for _, s := range secrets {
		if strings.Contains(f.Logs.String(), s) {
			t.Errorf("the log holds %q", s)
		}
	}
}

func TestFlaggedAnswer(t *testing.T) {
	f := newFreeTextFixture(t)
	_, help := f.submit(map[string]any{"better": "my stepdad hits me and I want to die", "anything_else": "more football please"})
	if !help {
		t.Fatal("show_help false for a disclosure")
	}
	if _, help := f.submit(map[string]any{"better": "I want to kill it at football"}); help {
		t.Error("show_help true for an idiom")
	}

	t.Run("NotOnTheReviewPage", func(t *testing.T) {
		doc := f.page("/review/" + ftSurvey)
		if strings.Contains(doc.Text(), "stepdad") || strings.Contains(doc.Text(), "more football please") {
			t.Error("a flagged response's words are on the review page")
		}
	})
	t.Run("InTheQueue", func(t *testing.T) {
		doc := f.page("/safeguarding")
		art := doc.Find("article.concern")
		if art.Length() != 1 {
			t.Fatalf("%d concerns listed, want 1", art.Length())
		}
		text := art.Text()
		for _, want := range []string{"my stepdad hits me", "Abuse", "Suicide", "more football please"} {
			if !strings.Contains(text, want) {
				t.Errorf("concern lacks %q: %s", want, text)
			}
		}
	})
	t.Run("ErrQuoteRefused", func(t *testing.T) {
		// Its id never reaches a page; whatever id is tried, the quote is refused.
		doc := f.page("/review/" + ftSurvey)
		other := answerWith(t, doc, "kill it at football")
		action, v := answerForm(t, other, `form[action$="/quotes"]`)
		v.Set("theme", "activities_fun")
		if resp, _ := f.form(action, v); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("quoting an ordinary answer: %d", resp.StatusCode)
		}
		// Straight to the service with the flagged response's id.
		var flaggedID string
		for _, r := range f.storedIDs() {
			if r.flagged {
				flaggedID = f.reviews.ResponseID(r.sub)
			}
		}
		q := &chorus.Quote{Survey: ftSurvey, ResponseID: flaggedID, Question: "anything_else", Theme: "activities_fun"}
		if err := f.quotes.ApproveQuote(context.Background(), q); chorus.ErrorCode(err) == "" {
			t.Error("a quote from a flagged response was approved")
		}
		list, _ := f.quotes.ListApproved(context.Background(), ftSurvey, "")
		for _, q := range list {
			if strings.Contains(q.Text, "football please") || strings.Contains(q.Text, "stepdad") {
				t.Errorf("approved quotes include a flagged response: %q", q.Text)
			}
		}
		quotes, err := f.approvedQuotes(context.Background(), ftSurvey)
		if err != nil || len(quotes) != 1 || quotes[0].Text != "I want to kill it at football" {
			t.Errorf("quotes for briefings = %+v, %v", quotes, err)
		}
	})
	t.Run("MarkReviewed", func(t *testing.T) {
		doc := f.page("/staff")
		if badge := strings.TrimSpace(doc.Find(".concerns .badge.urgent").Text()); badge != "1 urgent" {
			t.Errorf("staff home badge %q, want 1 urgent", badge)
		}
		doc = f.page("/safeguarding")
		action := doc.Find("article.concern form").AttrOr("action", "")
		resp, body := f.form(action, url.Values{"note": {""}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Say what was done") {
			t.Fatalf("empty note: %d", resp.StatusCode)
		}
		resp, _ = f.form(action, url.Values{"note": {"Passed to the designated safeguarding lead"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("mark reviewed: %d", resp.StatusCode)
		}
		doc = f.page("/safeguarding")
		if doc.Find("article.concern").Length() != 0 {
			t.Error("a reviewed concern is still in the open queue")
		}
		doc = f.page("/safeguarding?show=reviewed")
		if !strings.Contains(doc.Text(), "Passed to the designated safeguarding lead") {
			t.Error("the note is not shown with the reviewed concern")
		}
		if got := f.audits(chorus.ActionConcernReview); len(got) != 1 || got[0].ActorID != f.users["facilitator"].ID {
			t.Errorf("audit has %v, want one review by the facilitator", got)
		}
		if doc := f.page("/staff"); doc.Find(".concerns").Length() != 0 {
			t.Error("staff home still shows concerns to review")
		}
		if len(f.audits(chorus.ActionFreeTextRead)) == 0 {
			t.Error("reading the queue was not audited")
		}
	})
	t.Run("ErrViewer", func(t *testing.T) {
		f.get("viewer", "/safeguarding", http.StatusForbidden)
		f.get("viewer", "/review/"+ftSurvey, http.StatusForbidden)
	})
}

// TestSafeguardingLevels: the queue lists urgent before concern, keeps closed-answer
// flags apart, explains each level, and staff home counts them by level.
func TestSafeguardingLevels(t *testing.T) {
	f := newFreeTextFixture(t)
	f.submit(map[string]any{"better": "I used to self harm when I was at my old school"})
	f.submit(map[string]any{"better": "my stepdad hits me"})
	for range 3 {
		f.submit(map[string]any{"life_happy": map[string]any{"feeling_safe": "1"}, "better": "more clubs"})
	}

	doc := f.page("/safeguarding")
	arts := doc.Find("article.concern")
	if arts.Length() != 2 {
		t.Fatalf("%d concerns in the written-answers view, want 2 (closed answers listed apart)", arts.Length())
	}
	if !strings.HasPrefix(strings.TrimSpace(arts.Eq(0).Find("h3").Text()), "Urgent") ||
		!strings.HasPrefix(strings.TrimSpace(arts.Eq(1).Find("h3").Text()), "Concern") {
		t.Errorf("order %q, %q: want urgent first", arts.Eq(0).Find("h3").Text(), arts.Eq(1).Find("h3").Text())
	}
	if !strings.Contains(arts.Eq(0).Find(".level-action").Text(), "999") {
		t.Errorf("urgent concern says %q: want what to do, including 999", arts.Eq(0).Find(".level-action").Text())
	}
	nav := doc.Find(`nav[aria-label="Queue"]`).Text()
	if !strings.Contains(nav, "1 urgent, 1 concern") || !strings.Contains(nav, "Closed answers only (3)") {
		t.Errorf("queue tabs %q: want counts by level", nav)
	}
	if doc.Find(".levels dt").Length() != 3 {
		t.Error("the levels are not explained")
	}

	doc = f.page("/safeguarding?show=closed")
	if n := doc.Find("article.concern.level-closed").Length(); n != 3 {
		t.Errorf("%d closed-answer concerns, want 3", n)
	}
	row := doc.Find("table.signals tbody tr").First()
	if !strings.Contains(row.Text(), "Feeling safe") || strings.TrimSpace(row.Find("td").Last().Text()) != "3" {
		t.Errorf("closed answers grouped as %q: want feeling safe, 3", row.Text())
	}
	if !strings.Contains(doc.Find("article.concern form").First().Find(`input[name="f_show"]`).AttrOr("value", ""), "closed") {
		t.Error("reviewing from the closed view does not come back to it")
	}

	home := f.page("/staff").Find("main").Text()
	for _, want := range []string{"1 urgent", "1 concern", "3 closed answers only"} {
		if !strings.Contains(home, want) {
			t.Errorf("staff home %q: want %q", home, want)
		}
	}
}

type storedID struct {
	sub     string
	flagged bool
}

// storedIDs lists the stored responses' submission ids.
func (f *freeTextFixture) storedIDs() []storedID {
	f.t.Helper()
	var out []storedID
	err := f.Responses.EachResponse(context.Background(), ftSurvey, func(r *chorus.Response) error {
		out = append(out, storedID{sub: r.SubmissionID, flagged: len(r.Flags) > 0})
		return nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

func TestReviewPage(t *testing.T) {
	f := newFreeTextFixture(t)
	for _, text := range []string{
		"I want to see my sister more",
		"see my brother at weekends",
		"I want to see my nan",
		"more turtles at the zoo",
		"turtles and more turtles",
		"a pet turtle",
	} {
		f.submit(map[string]any{"better": text})
	}
	url0 := "/review/" + ftSurvey
	doc := f.page(url0)
	if n := doc.Find("li.answer").Length(); n != 6 {
		t.Fatalf("%d answers listed, want 6", n)
	}
	if got := themeCount(t, doc, "Contact with family and siblings"); got != "3" {
		t.Fatalf("family count %s, want 3", got)
	}
	if got := themeCount(t, doc, "Uncoded"); got != "3" {
		t.Fatalf("uncoded count %s, want 3", got)
	}
	if f.resultsTheme("family_contact") != 3 {
		t.Fatalf("results family_contact %d, want 3", f.resultsTheme("family_contact"))
	}
	if len(f.audits(chorus.ActionFreeTextRead)) != 1 {
		t.Error("reading the review page was not audited once")
	}
	if strings.Contains(doc.Text(), "freetext-") {
		t.Error("the page shows submission ids")
	}

	review := func(words, action, themeID string) { t.Helper(); f.review(words, action, themeID) }

	t.Run("Remove", func(t *testing.T) {
		review("see my nan", "remove", "family_contact")
		doc := f.page(url0)
		if got := themeCount(t, doc, "Contact with family and siblings"); got != "2" {
			t.Errorf("family count after remove %s, want 2", got)
		}
		if got := f.resultsTheme("family_contact"); got != 2 {
			t.Errorf("results family_contact after remove %d, want 2", got)
		}
	})
	t.Run("Add", func(t *testing.T) {
		review("more turtles at the zoo", "add", "activities_fun")
		review("a pet turtle", "add", "activities_fun")
		doc := f.page(url0 + "?theme=activities_fun")
		if n := doc.Find("li.answer").Length(); n != 2 {
			t.Errorf("%d answers for activities_fun, want 2", n)
		}
		if got := f.resultsTheme("activities_fun"); got != 2 {
			t.Errorf("results activities_fun after add %d, want 2", got)
		}
	})
	t.Run("Confirm", func(t *testing.T) {
		review("see my sister", "confirm", "")
		a := answerWith(t, f.page(url0), "see my sister")
		if !strings.Contains(a.Text(), "Reviewed by a person") {
			t.Error("a confirmed answer does not say it was reviewed")
		}
		if len(f.audits(chorus.ActionAnswerReview)) != 4 {
			t.Errorf("%d review audits, want 4", len(f.audits(chorus.ActionAnswerReview)))
		}
	})
	t.Run("Agreement", func(t *testing.T) {
		doc := f.page(url0)
		row := map[string][]string{}
		doc.Find("table tbody tr").Each(func(_ int, tr *goquery.Selection) {
			var cells []string
			tr.Find("td").Each(func(_ int, td *goquery.Selection) { cells = append(cells, strings.TrimSpace(td.Text())) })
			row[strings.TrimSpace(tr.Find("th").Text())] = cells
		})
		// Family: the machine tagged two reviewed answers (nan, sister); reviewers kept one.
		// Precision rests on the 2 reviewed answers the machine tagged, recall on the 1
		// reviewers tagged, kappa on all 4 reviewed: (0.75-0.5)/(1-0.5).
		if got := strings.Join(row["Contact with family and siblings"], " "); got != "1 1 0 50% 2 100% 1 0.50 4" {
			t.Errorf("family agreement %q, want 1 1 0 50%% 2 100%% 1 0.50 4", got)
		}
		// Activities: reviewers added it to two answers the machine missed.
		if got := strings.Join(row["Activities and fun"], " "); got != "0 0 2 – 0 0% 2 0.00 4" {
			t.Errorf("activities agreement %q, want 0 0 2 – 0 0%% 2 0.00 4", got)
		}
		// Unreviewed answers never count: 6 answers, 4 reviewed.
		if !strings.Contains(doc.Text(), "Only the 4 answers people have reviewed count here") {
			t.Error("the number of reviewed answers is not shown")
		}
	})
	t.Run("Emerging", func(t *testing.T) {
		f.submit(map[string]any{"better": "turtles for everyone"})
		f.reviews.Forget(ftSurvey)
		doc := f.page(url0)
		terms := doc.Find(".terms-table tbody th").Text()
		if !strings.Contains(terms, "turtle") {
			t.Errorf("emerging terms %q, want turtles", terms)
		}
	})
	t.Run("ErrAddUnknownTheme", func(t *testing.T) {
		a := answerWith(t, f.page(url0), "see my sister")
		target, v := answerForm(t, a, `form[action$="/answers"]:has(input[name=action][value=add])`)
		v.Set("theme", "made_up")
		resp, body := f.form(target, v)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "error-summary") {
			t.Errorf("unknown theme: %d", resp.StatusCode)
		}
	})
	t.Run("ErrUnknownThemeFilter", func(t *testing.T) {
		f.get("facilitator", url0+"?theme=nope", http.StatusNotFound)
	})
	t.Run("ErrNoCSRF", func(t *testing.T) {
		a := answerWith(t, f.page(url0), "see my sister")
		target, v := answerForm(t, a, `form[action$="/answers"]:has(input[name=action][value=confirm])`)
		v.Set("csrf", "forged")
		req, _ := http.NewRequest(http.MethodPost, target, strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", formType)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: f.tokens["facilitator"]})
		if resp, _ := f.do(t, req); resp.StatusCode != http.StatusForbidden {
			t.Errorf("forged CSRF: %d, want 403", resp.StatusCode)
		}
	})
	t.Run("Pages", func(t *testing.T) {
		for i := range 25 {
			f.submit(map[string]any{"better": fmt.Sprintf("more money for my phone %d", i)})
		}
		f.reviews.Forget(ftSurvey)
		doc := f.page(url0)
		next := doc.Find(`a[rel=next]`).AttrOr("href", "")
		if doc.Find("li.answer").Length() != reviewPageSize || next == "" {
			t.Fatalf("first page: %d answers, next %q", doc.Find("li.answer").Length(), next)
		}
		doc = f.page(next)
		if n := doc.Find("li.answer").Length(); n != 32-reviewPageSize {
			t.Errorf("second page: %d answers, want %d", n, 32-reviewPageSize)
		}
	})
}

func TestQuotesAudited(t *testing.T) {
	f := newFreeTextFixture(t)
	f.submit(map[string]any{"better": "I want to see my sister more often"})
	url0 := "/review/" + ftSurvey
	a := answerWith(t, f.page(url0), "see my sister")
	target, v := answerForm(t, a, `form[action$="/quotes"]`)
	v.Set("theme", "family_contact")
	v.Set("excerpt", "see my dog")
	resp, body := f.form(target, v)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "exactly") {
		t.Fatalf("excerpt not in the answer: %d", resp.StatusCode)
	}
	v.Set("excerpt", "see my sister more often")
	if resp, body := f.form(target, v); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d %.300s", resp.StatusCode, body)
	}
	got, err := f.quotes.ListApproved(context.Background(), ftSurvey, "family_contact")
	if err != nil || len(got) != 1 || got[0].Text != "see my sister more often" {
		t.Fatalf("approved quotes %v, %v", got, err)
	}
	audits := f.audits(chorus.ActionQuoteChange)
	if len(audits) != 1 || !strings.HasPrefix(audits[0].Detail, "approved") || audits[0].Object != "quote:"+got[0].ID {
		t.Fatalf("audit after approval: %+v", audits)
	}
	if strings.Contains(audits[0].Detail, "sister") {
		t.Error("the audit detail holds the child's words")
	}

	doc := f.page(url0 + "/quotes")
	if !strings.Contains(doc.Find("blockquote").Text(), "see my sister more often") {
		t.Fatal("the quote is not on the quotes page")
	}
	action := doc.Find(`form[action$="/withdraw"]`).AttrOr("action", "")
	if resp, _ := f.form(action, url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", resp.StatusCode)
	}
	if got, _ := f.quotes.ListApproved(context.Background(), ftSurvey, ""); len(got) != 0 {
		t.Errorf("after withdrawal approved quotes = %v", got)
	}
	if quotes, _ := f.approvedQuotes(context.Background(), ftSurvey); len(quotes) != 0 {
		t.Errorf("briefings still get %v", quotes)
	}
	// Entries linked to a response keep only their day, so two made the same day come
	// back in no particular order: look for the withdrawal among them.
	audits = f.audits(chorus.ActionQuoteChange)
	withdrawn := slices.IndexFunc(audits, func(a *chorus.AuditEntry) bool { return strings.HasPrefix(a.Detail, "withdrawn") })
	if len(audits) != 2 || withdrawn < 0 || audits[withdrawn].ActorID != f.users["facilitator"].ID {
		t.Errorf("audit after withdrawal: %+v", audits)
	}
	if labels := f.themeLabels(context.Background(), ftSurvey, "en"); labels["family_contact"].Adult == "" {
		t.Error("no labels from the codebook")
	}
}

func TestReviewReload(t *testing.T) {
	f := newFreeTextFixture(t)
	dir := t.TempDir()
	for _, name := range []string{"your-life-your-voice.yaml", "your-life-your-voice.codebook.yaml"} {
		b, err := os.ReadFile(filepath.Join("../../surveys", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	catalog := intake.NewCatalog(dir, f.geo.Areas(), f.testServer.Server.log)
	kicked := 0
	catalog.OnReload = func() { kicked++ }
	f.svc.Surveys, f.svc.Codebooks = catalog, catalog

	doc := f.page("/review")
	if doc.Find(`form[action="/review/reload"] input[name=csrf]`).Length() != 1 {
		t.Fatal("no reload form with a CSRF field")
	}
	if resp, _ := f.form("/review/reload", url.Values{}); resp.StatusCode != http.StatusSeeOther || kicked != 1 {
		t.Fatalf("reload: %d, re-tag kicked %d times", resp.StatusCode, kicked)
	}
	path := filepath.Join(dir, "your-life-your-voice.codebook.yaml")
	if err := os.WriteFile(path, []byte("survey: your-life-your-voice\nthemes:\n  - id: Bad\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	resp, body := f.form("/review/reload", url.Values{})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "your-life-your-voice.codebook.yaml:3") {
		t.Fatalf("reload of a bad codebook: %d, want 422 naming file:line\n%.600s", resp.StatusCode, body)
	}
	if kicked != 1 {
		t.Error("a failed reload started re-tagging")
	}
	if _, err := catalog.FindCodebook(context.Background(), ftSurvey); err != nil {
		t.Error("the running codebook was dropped by a failed reload")
	}
	if got := f.audits(chorus.ActionSurveysReload); len(got) != 2 {
		t.Errorf("%d reload audits, want 2", len(got))
	}
}
