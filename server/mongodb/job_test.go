package mongodb_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/mongodb"
	"github.com/chorus-voice/chorus/server/mongodb/mongodbtest"
)

var retagTexts = []string{
	"I want to see my sister more",
	"my social worker keeps changing and never listens",
	"more money for a phone",
	"turtles",
	"I get bullied at school",
	"",
}

// staleResponses makes n responses whose stored tags are out of date: every one of
// them changes when re-tagged.
const ylyv = mongodbtest.Survey

// textFixture is a fresh store with the shipped surveys and codebooks, for the
// free-text jobs.
type textFixture struct{ *mongodbtest.Text }

func newTextFixture(t testing.TB) *textFixture {
	return &textFixture{mongodbtest.NewText(t, "../../surveys")}
}

func (f *textFixture) staleResponses(n int) []*chorus.Response {
	rs := make([]*chorus.Response, n)
	for i := range rs {
		r := f.Response(retagTexts[i%len(retagTexts)], retagTexts[(i+2)%len(retagTexts)]+" "+strconv.Itoa(i))
		r.Themes = map[string][]string{"better": {"stale"}}
		rs[i] = r
	}
	return rs
}

// counter wraps a tagging function and counts its calls.
type counter struct{ n atomic.Int64 }

func (c *counter) wrap(tag func(string) []string) func(string) []string {
	return func(s string) []string { c.n.Add(1); return tag(s) }
}

func (f *textFixture) retagger(tags *counter) *mongodb.Retagger {
	r := f.DB.NewRetagger()
	r.Surveys = f.Catalog
	r.Codebooks = f.Catalog.Codebooks
	r.Tagger = func(survey string) (func(string) []string, string, bool) {
		tag, rev, ok := f.Catalog.Tagger(survey)
		if !ok {
			return nil, "", false
		}
		return tags.wrap(tag), rev, true
	}
	r.Batch = 40
	return r
}

// checkTagged asserts that every stored response has the codebook's tags, that none
// was lost or duplicated, and that staging is empty.
func (f *textFixture) checkTagged(t *testing.T, want []*chorus.Response) {
	t.Helper()
	ctx := context.Background()
	got := map[string]*chorus.Response{}
	err := f.Store.EachResponse(ctx, ylyv, func(r *chorus.Response) error {
		if got[r.SubmissionID] != nil {
			t.Errorf("response %s stored twice", r.SubmissionID)
		}
		got[r.SubmissionID] = r
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d responses stored, want %d", len(got), len(want))
	}
	for _, w := range want {
		r := got[w.SubmissionID]
		if r == nil {
			t.Fatalf("response %s lost", w.SubmissionID)
		}
		for _, q := range []string{"better", "anything_else"} {
			text, _ := w.Answers[q].(string)
			var tags []string
			if text != "" {
				tags = f.Catalog.Tag(ylyv, text)
			}
			if !slices.Equal(r.Themes[q], tags) {
				t.Fatalf("%s %s themes %v, want %v", w.SubmissionID, q, r.Themes[q], tags)
			}
		}
		if r.Digest != w.Digest || r.Answers["live_with"] != "foster_carers" {
			t.Fatalf("%s changed beyond its themes: %+v", w.SubmissionID, r)
		}
	}
	if n, _ := f.DB.Collection("retag_staging").CountDocuments(ctx, bson.D{}); n != 0 {
		t.Errorf("%d staged copies left", n)
	}
}

func answersIn(rs []*chorus.Response) int64 {
	n := int64(0)
	for _, r := range rs {
		for _, q := range []string{"better", "anything_else"} {
			if s, _ := r.Answers[q].(string); s != "" {
				n++
			}
		}
	}
	return n
}

func TestRetagJob(t *testing.T) {
	ctx := context.Background()
	f := newTextFixture(t)
	rs := f.staleResponses(230)
	f.Insert(t, rs...)
	var tags counter
	r := f.retagger(&tags)
	var rebuilt []string
	r.Rebuild = func(_ context.Context, survey string) error { rebuilt = append(rebuilt, survey); return nil }
	var doneHook []string
	r.OnDone = func(s string) { doneHook = append(doneHook, s) }

	done, err := r.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(done, []string{ylyv}) || !slices.Equal(rebuilt, []string{ylyv}) || !slices.Equal(doneHook, []string{ylyv}) {
		t.Fatalf("finished %v, rebuilt %v, OnDone %v: want the survey once each", done, rebuilt, doneHook)
	}
	f.checkTagged(t, rs)
	j, err := r.FindRetagJob(ctx, ylyv)
	if err != nil {
		t.Fatal(err)
	}
	cb, _ := f.Catalog.FindCodebook(ctx, ylyv)
	if j.State != chorus.JobDone || j.Done != 230 || j.Total != 230 || j.Changed != 230 || j.Revision != cb.Revision || j.Percent() != 100 {
		t.Errorf("job %+v: want done, 230 of 230, all changed, revision %s", j, cb.Revision)
	}
	if j.Answers != int(answersIn(rs)) || tags.n.Load() != answersIn(rs) {
		t.Errorf("job answers %d, tagged %d: want %d", j.Answers, tags.n.Load(), answersIn(rs))
	}

	t.Run("NothingToDoOnceDone", func(t *testing.T) {
		before := tags.n.Load()
		done, err := r.RunOnce(ctx)
		if err != nil || len(done) != 0 || tags.n.Load() != before {
			t.Errorf("second run: finished %v, err %v, tagged %d more", done, err, tags.n.Load()-before)
		}
	})
	t.Run("ResetOnNewRevision", func(t *testing.T) {
		newer := &chorus.Codebook{Survey: ylyv, Revision: "other", LoadedAt: time.Now().Add(time.Hour)}
		j, err := r.Ensure(ctx, newer)
		if err != nil || j.State != chorus.JobPending || j.Revision != "other" || j.Done != 0 {
			t.Fatalf("Ensure(newer) = %+v, %v; want a pending job at the new revision", j, err)
		}
		// An instance that loaded the old codebook earlier does not reset it back.
		older := &chorus.Codebook{Survey: ylyv, Revision: cb.Revision, LoadedAt: time.Now().Add(-time.Hour)}
		if j, err := r.Ensure(ctx, older); err != nil || j.Revision != "other" {
			t.Fatalf("Ensure(older) = %+v, %v; want the newer revision kept", j, err)
		}
		// Nor does this instance run a job for a revision it has not loaded.
		if finished, err := r.Run(ctx, ylyv); finished || err != nil {
			t.Fatalf("Run with another revision loaded = %v, %v", finished, err)
		}
		// Loading the file again (later) takes the job back to its revision.
		if _, err := r.Ensure(ctx, &chorus.Codebook{Survey: ylyv, Revision: cb.Revision, LoadedAt: time.Now().Add(2 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		before := tags.n.Load()
		if finished, err := r.Run(ctx, ylyv); !finished || err != nil {
			t.Fatalf("Run = %v, %v", finished, err)
		}
		if tags.n.Load()-before != answersIn(rs) {
			t.Errorf("tagged %d answers, want all %d again", tags.n.Load()-before, answersIn(rs))
		}
		j, _ = r.FindRetagJob(ctx, ylyv)
		if j.Changed != 0 {
			t.Errorf("%d responses rewritten though no tag changed", j.Changed)
		}
		f.checkTagged(t, rs)
	})
	t.Run("ErrNoJob", func(t *testing.T) {
		if _, err := r.FindRetagJob(ctx, "nope"); chorus.ErrorCode(err) != chorus.ENOTFOUND {
			t.Errorf("err = %v, want ENOTFOUND", err)
		}
	})
}

func TestRetagResumesAfterRestart(t *testing.T) {
	ctx := context.Background()
	f := newTextFixture(t)
	rs := f.staleResponses(300)
	f.Insert(t, rs...)

	// The first instance dies after three batches, holding its lease.
	var first counter
	r1 := f.retagger(&first)
	r1.Lease = 5 * time.Second
	r1.AfterBatch = func(done int) bool { return done < 120 }
	if finished, err := r1.Run(ctx, ylyv); finished || err != nil {
		t.Fatalf("first run = %v, %v; want it stopped", finished, err)
	}
	j, _ := r1.FindRetagJob(ctx, ylyv)
	if j.State != chorus.JobRunning || j.Done != 120 {
		t.Fatalf("after the crash: %+v, want running with 120 done", j)
	}

	// Another instance waits for the lease to run out, then carries on from the cursor.
	var second counter
	r2 := f.retagger(&second)
	if finished, err := r2.Run(ctx, ylyv); finished || err != nil || second.n.Load() != 0 {
		t.Fatalf("run while the lease is held = %v, %v (%d tagged); want nothing done", finished, err, second.n.Load())
	}
	time.Sleep(5100 * time.Millisecond)
	if finished, err := r2.Run(ctx, ylyv); !finished || err != nil {
		t.Fatalf("run after the lease ran out = %v, %v", finished, err)
	}
	if got, want := first.n.Load()+second.n.Load(), answersIn(rs); got != want {
		t.Errorf("answers tagged %d (%d + %d), want each of the %d once", got, first.n.Load(), second.n.Load(), want)
	}
	j, _ = r2.FindRetagJob(ctx, ylyv)
	if j.State != chorus.JobDone || j.Done != 300 || j.Changed != 300 {
		t.Errorf("job %+v: want done, 300 of 300", j)
	}
	f.checkTagged(t, rs)
}

func TestRetagConcurrentRunners(t *testing.T) {
	ctx := context.Background()
	f := newTextFixture(t)
	rs := f.staleResponses(250)
	f.Insert(t, rs...)
	var tags counter
	var finished atomic.Int32
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, 16)
	for i := range 3 {
		r := f.retagger(&tags)
		r.Owner = "instance-" + strconv.Itoa(i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				done, err := r.RunOnce(ctx)
				if err != nil {
					errs <- err
					return
				}
				finished.Add(int32(len(done)))
				select {
				case <-stop:
					return
				case <-time.After(5 * time.Millisecond):
				}
			}
		}()
	}
	deadline := time.Now().Add(60 * time.Second)
	for finished.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // let the others look once more
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if finished.Load() != 1 {
		t.Fatalf("%d runners finished the job, want exactly 1", finished.Load())
	}
	if tags.n.Load() != answersIn(rs) {
		t.Errorf("answers tagged %d, want each of the %d once", tags.n.Load(), answersIn(rs))
	}
	f.checkTagged(t, rs)
}

func TestRetagRestoresAnInterruptedBatch(t *testing.T) {
	ctx := context.Background()
	f := newTextFixture(t)
	rs := f.staleResponses(50)
	f.Insert(t, rs...)
	// A crash between deleting a batch and inserting it again: the responses are only
	// in staging.
	coll := f.DB.Collection("responses")
	for _, r := range rs[:10] {
		var raw bson.Raw
		if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: r.SubmissionID}}).Decode(&raw); err != nil {
			t.Fatal(err)
		}
		if _, err := f.DB.Collection("retag_staging").InsertOne(ctx, bson.D{{Key: "_id", Value: r.SubmissionID}, {Key: "survey", Value: ylyv}, {Key: "doc", Value: raw}}); err != nil {
			t.Fatal(err)
		}
		if _, err := coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: r.SubmissionID}}); err != nil {
			t.Fatal(err)
		}
	}
	var tags counter
	r := f.retagger(&tags)
	if _, err := r.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	f.checkTagged(t, rs)
}

func TestRetagLegacyObjectIDs(t *testing.T) {
	ctx := context.Background()
	f := newTextFixture(t)
	rs := f.staleResponses(30)
	f.Insert(t, rs[:20]...)
	// Responses stored before _id was the submission id have ObjectIDs.
	for _, r := range rs[20:] {
		if _, err := f.DB.Collection("responses").InsertOne(ctx, bson.D{{Key: "_id", Value: bson.NewObjectID()},
			{Key: "submission_id", Value: r.SubmissionID}, {Key: "survey", Value: ylyv}, {Key: "version", Value: r.Version},
			{Key: "day", Value: r.Day}, {Key: "answers", Value: r.Answers}, {Key: "themes", Value: r.Themes}, {Key: "digest", Value: r.Digest}}); err != nil {
			t.Fatal(err)
		}
	}
	var tags counter
	r := f.retagger(&tags)
	r.Batch = 7
	r.AfterBatch = func(done int) bool { return done < 14 } // stop among the strings
	if _, err := r.Run(ctx, ylyv); err != nil {
		t.Fatal(err)
	}
	r.AfterBatch = nil
	if finished, err := r.Run(ctx, ylyv); !finished || err != nil {
		t.Fatalf("resume = %v, %v", finished, err)
	}
	if tags.n.Load() != answersIn(rs) {
		t.Errorf("answers tagged %d, want %d", tags.n.Load(), answersIn(rs))
	}
	f.checkTagged(t, rs)
}

// BenchmarkRetag re-tags CHORUS_RETAG_ANSWERS free-text answers (100,000 by default:
// two per response) that all change, and reports answers per second. As a baseline
// from the same run it reports how long one read of all the responses takes, and the
// rate of updating responses one at a time (a bulk write of single updates).
//
//	go test ./server/mongodb -run '^$' -bench Retag -benchtime 1x
func BenchmarkRetag(b *testing.B) {
	ctx := context.Background()
	answers := 100_000
	if s := os.Getenv("CHORUS_RETAG_ANSWERS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		answers = n
	}
	f := newTextFixture(b)
	rs := make([]*chorus.Response, answers/2)
	for i := range rs {
		r := f.Response(retagTexts[i%5]+" "+strconv.Itoa(i), retagTexts[(i+2)%5])
		r.Themes = map[string][]string{"better": {"stale"}}
		rs[i] = r
	}
	start := time.Now()
	for i := 0; i < len(rs); i += 20_000 {
		f.Insert(b, rs[i:min(i+20_000, len(rs))]...)
	}
	b.Logf("stored %d responses in %s", len(rs), time.Since(start).Round(time.Millisecond))

	start = time.Now()
	n := 0
	if err := f.Store.EachResponse(ctx, ylyv, func(*chorus.Response) error { n++; return nil }); err != nil {
		b.Fatal(err)
	}
	read := time.Since(start)
	b.Logf("baseline: reading all %d responses takes %s", n, read.Round(time.Millisecond))

	// Baseline: single updates in one bulk write, on a few responses.
	const sample = 200
	start = time.Now()
	coll := f.DB.Collection("responses")
	for _, r := range rs[:sample] {
		if _, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: r.SubmissionID}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "themes.better", Value: bson.A{"stale", "x"}}}}}); err != nil {
			b.Fatal(err)
		}
	}
	perUpdate := time.Since(start) / sample
	b.Logf("baseline: one update at a time takes %s each (%.0f/s)", perUpdate, float64(time.Second)/float64(perUpdate))

	var tags counter
	r := f.retagger(&tags)
	r.Batch = 0 // the default
	var progress []string
	r.AfterBatch = func(done int) bool {
		if len(progress) < 1000 {
			progress = append(progress, strconv.Itoa(done))
		}
		return true
	}
	b.ResetTimer()
	var elapsed time.Duration
	for i := 0; b.Loop(); i++ {
		rev := fmt.Sprintf("bench-%d", i)
		r.Tagger = func(survey string) (func(string) []string, string, bool) {
			tag, _, _ := f.Catalog.Tagger(survey)
			if i%2 == 1 { // every other round, tag differently so that every response changes
				return func(s string) []string { return append(tag(s), "odd") }, rev, true
			}
			return tag, rev, true
		}
		if _, err := r.Ensure(ctx, &chorus.Codebook{Survey: ylyv, Revision: rev, LoadedAt: time.Now().Add(time.Duration(i+1) * time.Hour)}); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if finished, err := r.Run(ctx, ylyv); !finished || err != nil {
			b.Fatalf("run = %v, %v", finished, err)
		}
		elapsed += time.Since(start)
	}
	b.StopTimer()
	j, err := r.FindRetagJob(ctx, ylyv)
	if err != nil {
		b.Fatal(err)
	}
	perRound := elapsed / time.Duration(b.N)
	rate := float64(j.Answers) / perRound.Seconds()
	b.ReportMetric(rate, "answers/s")
	b.ReportMetric(perRound.Seconds()/read.Seconds(), "x_read_time")
	b.ReportMetric(rate/(float64(time.Second)/float64(perUpdate)), "x_single_updates")
	b.Logf("re-tagged %d answers of %d responses (%d changed) in %s: %.0f answers/s; progress after each batch: %v",
		j.Answers, j.Done, j.Changed, perRound.Round(time.Millisecond), rate, progress)
}
