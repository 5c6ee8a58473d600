package results_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/geo"
	"github.com/chorus-voice/chorus/server/mongodb"
	"github.com/chorus-voice/chorus/server/mongodb/mongodbtest"
	"github.com/chorus-voice/chorus/server/results"
	"github.com/chorus-voice/chorus/server/results/synth"
	"github.com/chorus-voice/chorus/server/surveyfile"
)

// surveys serves the example survey.
type surveys struct{ s *chorus.Survey }

func (c surveys) OpenSurveys(context.Context) []*chorus.Survey { return []*chorus.Survey{c.s} }
func (c surveys) FindSurvey(_ context.Context, id string) (*chorus.Survey, error) {
	if id != c.s.ID {
		return nil, chorus.Errorf(chorus.ENOTFOUND, "no survey %q", id)
	}
	return c.s, nil
}
func (c surveys) Reload(context.Context) error { return nil }

type aggFixture struct {
	db    *mongodb.DB
	s     *chorus.Survey
	cat   surveys
	store *mongodb.ResponseStore
	agg   *results.Counter
	gen   *synth.Generator
	mu    sync.Mutex
}

func newAggFixture(t *testing.T) *aggFixture {
	t.Helper()
	g, err := geo.Load()
	if err != nil {
		t.Fatal(err)
	}
	s, err := surveyfile.LoadFile("../../surveys/your-life-your-voice.yaml", g.Areas())
	if err != nil {
		t.Fatal(err)
	}
	db := mongodbtest.Open(t)
	f := &aggFixture{db: db, s: s, cat: surveys{s}}
	f.agg = f.newAggregates(t)
	f.store = db.NewResponseStore(40, 0)
	f.store.OnBatch = f.agg.OnBatch
	t.Cleanup(func() { _ = f.store.Close(context.Background()) })
	f.gen = &synth.Generator{Survey: s, Councils: g.Areas()[:12], Rand: rand.New(rand.NewPCG(5, 6)),
		From: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)}
	return f
}

func (f *aggFixture) newAggregates(t *testing.T) *results.Counter {
	t.Helper()
	a := results.NewCounter(mongodb.NewAggregateStore(f.db), f.cat, nil)
	if err := a.Load(context.Background()); err != nil {
		t.Fatalf("Load: %v", err)
	}
	return a
}

func (f *aggFixture) response() *chorus.Response {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.gen.Response(f.gen.NextID())
}

// submit stores n random responses from several goroutines (so that batches form), some
// of them twice.
func (f *aggFixture) submit(t *testing.T, n int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := f.response()
			if err := f.store.InsertResponse(context.Background(), r); err != nil {
				errs <- err
				return
			}
			if i%7 == 0 { // a retry: stored once, counted once
				if err := f.store.InsertResponse(context.Background(), r); chorus.ErrorCode(err) != chorus.ECONFLICT {
					errs <- fmt.Errorf("repeat: %v", err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// recount counts the stored responses from scratch.
func (f *aggFixture) recount(t *testing.T) *results.Cube {
	t.Helper()
	c := results.NewCube(f.s.ID)
	d := results.NewDelta(f.s.ID)
	err := f.store.EachResponse(context.Background(), f.s.ID, func(r *chorus.Response) error {
		d.Add(f.s, results.Mapping{}, r, 1, nil)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c.Merge(d)
	return c
}

func (f *aggFixture) same(t *testing.T, what string, a *results.Counter) {
	t.Helper()
	got, err := a.Snapshot(context.Background(), f.s.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := f.recount(t)
	if diff := got.Diff(want); diff != "" {
		t.Fatalf("%s: aggregates differ from a recount: %s", what, diff)
	}
	if want.Responses() == 0 {
		t.Fatalf("%s: nothing counted", what)
	}
}

func TestAggregatesMatchRecount(t *testing.T) {
	ctx := context.Background()
	f := newAggFixture(t)
	f.submit(t, 300)
	f.same(t, "after submissions", f.agg)

	// One delta document per stored batch, not one write per response.
	n, err := f.db.Collection("aggregate_deltas").CountDocuments(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 || n >= 300 {
		t.Errorf("%d delta documents for 300 responses; want one per batch", n)
	}

	// A restart loads the same counts from the deltas.
	f.same(t, "after a restart", f.newAggregates(t))

	// Compaction folds the deltas into a snapshot; a restart still agrees.
	if err := f.agg.Compact(ctx, ""); err != nil {
		t.Fatalf("Compact: %v", err)
	}
	if n, _ := f.db.Collection("aggregate_deltas").CountDocuments(ctx, bson.D{}); n != 0 {
		t.Errorf("%d deltas left after compaction", n)
	}
	f.submit(t, 120)
	f.same(t, "after compaction and more submissions", f.agg)
	f.same(t, "after compaction and a restart", f.newAggregates(t))

	// Retagging a stored response moves its theme counts.
	var retagged int
	err = f.store.EachResponse(ctx, f.s.ID, func(r *chorus.Response) error {
		if len(r.Themes) == 0 || retagged >= 15 {
			return nil
		}
		before := *r
		after := *r
		after.Themes = map[string][]string{}
		for q := range r.Themes {
			after.Themes[q] = []string{"reviewed_theme"}
		}
		if _, err := f.db.Collection("responses").UpdateOne(ctx, bson.D{{Key: "submission_id", Value: r.SubmissionID}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "themes", Value: after.Themes}}}}); err != nil {
			return err
		}
		retagged++
		return f.agg.Retag(ctx, &before, &after)
	})
	if err != nil || retagged == 0 {
		t.Fatalf("retag: %v (%d retagged)", err, retagged)
	}
	f.same(t, "after retagging", f.agg)
	f.same(t, "after retagging and a restart", f.newAggregates(t))

	// A rebuild recounts and agrees, before and after a restart.
	if err := f.agg.Rebuild(ctx, f.s.ID); err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	f.same(t, "after a rebuild", f.agg)
	f.same(t, "after a rebuild and a restart", f.newAggregates(t))
}

func TestAggregatesRebuildWhileSubmitting(t *testing.T) {
	ctx := context.Background()
	f := newAggFixture(t)
	f.submit(t, 200)
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.submit(t, 300)
	}()
	for range 3 {
		if err := f.agg.Rebuild(ctx, ""); err != nil {
			t.Errorf("Rebuild: %v", err)
		}
	}
	<-done
	f.same(t, "rebuilds during submissions", f.agg)
	f.same(t, "rebuilds during submissions, then a restart", f.newAggregates(t))
}

func TestAggregatesTwoInstances(t *testing.T) {
	ctx := context.Background()
	f := newAggFixture(t)
	other := f.newAggregates(t) // a second app instance on the same store
	f.submit(t, 150)
	if err := other.Poll(ctx); err != nil {
		t.Fatalf("Poll: %v", err)
	}
	f.same(t, "the other instance after polling", other)
	// Polling again adds nothing twice.
	if err := other.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	f.same(t, "the other instance after polling twice", other)

	// The first compacts; the other sees the new snapshot and reloads.
	if err := f.agg.Compact(ctx, f.s.ID); err != nil {
		t.Fatal(err)
	}
	f.submit(t, 50)
	if err := other.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	f.same(t, "the other instance after a compaction", other)
	if err := other.Rebuild(ctx, f.s.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.agg.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	f.same(t, "the first instance after the other rebuilt", f.agg)
}

func TestAggregatesReconcile(t *testing.T) {
	ctx := context.Background()
	f := newAggFixture(t)
	f.submit(t, 100)
	// A crash between storing responses and their delta: responses without counts.
	f.store.OnBatch = nil
	f.submit(t, 40)
	restarted := f.newAggregates(t)
	if c, _ := restarted.Snapshot(ctx, f.s.ID); c.Responses() != f.recount(t).Responses()-40 {
		t.Fatalf("restarted with %d responses counted; want the 40 uncounted ones missing", c.Responses())
	}
	if err := restarted.Check(ctx); err != nil {
		t.Fatalf("Check: %v", err)
	}
	f.same(t, "after the check at start", restarted)
}

func TestAggregatesNotLoaded(t *testing.T) {
	f := newAggFixture(t)
	a := results.NewCounter(mongodb.NewAggregateStore(f.db), f.cat, nil)
	if _, err := a.Snapshot(context.Background(), f.s.ID); chorus.ErrorCode(err) != chorus.EUNAVAILABLE {
		t.Errorf("Snapshot before Load: err = %v, want EUNAVAILABLE", err)
	}
}

// TestBatchReachingCounterAfterRecount: a batch is stored, a recount reads it and is
// swapped in, and only then does the batch reach OnBatch (the writer's hook runs after
// the store has the batch). It is counted once, not twice.
func TestBatchReachingCounterAfterRecount(t *testing.T) {
	ctx := context.Background()
	f := newAggFixture(t)
	f.submit(t, 30)
	late := []*chorus.Response{f.response(), f.response()}
	quiet := f.db.NewResponseStore(0, 0) // stores without telling the counter yet
	t.Cleanup(func() { _ = quiet.Close(ctx) })
	for _, r := range late {
		if err := quiet.InsertResponse(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.agg.Rebuild(ctx, f.s.ID); err != nil {
		t.Fatal(err)
	}
	notRead := f.response() // stored after the recount: OnBatch must count it
	if err := quiet.InsertResponse(ctx, notRead); err != nil {
		t.Fatal(err)
	}
	if err := f.agg.OnBatch(ctx, append(late, notRead)); err != nil {
		t.Fatal(err)
	}
	c, err := f.agg.Snapshot(ctx, f.s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Responses(); got != 33 {
		t.Errorf("counted %d responses, want 33: the recount's two counted once, the later one once", got)
	}
	if d := f.recount(t); d.Responses() != c.Responses() {
		t.Errorf("recount %d, kept %d", d.Responses(), c.Responses())
	}
}
