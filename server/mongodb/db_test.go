package mongodb_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/mongodb"
	"github.com/chorus-voice/chorus/server/mongodb/mongodbtest"
)

func TestEmbeddedStore(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dir := t.TempDir()
	open := func() *mongodb.DB {
		db, err := mongodb.Open(ctx, mongodb.Options{DataDir: dir, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if err := db.WaitReady(ctx); err != nil {
			t.Fatalf("WaitReady: %v", err)
		}
		return db
	}

	db := open()
	if !db.Embedded() {
		t.Fatal("Embedded() = false with no URI")
	}
	coll := db.Collection("responses")
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "submission_id", Value: "a"}}); err != nil {
		t.Fatalf("insert: %v", err)
	}
	t.Run("ErrConflictOnDuplicateSubmission", func(t *testing.T) {
		_, err := coll.InsertOne(ctx, bson.D{{Key: "submission_id", Value: "a"}})
		if got := chorus.ErrorCode(mongodb.Translate("insert", err)); got != chorus.ECONFLICT {
			t.Fatalf("duplicate insert: code %q, want %q (err %v)", got, chorus.ECONFLICT, err)
		}
	})
	if err := db.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}

	t.Run("ReopenKeepsData", func(t *testing.T) {
		db := open()
		defer db.Close(ctx)
		n, err := db.Collection("responses").CountDocuments(ctx, bson.D{})
		if err != nil || n != 1 {
			t.Fatalf("after reopen: %d documents, err %v; want 1", n, err)
		}
	})
}

func TestReadyFailsFastWhenStoreIsDown(t *testing.T) {
	ctx := context.Background()
	db, err := mongodb.Open(ctx, mongodb.Options{URI: "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=200", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close(ctx)
	rctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if got := chorus.ErrorCode(db.Ready(rctx)); got != chorus.EUNAVAILABLE {
		t.Fatalf("Ready on a closed port: code %q, want %q", got, chorus.EUNAVAILABLE)
	}
}

func TestOpenRejectsMalformedURI(t *testing.T) {
	_, err := mongodb.Open(context.Background(), mongodb.Options{URI: "mongodb://host:notaport/"})
	if err == nil {
		t.Fatal("Open accepted a malformed URI")
	}
}

func TestTestStoreGivesEachTestItsOwnDatabase(t *testing.T) {
	a, b := mongodbtest.Open(t), mongodbtest.Open(t)
	ctx := context.Background()
	if _, err := a.Collection("x").InsertOne(ctx, bson.D{{Key: "k", Value: 1}}); err != nil {
		t.Fatal(err)
	}
	if n, _ := b.Collection("x").CountDocuments(ctx, bson.D{}); n != 0 {
		t.Fatalf("second database sees %d documents of the first", n)
	}
}
