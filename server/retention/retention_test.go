package retention_test

import (
	"context"
	"log/slog"
	"slices"
	"sort"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/mongodb"
	"github.com/chorus-voice/chorus/server/mongodb/mongodbtest"
	"github.com/chorus-voice/chorus/server/retention"
)

type retentionSurveys map[string]*chorus.Survey

func (c retentionSurveys) OpenSurveys(context.Context) []*chorus.Survey { return nil }
func (c retentionSurveys) FindSurvey(_ context.Context, id string) (*chorus.Survey, error) {
	if s := c[id]; s != nil {
		return s, nil
	}
	return nil, chorus.Errorf(chorus.ENOTFOUND, "no survey %q", id)
}
func (c retentionSurveys) Reload(context.Context) error { return nil }

// TestRetention runs the retention job on a clock the test sets: a survey kept for 90
// days loses the responses from before the 90 days, with their cases, reviews and
// quotes; the next deletion date it reports is the day the next one goes.
func TestRetention(t *testing.T) {
	ctx := context.Background()
	db := mongodbtest.Open(t)
	cat := retentionSurveys{"short": {ID: "short", RetentionDays: 90}, "long": {ID: "long", RetentionDays: 730}}
	insert := func(coll string, doc bson.D) {
		t.Helper()
		if _, err := db.Collection(coll).InsertOne(ctx, doc); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []struct{ sub, survey, day string }{
		{"expired-0001", "short", "2027-03-31"}, {"expired-0002", "short", "2027-01-02"},
		{"edge-0003", "short", "2027-04-01"}, {"recent-0004", "short", "2027-06-01"},
		{"long-0005", "long", "2027-01-02"},
	} {
		insert("responses", bson.D{{Key: "_id", Value: r.sub}, {Key: "submission_id", Value: r.sub}, {Key: "survey", Value: r.survey},
			{Key: "version", Value: "all"}, {Key: "day", Value: r.day}, {Key: "answers", Value: bson.D{{Key: "better", Value: "words of " + r.sub}}}})
		insert("safeguarding", bson.D{{Key: "_id", Value: bson.NewObjectID()}, {Key: "submission_id", Value: r.sub}, {Key: "survey", Value: r.survey}})
		insert("reviews", bson.D{{Key: "_id", Value: r.sub + "/better"}, {Key: "submission_id", Value: r.sub}, {Key: "survey", Value: r.survey}})
		insert("quotes", bson.D{{Key: "_id", Value: bson.NewObjectID()}, {Key: "submission_id", Value: r.sub}, {Key: "survey", Value: r.survey}})
	}
	left := func(coll string) []string {
		t.Helper()
		var docs []struct {
			Sub string `bson:"submission_id"`
		}
		cur, err := db.Collection(coll).Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		if err := cur.All(ctx, &docs); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range docs {
			out = append(out, d.Sub)
		}
		sort.Strings(out)
		return out
	}
	expect := func(when string, want ...string) {
		t.Helper()
		sort.Strings(want)
		for _, coll := range []string{"responses", "safeguarding", "reviews", "quotes"} {
			if got := left(coll); !slices.Equal(got, want) {
				t.Errorf("%s: %s holds %v, want %v", when, coll, got, want)
			}
		}
	}

	now := time.Date(2027, 6, 30, 15, 4, 5, 0, time.UTC)
	ret := &retention.Job{Store: mongodb.NewRetentionStore(db), Surveys: cat, Audit: mongodb.NewAuditService(db),
		Lease: db.Lease, Now: func() time.Time { return now }, Log: slog.New(slog.DiscardHandler)}
	var forgotten []string
	ret.Forget = func(_ context.Context, gone []*chorus.Response) error {
		for _, r := range gone {
			forgotten = append(forgotten, r.SubmissionID)
			if r.Answers["better"] != "words of "+r.SubmissionID {
				t.Errorf("Forget got %s without its answers", r.SubmissionID)
			}
		}
		return nil
	}

	// Another instance holds the lease: this one deletes nothing.
	if _, err := db.Collection("aggregate_locks").InsertOne(ctx, bson.D{{Key: "_id", Value: "retention"}, {Key: "until", Value: time.Now().Add(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	if n, err := ret.RunOnce(ctx); n != 0 || err != nil {
		t.Fatalf("RunOnce while another instance holds the lease: %d, %v", n, err)
	}
	expect("lease held elsewhere", "expired-0001", "expired-0002", "edge-0003", "recent-0004", "long-0005")
	if _, err := db.Collection("aggregate_locks").DeleteOne(ctx, bson.D{{Key: "_id", Value: "retention"}}); err != nil {
		t.Fatal(err)
	}

	if n, err := ret.RunOnce(ctx); n != 2 || err != nil {
		t.Fatalf("RunOnce on 30 June 2027: %d, %v; want 2 deleted", n, err)
	}
	expect("30 June 2027", "edge-0003", "recent-0004", "long-0005")
	sort.Strings(forgotten)
	if !slices.Equal(forgotten, []string{"expired-0001", "expired-0002"}) {
		t.Errorf("taken out of the counts: %v", forgotten)
	}
	st, err := ret.RetentionStatus(ctx, "short")
	if err != nil || st.Days != 90 || st.LastRun != "2027-06-30" || st.Deleted != 2 || st.Oldest != "2027-04-01" || st.NextDeletion != "2027-07-01" {
		t.Errorf("status %+v, %v; want 90 days, oldest 1 April, next deletion 1 July", st, err)
	}
	entries, err := mongodb.NewAuditService(db).FindAudit(ctx, chorus.AuditFilter{Action: chorus.ActionRetentionDelete})
	if err != nil || len(entries) != 1 || entries[0].Object != "survey:short" {
		t.Errorf("audit entries %v, %v; want one for the survey", entries, err)
	}

	// The same day again deletes nothing; the next deletion date deletes the next one.
	if n, _ := ret.RunOnce(ctx); n != 0 {
		t.Errorf("second run the same day deleted %d", n)
	}
	now = time.Date(2027, 7, 1, 0, 0, 1, 0, time.UTC)
	if n, err := ret.RunOnce(ctx); n != 1 || err != nil {
		t.Fatalf("RunOnce on 1 July 2027: %d, %v; want 1", n, err)
	}
	expect("1 July 2027", "recent-0004", "long-0005")
}
