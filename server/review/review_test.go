package review_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/mongodb"
	"github.com/chorus-voice/chorus/server/mongodb/mongodbtest"
	"github.com/chorus-voice/chorus/server/results"
	"github.com/chorus-voice/chorus/server/review"
	"github.com/chorus-voice/chorus/server/theme"
)

const ylyv = mongodbtest.Survey

// fixture is a fresh store with the shipped surveys and codebooks.
type fixture struct{ *mongodbtest.Text }

func newFixture(t testing.TB) *fixture { return &fixture{mongodbtest.NewText(t, "../../surveys")} }

// reviews returns a review service on the store, loaded, as the composition root
// makes it.
func (f *fixture) reviews(t testing.TB) *review.Service {
	t.Helper()
	rv := review.New(mongodb.NewReviewStore(f.DB), f.Catalog, f.Catalog, nil)
	rv.Emerging = func(uncoded, all []string, n int) []chorus.Term {
		var out []chorus.Term
		for _, x := range theme.EmergingTerms(uncoded, all, n) {
			out = append(out, chorus.Term{Text: x.Text, Count: x.Count, Score: x.Score})
		}
		return out
	}
	if err := rv.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	return rv
}

func find(t *testing.T, rv *review.Service, themeID string) *chorus.AnswerPage {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, err := rv.FindAnswers(ctx, chorus.AnswerFilter{Survey: ylyv, Theme: themeID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReviews(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	family := f.Response("I want to see my sister more", "")
	both := f.Response("see my brother and my social worker to listen", "")
	turtles := f.Response("more turtles and a turtle pond", "turtles are great")
	turtles2 := f.Response("a turtle for every kid", "")
	flagged := f.Response("my sister hits me", "")
	flagged.Flags = map[string][]string{"better": {"abuse"}}
	flagged.Risky = true
	f.Insert(t, family, both, turtles, turtles2, flagged)

	// A real aggregates counter with reviewed tags winning.
	agg := results.NewCounter(mongodb.NewAggregateStore(f.DB), f.Catalog, nil)
	rv := f.reviews(t)
	agg.ThemesOf = rv.ThemesOf
	rv.Retag = agg.Retag
	if err := agg.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if err := agg.Rebuild(ctx, ylyv); err != nil {
		t.Fatal(err)
	}
	res := &results.Service{Store: agg, Surveys: f.Catalog}
	themeCount := func(id string) int {
		t.Helper()
		r, err := res.Results(ctx, ylyv, chorus.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		return r.Themes[id]
	}

	all := find(t, rv, "")
	if all.Total != 5 || all.Counts[""] != 5 {
		t.Fatalf("all answers: total %d, counts %v; want 5 (the flagged answer left out)", all.Total, all.Counts)
	}
	for _, a := range all.Answers {
		if a.Text == flagged.Answers["better"] {
			t.Fatal("a flagged answer is listed for review")
		}
	}
	if all.Counts["family_contact"] != 2 || all.Counts[chorus.ThemeUncoded] != 3 {
		t.Fatalf("counts %v: want family_contact 2, uncoded 3", all.Counts)
	}
	// The aggregates count every response, flagged ones too (they are counted, never
	// quoted).
	if got := themeCount("family_contact"); got != 3 {
		t.Fatalf("aggregates: family_contact %d, want 3", got)
	}
	answerOf := func(r *chorus.Response, q string) *chorus.Answer {
		t.Helper()
		for _, a := range find(t, rv, "").Answers {
			if a.Text == r.Answers[q] && a.Question == q {
				return a
			}
		}
		t.Fatalf("answer %q not listed", r.Answers[q])
		return nil
	}

	t.Run("Remove", func(t *testing.T) {
		a := answerOf(family, "better")
		got, err := rv.Review(ctx, chorus.ReviewChange{Survey: ylyv, ResponseID: a.ResponseID, Question: "better", Action: chorus.ReviewRemove, Theme: "family_contact", By: "u1"})
		if err != nil {
			t.Fatal(err)
		}
		if !got.IsReviewed || len(got.Themes()) != 0 || !slices.Contains(got.Machine, "family_contact") {
			t.Fatalf("after remove: %+v", got)
		}
		p := find(t, rv, "family_contact")
		if p.Total != 1 || p.Counts[chorus.ThemeUncoded] != 4 {
			t.Errorf("after remove: family_contact %d, uncoded %d; want 1, 4", p.Total, p.Counts[chorus.ThemeUncoded])
		}
		if got := themeCount("family_contact"); got != 2 {
			t.Errorf("aggregates after remove: family_contact %d, want 2", got)
		}
	})
	t.Run("Add", func(t *testing.T) {
		a := answerOf(turtles, "better")
		if _, err := rv.Review(ctx, chorus.ReviewChange{Survey: ylyv, ResponseID: a.ResponseID, Question: "better", Action: chorus.ReviewAdd, Theme: "activities_fun", By: "u1"}); err != nil {
			t.Fatal(err)
		}
		a2 := answerOf(turtles2, "better")
		if _, err := rv.Review(ctx, chorus.ReviewChange{Survey: ylyv, ResponseID: a2.ResponseID, Question: "better", Action: chorus.ReviewAdd, Theme: "activities_fun", By: "u1"}); err != nil {
			t.Fatal(err)
		}
		p := find(t, rv, "activities_fun")
		if p.Total != 2 {
			t.Errorf("activities_fun has %d answers, want 2", p.Total)
		}
		if got := themeCount("activities_fun"); got != 2 {
			t.Errorf("aggregates after add: activities_fun %d, want 2", got)
		}
	})
	t.Run("Confirm", func(t *testing.T) {
		a := answerOf(both, "better")
		got, err := rv.Review(ctx, chorus.ReviewChange{Survey: ylyv, ResponseID: a.ResponseID, Question: "better", Action: chorus.ReviewConfirm, By: "u2"})
		if err != nil {
			t.Fatal(err)
		}
		if !got.IsReviewed || !slices.Equal(got.Reviewed, got.Machine) || got.ReviewedBy != "u2" {
			t.Fatalf("after confirm: %+v", got)
		}
	})
	t.Run("Agreement", func(t *testing.T) {
		agr, n, err := rv.Agreement(ctx, ylyv)
		if err != nil {
			t.Fatal(err)
		}
		if n != 4 {
			t.Fatalf("reviewed answers %d, want 4", n)
		}
		by := map[string]chorus.ThemeAgreement{}
		for _, a := range agr {
			by[a.Theme] = a
		}
		// family_contact: machine tagged two reviewed answers, reviewers kept one.
		if fc := by["family_contact"]; fc.Both != 1 || fc.MachineOnly != 1 || fc.ReviewOnly != 0 {
			t.Errorf("family_contact agreement %+v, want both 1, machine only 1", fc)
		}
		if p, ok := by["family_contact"].Precision(); !ok || p != 0.5 {
			t.Errorf("family_contact precision %v %v, want 0.5", p, ok)
		}
		if r, ok := by["activities_fun"].Recall(); !ok || r != 0 || by["activities_fun"].ReviewOnly != 2 {
			t.Errorf("activities_fun recall %v %v (%+v), want 0 of 2", r, ok, by["activities_fun"])
		}
		if len(agr) < 14 || agr[0].Theme != "family_contact" {
			t.Errorf("agreement lists %d themes starting %q: want the codebook's in order", len(agr), agr[0].Theme)
		}
	})
	t.Run("ReviewsSurviveARestart", func(t *testing.T) {
		again := f.reviews(t)
		p := find(t, again, "activities_fun")
		if p.Total != 2 {
			t.Errorf("after reload: activities_fun %d, want 2", p.Total)
		}
		// A recount from the stored responses keeps reviewed tags.
		agg2 := results.NewCounter(mongodb.NewAggregateStore(f.DB), f.Catalog, nil)
		agg2.ThemesOf = again.ThemesOf
		if err := agg2.Load(ctx); err != nil {
			t.Fatal(err)
		}
		if err := agg2.Rebuild(ctx, ylyv); err != nil {
			t.Fatal(err)
		}
		r, err := (&results.Service{Store: agg2, Surveys: f.Catalog}).Results(ctx, ylyv, chorus.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Themes["activities_fun"] != 2 || r.Themes["family_contact"] != 2 {
			t.Errorf("rebuilt counts %v: want activities_fun 2, family_contact 2", r.Themes)
		}
	})
	t.Run("Emerging", func(t *testing.T) {
		f.Insert(t, f.Response("turtles everywhere please", ""), f.Response("bigger turtles", ""))
		rv.Forget(ylyv)
		terms, _, err := rv.EmergingTerms(ctx, ylyv, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(terms) == 0 || terms[0].Text != "turtle" && terms[0].Text != "turtles" {
			t.Errorf("emerging terms %+v, want turtles first", terms)
		}
	})
	t.Run("Errors", func(t *testing.T) {
		a := answerOf(both, "better")
		for name, tt := range map[string]struct {
			ch   chorus.ReviewChange
			code string
		}{
			"ErrUnknownTheme":    {chorus.ReviewChange{Survey: ylyv, ResponseID: a.ResponseID, Question: "better", Action: chorus.ReviewAdd, Theme: "nope"}, chorus.EINVALID},
			"ErrUnknownAction":   {chorus.ReviewChange{Survey: ylyv, ResponseID: a.ResponseID, Question: "better", Action: "explode"}, chorus.EINVALID},
			"ErrNoSuchResponse":  {chorus.ReviewChange{Survey: ylyv, ResponseID: "65f000000000000000000000", Question: "better", Action: chorus.ReviewConfirm}, chorus.ENOTFOUND},
			"ErrMalformedID":     {chorus.ReviewChange{Survey: ylyv, ResponseID: "x", Question: "better", Action: chorus.ReviewConfirm}, chorus.ENOTFOUND},
			"ErrClosedQuestion":  {chorus.ReviewChange{Survey: ylyv, ResponseID: a.ResponseID, Question: "live_with", Action: chorus.ReviewConfirm}, chorus.ENOTFOUND},
			"ErrUnansweredQuest": {chorus.ReviewChange{Survey: ylyv, ResponseID: a.ResponseID, Question: "anything_else", Action: chorus.ReviewConfirm}, chorus.ENOTFOUND},
		} {
			t.Run(name, func(t *testing.T) {
				if _, err := rv.Review(ctx, tt.ch); chorus.ErrorCode(err) != tt.code {
					t.Errorf("err = %v, want %s", err, tt.code)
				}
			})
		}
	})
}

func TestReviewsThemesOf(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := f.Response("see my sister", "more turtles")
	f.Insert(t, r)
	rv := f.reviews(t)
	var before, after *chorus.Response
	rv.Retag = func(_ context.Context, b, a *chorus.Response) error {
		before, after = b, a
		// Before and after carry the themes that count, reviews applied.
		if got := b.Themes; !slices.Equal(got["better"], []string{"family_contact"}) {
			t.Errorf("before.Themes = %v", got)
		}
		if got := a.Themes; len(got["better"]) != 0 {
			t.Errorf("after.Themes = %v, want no better themes", got)
		}
		return nil
	}
	p := find(t, rv, "")
	var id string
	for _, a := range p.Answers {
		id = a.ResponseID
	}
	if _, err := rv.Review(ctx, chorus.ReviewChange{Survey: ylyv, ResponseID: id, Question: "better", Action: chorus.ReviewRemove, Theme: "family_contact"}); err != nil {
		t.Fatal(err)
	}
	if before == nil || after == nil || before.SubmissionID != r.SubmissionID {
		t.Fatal("Retag not called with the response")
	}
	// Any other copy of the response gets the reviewed themes.
	got := rv.ThemesOf(r)
	if _, ok := got["better"]; ok {
		t.Errorf("ThemesOf(stored) = %v, want better removed by the review", got)
	}
	if !slices.Equal(r.Themes["better"], []string{"family_contact"}) {
		t.Error("ThemesOf changed the response it was given")
	}
	// Confirming without a change does not recount.
	before = nil
	if _, err := rv.Review(ctx, chorus.ReviewChange{Survey: ylyv, ResponseID: id, Question: "better", Action: chorus.ReviewConfirm}); err != nil {
		t.Fatal(err)
	}
	if before != nil {
		t.Error("Retag called for a review that changed nothing")
	}
}

func TestAgreementPure(t *testing.T) {
	reviewed := []*chorus.Answer{
		{Machine: []string{"a", "b"}, Reviewed: []string{"a"}, IsReviewed: true},
		{Machine: []string{"a"}, Reviewed: []string{"a", "c"}, IsReviewed: true},
		{Machine: []string{"b"}, IsReviewed: false},
	}
	agr, n := chorus.Agreement([]string{"a", "b"}, reviewed)
	if n != 2 {
		t.Fatalf("n = %d, want 2", n)
	}
	want := []chorus.ThemeAgreement{{Theme: "a", Both: 2}, {Theme: "b", MachineOnly: 1, Neither: 1}, {Theme: "c", ReviewOnly: 1, Neither: 1}}
	if !slices.Equal(agr, want) {
		t.Errorf("got %+v\nwant %+v", agr, want)
	}
	if _, ok := agr[2].Precision(); ok {
		t.Error("precision of a theme the machine never gave is defined")
	}
}
