// Package mongodbtest gives tests a real store: one embedded FerretDB per test binary
// (or the MongoDB at CHORUS_TEST_MONGODB_URI), and a fresh database for each test.
package mongodbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/chorus-voice/chorus/server/mongodb"
)

var (
	once    sync.Once
	shared  *mongodb.DB
	uri     string
	openErr error
)

// URI returns the MongoDB URI of the shared test store, starting it if needed.
func URI(t testing.TB) string {
	t.Helper()
	once.Do(func() {
		uri = os.Getenv("CHORUS_TEST_MONGODB_URI")
		if uri != "" {
			return
		}
		dir, err := os.MkdirTemp("", "chorus-test-store-")
		if err != nil {
			openErr = err
			return
		}
		shared, openErr = mongodb.Open(context.Background(), mongodb.Options{DataDir: dir, Logger: slog.New(slog.DiscardHandler)})
		if openErr == nil {
			uri = shared.URI
		}
	})
	if openErr != nil {
		t.Fatalf("start test store: %v", openErr)
	}
	return uri
}

// Open returns a store on a new, empty database that is dropped when the test ends.
func Open(t testing.TB) *mongodb.DB {
	t.Helper()
	db, err := mongodb.Open(context.Background(), mongodb.Options{
		URI: URI(t), Database: Database(), Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatalf("open test store: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := db.WaitReady(ctx); err != nil {
		t.Fatalf("test store not ready: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = db.Drop(ctx)
		_ = db.Close(ctx)
	})
	return db
}

// Database returns a fresh database name.
func Database() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "test_" + hex.EncodeToString(b[:])
}
