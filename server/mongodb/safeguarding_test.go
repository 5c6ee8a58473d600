package mongodb_test

import (
	"context"
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/chorus-voice/chorus/server/chorus"
)

func TestSafeguarding(t *testing.T) {
	ctx := context.Background()
	f := newTextFixture(t)
	sg := f.db.NewSafeguarding(f.catalog)
	f.store.OnBatch = sg.OnBatch

	flagged := f.response("he hits me when nobody is looking", "I want more clubs")
	flagged.Flags = map[string][]string{"better": {"abuse"}}
	flagged.Risky = true
	flagged.Day = "2026-11-03"
	closed := f.response("more clubs", "")
	closed.Risky = true // a closed answer that is a risk signal
	sv, _ := f.catalog.FindSurvey(ctx, ylyv)
	closed.Answers["life_happy"] = map[string]string{riskItem(t, sv): "1"}
	fine := f.response("more clubs please", "")
	f.insert(t, flagged, closed, fine)

	open, total, err := sg.FindConcerns(ctx, chorus.ConcernFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if total != 2 || len(open) != 2 {
		t.Fatalf("%d open concerns, want 2", total)
	}
	if open[0].Day != "2026-11-03" || !slices.Equal(open[0].Categories(), []string{"abuse"}) {
		t.Errorf("first concern %+v: want the newest (the flagged text) first", open[0])
	}
	if open[0].Texts["better"] != flagged.Answers["better"] || open[0].Texts["anything_else"] != "I want more clubs" {
		t.Errorf("concern texts %v: want every free-text answer", open[0].Texts)
	}
	if len(open[1].Signals) != 1 || open[1].Signals[0].Question != "life_happy" {
		t.Errorf("closed-answer concern signals %+v", open[1].Signals)
	}
	if n, err := sg.CountOpenConcerns(ctx); err != nil || n != 2 {
		t.Errorf("CountOpenConcerns = %d, %v; want 2", n, err)
	}

	t.Run("Review", func(t *testing.T) {
		if _, err := sg.ReviewConcern(ctx, open[0].ID, "u1", "  "); chorus.ErrorCode(err) != chorus.EINVALID {
			t.Errorf("empty note: err = %v, want EINVALID", err)
		}
		c, err := sg.ReviewConcern(ctx, open[0].ID, "u1", "Passed to the DSL at the children's home")
		if err != nil {
			t.Fatal(err)
		}
		if !c.Reviewed() || c.ReviewedBy != "u1" || c.Note != "Passed to the DSL at the children's home" {
			t.Errorf("reviewed concern %+v", c)
		}
		if _, err := sg.ReviewConcern(ctx, open[0].ID, "u2", "again"); chorus.ErrorCode(err) != chorus.ECONFLICT {
			t.Errorf("second review: err = %v, want ECONFLICT", err)
		}
		if _, err := sg.ReviewConcern(ctx, "65f000000000000000000000", "u2", "x"); chorus.ErrorCode(err) != chorus.ENOTFOUND {
			t.Errorf("unknown concern: err = %v, want ENOTFOUND", err)
		}
		if n, _ := sg.CountOpenConcerns(ctx); n != 1 {
			t.Errorf("open after review: %d, want 1", n)
		}
		done, total, err := sg.FindConcerns(ctx, chorus.ConcernFilter{Reviewed: true})
		if err != nil || total != 1 || done[0].Note == "" {
			t.Errorf("reviewed concerns %v (%d), %v", done, total, err)
		}
	})

	t.Run("SyncAddsMissing", func(t *testing.T) {
		// A crash between storing a batch and queueing it.
		if _, err := f.db.Collection("safeguarding").DeleteMany(ctx, bson.D{{Key: "survey", Value: ylyv}, {Key: "reviewed", Value: false}}); err != nil {
			t.Fatal(err)
		}
		added, err := sg.Sync(ctx)
		if err != nil || added != 1 {
			t.Fatalf("Sync = %d, %v; want 1 added", added, err)
		}
		if again, _ := sg.Sync(ctx); again != 0 {
			t.Errorf("second Sync added %d", again)
		}
		if n, _ := sg.CountOpenConcerns(ctx); n != 1 {
			t.Errorf("open after sync: %d, want 1", n)
		}
	})
}

// riskItem returns a grid item of life_happy whose lowest point is a risk signal.
func riskItem(t *testing.T, sv *chorus.Survey) string {
	t.Helper()
	q := sv.Question("life_happy")
	for _, it := range q.Items {
		if it.Risk || q.RiskLowest {
			return it.ID
		}
	}
	t.Skip("the example survey marks no life_happy item as a risk signal")
	return ""
}

func TestRiskSignals(t *testing.T) {
	ctx := context.Background()
	f := newTextFixture(t)
	sv, _ := f.catalog.FindSurvey(ctx, ylyv)
	item := riskItem(t, sv)
	got := sv.RiskSignals(chorus.Answers{"life_happy": map[string]string{item: "1"}, "better": "x"})
	if len(got) != 1 || got[0] != (chorus.RiskSignal{Question: "life_happy", Option: item}) {
		t.Errorf("RiskSignals = %v", got)
	}
	if got := sv.RiskSignals(chorus.Answers{"life_happy": map[string]string{item: "3"}}); len(got) != 0 {
		t.Errorf("RiskSignals of a happy answer = %v", got)
	}
	if sv.Risky(chorus.Answers{"life_happy": map[string]string{item: "1"}}) != true {
		t.Error("Risky and RiskSignals disagree")
	}
}
