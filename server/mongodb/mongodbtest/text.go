package mongodbtest

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/intake"
	"github.com/chorus-voice/chorus/server/mongodb"
)

// Survey is the shipped example survey, which has a codebook.
const Survey = "your-life-your-voice"

// Text is a fresh store with the shipped surveys and codebooks, for tests of the
// free-text services: responses with free text, tagged as intake tags them, stored
// through the group-commit writer.
type Text struct {
	DB      *mongodb.DB
	Catalog *intake.Catalog
	Store   *mongodb.ResponseStore

	mu sync.Mutex
	n  int
}

// NewText opens a fresh database with the survey files in surveysDir.
func NewText(t testing.TB, surveysDir string) *Text {
	t.Helper()
	db := Open(t)
	f := &Text{DB: db, Catalog: intake.NewCatalog(surveysDir, nil, slog.New(slog.DiscardHandler)), Store: db.NewResponseStore(500, 0)}
	t.Cleanup(func() { _ = f.Store.Close(context.Background()) })
	return f
}

// Response makes a response to the 13-17 version of Survey with free text ("" for
// none), tagged by the shipped codebook.
func (f *Text) Response(better, other string) *chorus.Response {
	f.mu.Lock()
	f.n++
	id := fmt.Sprintf("text-%07d", f.n)
	f.mu.Unlock()
	r := &chorus.Response{SubmissionID: id, Survey: Survey, Version: "13-17", Lang: "en", Day: "2026-11-02",
		Answers: chorus.Answers{"live_with": "foster_carers"}, Digest: id}
	for q, text := range map[string]string{"better": better, "anything_else": other} {
		if text == "" {
			continue
		}
		r.Answers[q] = text
		if tags := f.Catalog.Tag(Survey, text); len(tags) > 0 {
			if r.Themes == nil {
				r.Themes = map[string][]string{}
			}
			r.Themes[q] = tags
		}
	}
	return r
}

// Insert stores responses through the group-commit writer, many at once.
func (f *Text) Insert(t testing.TB, rs ...*chorus.Response) { InsertAll(t, f.Store, rs, 256) }

// InsertAll stores responses, parallel at a time (so that the group-commit writer
// batches them, as it does a burst of children sending), and fails t on any error.
func InsertAll(t testing.TB, store chorus.ResponseStore, rs []*chorus.Response, parallel int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(rs))
	sem := make(chan struct{}, parallel)
	for _, r := range rs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := store.InsertResponse(context.Background(), r); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
