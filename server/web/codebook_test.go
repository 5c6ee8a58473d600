package web

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/theme"
)

// TestCodebookChanges: reviews turn into a suggested change, shown with its counts
// and diff, downloadable as the changed file; nothing changes until a person saves it.
func TestCodebookChanges(t *testing.T) {
	f := newFreeTextFixture(t)
	for _, text := range []string{"turtles at the zoo", "more turtles please", "I hate turtles", "turtles are green"} {
		f.submit(map[string]any{"better": text})
	}
	changesURL := "/review/" + ftSurvey + "/codebook"
	if doc := f.page(changesURL); !strings.Contains(doc.Text(), "nobody has reviewed an answer") {
		t.Errorf("with no reviews the page says %q", doc.Find("main").Text())
	}
	f.review("turtles at the zoo", "add", "activities_fun")
	f.review("more turtles please", "add", "activities_fun")
	f.review("I hate turtles", "confirm", "")

	if doc := f.page("/review/" + ftSurvey); doc.Find(`a[href="`+changesURL+`"]`).Length() == 0 {
		t.Error("the review page has no link to the suggested changes")
	}
	doc := f.page(changesURL)
	sel := doc.Find("ol.changes > li:has(h2:contains('Add the term “turtles” to Activities and fun'))")
	if sel.Length() != 1 {
		t.Fatalf("no suggestion to add turtles; page: %.600s", doc.Find("main").Text())
	}
	item := sel.Text()
	if !strings.Contains(item, "Puts right 2 reviewed answers; makes 1 wrong.") {
		t.Errorf("counts not shown as want: %q", item)
	}
	if diff := sel.Find("pre.diff").Text(); !strings.Contains(diff, "+      - turtles\n") || !strings.Contains(diff, "--- a/your-life-your-voice.codebook.yaml") {
		t.Errorf("diff = %q", diff)
	}
	href := sel.Find("a[download]").AttrOr("href", "")
	if href == "" {
		t.Fatal("no download link")
	}
	if n := len(f.audits(chorus.ActionFreeTextRead)); n == 0 {
		t.Error("reading suggestions from reviewed answers was not audited")
	}

	t.Run("Download", func(t *testing.T) {
		resp, body := f.request("facilitator", http.MethodGet, href, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("download: %d %.300s", resp.StatusCode, body)
		}
		if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename="your-life-your-voice.codebook.yaml"` {
			t.Errorf("Content-Disposition = %q", cd)
		}
		cb, err := theme.Load("changed.yaml", []byte(body))
		if err != nil {
			t.Fatalf("the changed codebook does not load: %v", err)
		}
		th, _ := cb.Theme("activities_fun")
		if !slices.ContainsFunc(th.Terms, func(x theme.Term) bool { return x.Text == "turtles" }) {
			t.Error("the changed codebook has no term turtles")
		}
		if m := cb.Compile(); !slices.Contains(m.Tag("turtles at the zoo"), "activities_fun") {
			t.Error("the changed codebook does not tag the reviewed answer")
		}
	})
	t.Run("NothingChangesUntilSaved", func(t *testing.T) {
		if got := f.Catalog.Tag(ftSurvey, "turtles at the zoo"); slices.Contains(got, "activities_fun") {
			t.Error("the loaded codebook changed without anyone saving the file")
		}
	})
	t.Run("ErrNoSuchChange", func(t *testing.T) {
		f.get("facilitator", changesURL+"/changed?theme=activities_fun&change=add&term=zebras", http.StatusNotFound)
	})
	t.Run("ErrViewer", func(t *testing.T) {
		f.get("viewer", changesURL, http.StatusForbidden)
		f.get("viewer", href, http.StatusForbidden)
	})
}

// TestReviewScopeNotes: the scope note of the theme being reviewed is on the page,
// and every theme's in a list to open.
func TestReviewScopeNotes(t *testing.T) {
	f := newFreeTextFixture(t)
	f.submit(map[string]any{"better": "I want to see my sister more"})
	doc := f.page("/review/" + ftSurvey + "?theme=family_contact")
	note := doc.Find("section.scope").Text()
	for _, want := range []string{"What “Contact with family and siblings” covers", "Belongs:", "Does not belong:", "Foster or adoptive families", "Borderline:"} {
		if !strings.Contains(note, want) {
			t.Errorf("scope note has no %q: %q", want, note)
		}
	}
	if n := doc.Find("details.scopes dt").Length(); n != 15 {
		t.Errorf("%d themes in the scope notes list, want 15", n)
	}
	if f.page("/review/"+ftSurvey).Find("section.scope").Length() != 0 {
		t.Error("a scope note is shown for all answers")
	}
}
