package mongodb_test

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/mongodb"
	"github.com/chorus-voice/chorus/server/mongodb/mongodbtest"
)

func testResponse(id string) *chorus.Response {
	return &chorus.Response{
		SubmissionID: id, Survey: "your-life-your-voice", Version: "13-17", Lang: "en",
		Revision: "abc", Day: "2026-11-24", Digest: "digest-" + id,
		Answers: chorus.Answers{"better": "more time with my sister", "matters_most": []string{"family"}},
	}
}

func TestResponseStore(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db := mongodbtest.Open(t)
	var onBatch atomic.Int64
	open := func() *mongodb.ResponseStore {
		s := db.NewResponseStore(0, 0)
		s.OnBatch = func(_ context.Context, stored []*chorus.Response) error {
			onBatch.Add(int64(len(stored)))
			return nil
		}
		t.Cleanup(func() { _ = s.Close(context.Background()) })
		return s
	}
	store := open()
	count := func(id string) int64 {
		t.Helper()
		n, err := db.Collection("responses").CountDocuments(ctx, bson.D{{Key: "submission_id", Value: id}})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	t.Run("OK", func(t *testing.T) {
		if err := store.InsertResponse(ctx, testResponse("store-ok-0001")); err != nil {
			t.Fatal(err)
		}
		var raw bson.M
		if err := db.Collection("responses").FindOne(ctx, bson.D{{Key: "submission_id", Value: "store-ok-0001"}}).Decode(&raw); err != nil {
			t.Fatal(err)
		}
		if raw["_id"] != "store-ok-0001" || raw["digest"] != "digest-store-ok-0001" {
			t.Fatalf("stored %v: want _id and digest from the response", raw)
		}
		if got, err := store.FindResponseDigest(ctx, "store-ok-0001"); err != nil || got != "digest-store-ok-0001" {
			t.Fatalf("FindResponseDigest = %q, %v", got, err)
		}
	})

	// Each subtest stores what it repeats, so that it passes run alone (-run).
	t.Run("ErrConflictOnRepeat", func(t *testing.T) {
		if err := store.InsertResponse(ctx, testResponse("store-repeat-0001")); err != nil {
			t.Fatal(err)
		}
		err := store.InsertResponse(ctx, testResponse("store-repeat-0001"))
		if got := chorus.ErrorCode(err); got != chorus.ECONFLICT {
			t.Fatalf("repeat: code %q (%v), want %q", got, err, chorus.ECONFLICT)
		}
		if n := count("store-repeat-0001"); n != 1 {
			t.Fatalf("%d documents, want 1", n)
		}
	})

	t.Run("ErrConflictOnRepeatAfterRestart", func(t *testing.T) {
		if err := store.InsertResponse(ctx, testResponse("store-restart-0001")); err != nil {
			t.Fatal(err)
		}
		// A new writer has not seen the id: the insert itself meets the duplicate.
		err := open().InsertResponse(ctx, testResponse("store-restart-0001"))
		if got := chorus.ErrorCode(err); got != chorus.ECONFLICT {
			t.Fatalf("repeat after restart: code %q (%v), want %q", got, err, chorus.ECONFLICT)
		}
	})

	t.Run("CopiesInOneBatchStoreOnce", func(t *testing.T) {
		before := onBatch.Load()
		var wg sync.WaitGroup
		var ok, conflict atomic.Int64
		for range 20 {
			wg.Go(func() {
				switch err := store.InsertResponse(ctx, testResponse("store-copies-0001")); chorus.ErrorCode(err) {
				case "":
					ok.Add(1)
				case chorus.ECONFLICT:
					conflict.Add(1)
				default:
					t.Errorf("copy: %v", err)
				}
			})
		}
		wg.Wait()
		if ok.Load() != 1 || conflict.Load() != 19 {
			t.Fatalf("%d stored, %d conflicts; want 1 and 19", ok.Load(), conflict.Load())
		}
		if n := count("store-copies-0001"); n != 1 {
			t.Fatalf("%d documents, want 1", n)
		}
		if got := onBatch.Load() - before; got != 1 {
			t.Fatalf("OnBatch saw %d responses, want 1", got)
		}
	})

	t.Run("CallerThatGaveUpIsNotStored", func(t *testing.T) {
		gone, cancel := context.WithCancel(ctx)
		cancel()
		if err := store.InsertResponse(gone, testResponse("store-gone-0001")); chorus.ErrorCode(err) != chorus.EUNAVAILABLE {
			t.Fatalf("cancelled caller: %v, want EUNAVAILABLE", err)
		}
		// One writer, in order: once this is stored, the first was dealt with.
		if err := store.InsertResponse(ctx, testResponse("store-gone-0002")); err != nil {
			t.Fatal(err)
		}
		if n := count("store-gone-0001"); n != 0 {
			t.Fatalf("%d documents for an unacknowledged caller that gave up, want 0", n)
		}
	})

	t.Run("ResponsesStoredWithObjectIDs", func(t *testing.T) {
		if err := store.InsertResponse(ctx, testResponse("store-new-0001")); err != nil {
			t.Fatal(err)
		}
		each := func() int {
			n := 0
			if err := store.EachResponse(ctx, "your-life-your-voice", func(*chorus.Response) error { n++; return nil }); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := each()
		// Responses stored before _id was the submission id.
		if _, err := db.Collection("responses").InsertOne(ctx, bson.D{
			{Key: "submission_id", Value: "store-old-0001"}, {Key: "survey", Value: "your-life-your-voice"},
			{Key: "version", Value: "13-17"}, {Key: "digest", Value: "old-digest"},
		}); err != nil {
			t.Fatal(err)
		}
		if got, err := store.FindResponseDigest(ctx, "store-old-0001"); err != nil || got != "old-digest" {
			t.Fatalf("FindResponseDigest = %q, %v; want old-digest", got, err)
		}
		if err := open().InsertResponse(ctx, testResponse("store-old-0001")); chorus.ErrorCode(err) != chorus.ECONFLICT {
			t.Fatalf("insert over an old response: %v, want ECONFLICT", err)
		}
		if n := each(); n != before+1 {
			t.Fatalf("EachResponse: %d responses, want %d (both kinds of _id)", n, before+1)
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := store.FindResponseDigest(ctx, "store-none-0001"); chorus.ErrorCode(err) != chorus.ENOTFOUND {
			t.Fatalf("FindResponseDigest of nothing: %v, want ENOTFOUND", err)
		}
	})
}

// TestResponseStoreRepeatReadsNothing: a repeat of a submission stored by this process is
// settled from memory. On FerretDB every find reads the whole collection, so a read per
// double tap or retry would stall the writer once there are many responses.
func TestResponseStoreRepeatReadsNothing(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	reg := prometheus.NewRegistry()
	db, err := mongodb.Open(ctx, mongodb.Options{URI: mongodbtest.URI(t), Database: mongodbtest.Database(),
		Logger: slog.New(slog.DiscardHandler), Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Drop(context.Background()); _ = db.Close(context.Background()) })
	if err := db.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	store := db.NewResponseStore(0, 0)
	t.Cleanup(func() { _ = store.Close(context.Background()) })
	finds := func() float64 {
		t.Helper()
		families, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		var n float64
		for _, f := range families {
			for _, m := range f.GetMetric() {
				for _, l := range m.GetLabel() {
					if l.GetName() == "command" && l.GetValue() == "find" {
						n += float64(m.GetHistogram().GetSampleCount())
					}
				}
			}
		}
		return n
	}

	r := testResponse("repeat-0001")
	if err := store.InsertResponse(ctx, r); err != nil {
		t.Fatal(err)
	}
	before := finds()
	for range 3 {
		if err := store.InsertResponse(ctx, testResponse("repeat-0001")); chorus.ErrorCode(err) != chorus.ECONFLICT {
			t.Fatalf("repeat: err = %v, want ECONFLICT", err)
		}
		if got, err := store.FindResponseDigest(ctx, "repeat-0001"); err != nil || got != r.Digest {
			t.Fatalf("FindResponseDigest = %q, %v; want %q", got, err, r.Digest)
		}
	}
	if after := finds(); after != before {
		t.Errorf("settling 3 repeats ran %v finds against the store, want none", after-before)
	}
}
