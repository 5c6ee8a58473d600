package concerns_test

import (
	"context"
	"log/slog"
	"slices"
	"testing"

	"github.com/chorus-voice/chorus/server/concerns"
	"github.com/chorus-voice/chorus/server/mongodb"
	"github.com/chorus-voice/chorus/server/mongodb/mongodbtest"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/chorus-voice/chorus/server/chorus"
)

const ylyv = mongodbtest.Survey

func TestSafeguarding(t *testing.T) {
	ctx := context.Background()
	f := mongodbtest.NewText(t, "../../surveys")
	sg := &concerns.Queue{Store: mongodb.NewConcernStore(f.DB), Surveys: f.Catalog, Log: slog.New(slog.DiscardHandler)}
	f.Store.OnBatch = sg.OnBatch

	flagged := f.Response("he hits me when nobody is looking", "I want more clubs")
	flagged.Flags = map[string][]string{"better": {"abuse"}}
	flagged.Risky = true
	flagged.Day = "2026-11-03"
	// Queued before levels existed: a free-text flag with no level is a concern.
	past := f.Response("when I lived with my dad he hit me", "")
	past.Flags = map[string][]string{"better": {"abuse"}}
	past.Risky, past.Level = true, chorus.LevelConcern
	past.Day = "2026-11-04"
	urgent := f.Response("I want to end it tonight", "")
	urgent.Flags = map[string][]string{"better": {"suicide"}}
	urgent.Risky, urgent.Level = true, chorus.LevelUrgent
	urgent.Day = "2026-11-01"
	closed := f.Response("more clubs", "")
	closed.Risky = true // a closed answer that is a risk signal
	sv, _ := f.Catalog.FindSurvey(ctx, ylyv)
	closed.Answers["life_happy"] = map[string]string{riskItem(t, sv): "1"}
	closed.Day = "2026-11-05"
	fine := f.Response("more clubs please", "")
	f.Insert(t, flagged, past, urgent, closed, fine)

	open, total, err := sg.FindConcerns(ctx, chorus.ConcernFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if total != 3 || len(open) != 3 {
		t.Fatalf("%d open free-text concerns, want 3 (the closed-answer one is listed apart)", total)
	}
	// Urgent first even though it is the oldest, then concerns newest first.
	if open[0].Level != chorus.LevelUrgent || open[1].Day != "2026-11-04" || open[2].Day != "2026-11-03" {
		t.Errorf("order %s/%s, %s/%s, %s/%s: want urgent first, then concerns newest first",
			open[0].Level, open[0].Day, open[1].Level, open[1].Day, open[2].Level, open[2].Day)
	}
	if open[2].Level != chorus.LevelConcern || !slices.Equal(open[2].Categories(), []string{"abuse"}) {
		t.Errorf("flag without a stored level: %+v, want a concern", open[2])
	}
	if open[2].Texts["better"] != flagged.Answers["better"] || open[2].Texts["anything_else"] != "I want more clubs" {
		t.Errorf("concern texts %v: want every free-text answer", open[2].Texts)
	}
	closedOnly, n, err := sg.FindConcerns(ctx, chorus.ConcernFilter{Closed: true})
	if err != nil || n != 1 || closedOnly[0].Level != chorus.LevelClosed {
		t.Fatalf("closed-answer concerns %v (%d), %v; want the one", closedOnly, n, err)
	}
	if len(closedOnly[0].Signals) != 1 || closedOnly[0].Signals[0].Question != "life_happy" {
		t.Errorf("closed-answer concern signals %+v", closedOnly[0].Signals)
	}
	if n, err := sg.CountOpenConcerns(ctx); err != nil || n[chorus.LevelUrgent] != 1 || n[chorus.LevelConcern] != 2 || n[chorus.LevelClosed] != 1 {
		t.Errorf("CountOpenConcerns = %v, %v; want 1 urgent, 2 concern, 1 closed", n, err)
	}
	for _, c := range open[1:] {
		if _, err := sg.ReviewConcern(ctx, c.ID, "u1", "Passed to the DSL"); err != nil {
			t.Fatal(err)
		}
	}
	open = open[:1]
	open = append(open, closedOnly...)

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
		if n, _ := sg.CountOpenConcerns(ctx); n[chorus.LevelUrgent] != 0 || n[chorus.LevelClosed] != 1 {
			t.Errorf("open after review: %v, want only the closed-answer one", n)
		}
		done, total, err := sg.FindConcerns(ctx, chorus.ConcernFilter{Reviewed: true})
		if err != nil || total != 3 || done[0].Note == "" {
			t.Errorf("reviewed concerns %v (%d), %v", done, total, err)
		}
	})

	t.Run("SyncAddsMissing", func(t *testing.T) {
		// A crash between storing a batch and queueing it.
		if _, err := f.DB.Collection("safeguarding").DeleteMany(ctx, bson.D{{Key: "survey", Value: ylyv}, {Key: "reviewed", Value: false}}); err != nil {
			t.Fatal(err)
		}
		added, err := sg.Sync(ctx)
		if err != nil || added != 1 {
			t.Fatalf("Sync = %d, %v; want 1 added", added, err)
		}
		if again, _ := sg.Sync(ctx); again != 0 {
			t.Errorf("second Sync added %d", again)
		}
		if n, _ := sg.CountOpenConcerns(ctx); n[chorus.LevelClosed] != 1 || len(n) != 1 {
			t.Errorf("open after sync: %v, want the closed-answer one", n)
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
	f := mongodbtest.NewText(t, "../../surveys")
	sv, _ := f.Catalog.FindSurvey(ctx, ylyv)
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
