package results

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/chorus-voice/chorus/server/mongodb"
)

// TestCounterForgetsOldDeltasOnEmbeddedStore: on the embedded store too, a poll
// forgets the deltas no poll can return any more, so memory does not grow with every
// stored batch for as long as the server runs.
func TestCounterForgetsOldDeltasOnEmbeddedStore(t *testing.T) {
	ctx := context.Background()
	db, err := mongodb.Open(ctx, mongodb.Options{DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	if err := db.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	store := mongodb.NewAggregateStore(db)
	if store.Shared() {
		t.Fatal("the embedded store says other instances write to it")
	}
	a := NewCounter(store, nil, nil)
	if err := a.Load(ctx); err != nil {
		t.Fatal(err)
	}
	a.mu.Lock()
	a.applied["old"], a.applied["recent"] = time.Now().Add(-time.Hour), time.Now()
	a.mu.Unlock()
	if err := a.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	_, old := a.applied["old"]
	_, recent := a.applied["recent"]
	if old || !recent {
		t.Errorf("after a poll: an hour-old delta remembered %v, a new one %v; want false, true", old, recent)
	}
}
