package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestHelpFirstOnEveryChildrensPage checks that the quick exit, Childline and 999 come
// before the page's own content on every page a child may see, in English and Welsh, and
// not on staff pages.
func TestHelpFirstOnEveryChildrensPage(t *testing.T) {
	ts := newTestServer(t)
	for _, path := range []string{"/", exampleSurvey, exampleSurvey + "?lang=cy", exampleSurvey + "/8-12",
		exampleSurvey + "/18-25-easy?lang=cy", exampleSurvey + "/thanks?r=ABCD-2345", exampleSurvey + "/nope",
		"/no-such-page", "/s/no-such-survey?lang=cy"} {
		_, doc := ts.getPage(t, path)
		body := doc.Find("body").Children()
		exit, bar, main := body.IndexOfSelection(doc.Find(".quickexit")), body.IndexOfSelection(doc.Find("aside.helpbar")), body.IndexOfSelection(doc.Find("main"))
		if exit < 0 || bar < 0 || exit > main || bar > main {
			t.Errorf("%s: quick exit at %d and help at %d, want both before main (%d)", path, exit, bar, main)
			continue
		}
		call := doc.Find(`aside.helpbar a[href="tel:08001111"][data-childline]`)
		if !strings.Contains(call.Text(), "0800 1111") || !call.HasClass("button") || doc.Find(`aside.helpbar a[href="tel:999"]`).Length() != 1 {
			t.Errorf("%s: Childline %q (a button: %v) and 999 not in the help bar", path, call.Text(), call.HasClass("button"))
		}
	}
	_, doc := ts.getPage(t, "/login")
	if doc.Find(".quickexit, aside.helpbar").Length() != 0 {
		t.Error("the staff sign-in page has the children's help bar")
	}
}

// TestStartPagePrivacy: the privacy text's first sentence is always shown; the rest is
// one tap away in a details element, after the version choice.
func TestStartPagePrivacy(t *testing.T) {
	ts := newTestServer(t)
	_, doc := ts.getPage(t, exampleSurvey)
	main := doc.Find("main")
	if got := main.Find("p.privacy-lead").Text(); got != "We don't ask your name, and we can't tell who you are." {
		t.Errorf("privacy lead = %q", got)
	}
	details := main.Find("details.privacy")
	if details.Length() != 1 || details.AttrOr("open", "none") != "none" || !strings.Contains(details.Find("summary").Text(), "Who will see your answers") ||
		!strings.HasPrefix(details.Find("p").First().Text(), "You don't have to answer any question.") {
		t.Errorf("privacy details: %q", details.Text())
	}
	children := main.Children()
	if children.IndexOfSelection(main.Find("ul.versions")) > children.IndexOfSelection(details) || children.IndexOfSelection(main.Find("p.privacy-lead")) > children.IndexOfSelection(main.Find("ul.versions")) {
		t.Error("want the first sentence, then the version choice, then the rest of the privacy text")
	}
}

// TestEmptySubmission: a form with no answers asks "Send anyway?" before anything is
// stored; the button sends it. The JSON API takes an empty answers object as before (the
// pages ask first).
func TestEmptySubmission(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	path := exampleSurvey + "/8-12"
	f := ts.freshForm(t, "8-12")
	f.Set("q.better", "   ")
	resp, doc := ts.postForm(t, path, f)
	ask := doc.Find("form#survey #confirm-empty")
	if resp.StatusCode != http.StatusOK || ask.AttrOr("hidden", "none") != "none" || ask.AttrOr("role", "") != "alert" ||
		ask.Find("h2").Text() != "You haven't answered anything. Send anyway?" ||
		ask.Find(`button[type=submit][name=confirm_empty][value="1"]`).Length() != 1 {
		t.Fatalf("empty form: %d, ask %q hidden=%q; want the question with a button", resp.StatusCode, ask.Text(), ask.AttrOr("hidden", "none"))
	}
	if n, _ := ts.Responses.CountResponses(ctx, ""); n != 0 {
		t.Fatalf("%d responses stored before the child confirmed", n)
	}
	if got := doc.Find(`input[name=submission_id]`).AttrOr("value", ""); got != f.Get("submission_id") {
		t.Errorf("submission id %q, want the same %q kept", got, f.Get("submission_id"))
	}
	f.Set("lang", "cy")
	_, doc = ts.postForm(t, path, f)
	if got := doc.Find("#confirm-empty h2").Text(); got != "Dwyt ti ddim wedi ateb dim byd. Anfon beth bynnag?" {
		t.Errorf("Welsh: %q", got)
	}
	f.Set("lang", "en")
	f.Set("confirm_empty", "1")
	resp, doc = ts.postForm(t, path, f)
	if resp.StatusCode != http.StatusOK || doc.Find("[data-receipt]").Length() != 1 {
		t.Fatalf("send anyway: %d, want the thank-you page with a receipt", resp.StatusCode)
	}
	if n, _ := ts.Responses.CountResponses(ctx, ""); n != 1 {
		t.Errorf("%d responses stored after the child confirmed, want 1", n)
	}
	// With one answer nothing is asked.
	g := ts.freshForm(t, "8-12")
	g.Set("q.future", "4")
	if _, doc := ts.postForm(t, path, g); doc.Find("[data-receipt]").Length() != 1 || doc.Find("#confirm-empty").Length() != 0 {
		t.Error("one answer: want the thank-you page, without the question")
	}
	// Unasked, the page hides the question and the limit is on the multiple choice.
	_, doc = ts.getPage(t, path)
	if doc.Find("#confirm-empty").AttrOr("hidden", "none") == "none" || doc.Find(`fieldset#q-matters_most`).AttrOr("data-max", "") != "5" ||
		!strings.Contains(doc.Find("form#survey").AttrOr("data-t-limit", ""), "up to {n}") {
		t.Error("a fresh form shows the empty-form question, or the multiple choice carries no limit for the script")
	}
}

// TestWelshAreaNames: the area question lists the Welsh principal areas beside England's
// councils, by their Welsh names on the Welsh version.
func TestWelshAreaNames(t *testing.T) {
	ts := newTestServer(t)
	for lang, want := range map[string][]string{"en": {"Cardiff", "Isle of Anglesey", "Hartlepool"}, "cy": {"Caerdydd", "Ynys Môn", "Hartlepool"}} {
		_, doc := ts.getPage(t, exampleSurvey+"/13-17?lang="+lang)
		sel := doc.Find(`select[name="q.area"]`)
		if n := sel.Find("option").Length(); n != 1+1+153+22 {
			t.Errorf("%s: %d options, want a prompt, I don't want to say, 153 English and 22 Welsh councils", lang, n)
		}
		codes := map[string]string{"Cardiff": "W06000015", "Caerdydd": "W06000015", "Isle of Anglesey": "W06000001", "Ynys Môn": "W06000001", "Hartlepool": "E06000001"}
		for _, name := range want {
			opt := sel.Find("option").FilterFunction(func(_ int, s *goquery.Selection) bool { return s.Text() == name })
			if opt.AttrOr("value", "") != codes[name] {
				t.Errorf("%s: option %q has value %q, want %s", lang, name, opt.AttrOr("value", ""), codes[name])
			}
		}
	}
}
