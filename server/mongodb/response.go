package mongodb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chorus-voice/chorus/server/chorus"
)

// responseDoc is a stored response. It has no field for an address, a user agent, a
// cookie or a time finer than the day.
type responseDoc struct {
	SubmissionID string              `bson:"submission_id"`
	Survey       string              `bson:"survey"`
	Version      string              `bson:"version"`
	Lang         string              `bson:"lang"`
	Revision     string              `bson:"revision"`
	Day          string              `bson:"day"`
	Answers      map[string]any      `bson:"answers"`
	Themes       map[string][]string `bson:"themes,omitempty"`
	Flags        map[string][]string `bson:"flags,omitempty"`
	Risky        bool                `bson:"risky,omitempty"`
	Digest       string              `bson:"digest"`
}

func toResponseDoc(r *chorus.Response) *responseDoc {
	return &responseDoc{
		SubmissionID: r.SubmissionID, Survey: r.Survey, Version: r.Version, Lang: r.Lang,
		Revision: r.Revision, Day: r.Day, Answers: r.Answers, Themes: r.Themes, Flags: r.Flags,
		Risky: r.Risky, Digest: r.Digest,
	}
}

// fromResponseDoc converts back, turning the driver's array and document types into
// the plain types of chorus.Answers.
func fromResponseDoc(d *responseDoc) *chorus.Response {
	answers := make(chorus.Answers, len(d.Answers))
	for k, v := range d.Answers {
		answers[k] = plain(v)
	}
	return &chorus.Response{
		SubmissionID: d.SubmissionID, Survey: d.Survey, Version: d.Version, Lang: d.Lang,
		Revision: d.Revision, Day: d.Day, Answers: answers, Themes: d.Themes, Flags: d.Flags,
		Risky: d.Risky, Digest: d.Digest,
	}
}

func plain(v any) any {
	switch v := v.(type) {
	case bson.A:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case bson.D:
		out := make(map[string]string, len(v))
		for _, e := range v {
			if s, ok := e.Value.(string); ok {
				out[e.Key] = s
			}
		}
		return out
	case int32:
		return int(v)
	case int64:
		return int(v)
	default:
		return v
	}
}

// ResponseStore stores responses through a group-commit writer: concurrent inserts are
// gathered into one InsertMany, and each caller returns only after its batch is stored.
type ResponseStore struct {
	coll    *mongo.Collection
	log     *slog.Logger
	queue   chan *pendingWrite
	maxSize int

	// OnBatch, if set, is called with each batch's newly stored responses before their
	// callers are acknowledged (aggregates are kept this way). Its error is logged;
	// the responses are stored whatever it returns.
	OnBatch func(ctx context.Context, stored []*chorus.Response) error

	mu      sync.RWMutex
	closed  bool
	stopped chan struct{}
}

type pendingWrite struct {
	r    *chorus.Response
	done chan error
}

// NewResponseStore starts the writer. Close stops it after draining the queue.
func (d *DB) NewResponseStore(maxBatch, queueSize int) *ResponseStore {
	if maxBatch <= 0 {
		maxBatch = 500
	}
	if queueSize <= 0 {
		queueSize = 8192
	}
	s := &ResponseStore{
		coll: d.db.Collection("responses"), log: d.log, maxSize: maxBatch,
		queue: make(chan *pendingWrite, queueSize), stopped: make(chan struct{}),
	}
	go s.run()
	return s
}

// InsertResponse implements chorus.ResponseStore.
func (s *ResponseStore) InsertResponse(ctx context.Context, r *chorus.Response) error {
	p := &pendingWrite{r: r, done: make(chan error, 1)}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return chorus.Errorf(chorus.EUNAVAILABLE, "The server is restarting. Please try again.")
	}
	select {
	case s.queue <- p:
		s.mu.RUnlock()
	default:
		s.mu.RUnlock()
		return chorus.Errorf(chorus.EUNAVAILABLE, "The server is very busy. Please try again in a moment.")
	}
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
		// The write may still land; the caller was not acknowledged, so its retry
		// with the same submission id is answered as an identical repeat.
		return chorus.Wrap(chorus.EUNAVAILABLE, ctx.Err(), "The store is slow. Please try again.")
	}
}

// Close stops taking writes, stores everything queued, and returns when done or ctx ends.
func (s *ResponseStore) Close(ctx context.Context) error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.queue)
	}
	s.mu.Unlock()
	select {
	case <-s.stopped:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *ResponseStore) run() {
	defer close(s.stopped)
	batch := make([]*pendingWrite, 0, s.maxSize)
	for first := range s.queue {
		batch = append(batch[:0], first)
	gather:
		for len(batch) < s.maxSize {
			select {
			case p, ok := <-s.queue:
				if !ok {
					break gather
				}
				batch = append(batch, p)
			default:
				break gather
			}
		}
		s.write(batch)
	}
}

// write stores one batch and answers each caller.
func (s *ResponseStore) write(batch []*pendingWrite) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	docs := make([]any, len(batch))
	for i, p := range batch {
		docs[i] = toResponseDoc(p.r)
	}
	errs := make([]error, len(batch))
	_, err := s.coll.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	switch {
	case err == nil:
	case errors.As(err, &bwe) && bwe.WriteConcernError == nil:
		for _, we := range bwe.WriteErrors {
			if we.Index < 0 || we.Index >= len(errs) {
				continue
			}
			if mongo.IsDuplicateKeyError(we) {
				errs[we.Index] = chorus.Errorf(chorus.ECONFLICT, "This submission was already stored.")
			} else {
				errs[we.Index] = translate("insert response", we)
			}
		}
	default:
		// Unknown outcome for the whole batch: nobody is acknowledged. Retries with
		// the same submission ids are safe.
		e := translate("insert responses", err)
		if chorus.ErrorCode(e) == chorus.EINTERNAL {
			e = chorus.Wrap(chorus.EUNAVAILABLE, err, "The store could not take your answers. Please try again.")
		}
		for i := range errs {
			errs[i] = e
		}
	}
	if s.OnBatch != nil {
		stored := make([]*chorus.Response, 0, len(batch))
		for i, p := range batch {
			if errs[i] == nil {
				stored = append(stored, p.r)
			}
		}
		if len(stored) > 0 {
			if err := s.OnBatch(ctx, stored); err != nil {
				s.log.Error("update aggregates", "err", err, "responses", len(stored))
			}
		}
	}
	for i, p := range batch {
		p.done <- errs[i]
	}
}

// FindResponseDigest implements chorus.ResponseStore.
func (s *ResponseStore) FindResponseDigest(ctx context.Context, submissionID string) (string, error) {
	var doc struct {
		Digest string `bson:"digest"`
	}
	err := s.coll.FindOne(ctx, bson.D{{Key: "submission_id", Value: submissionID}},
		options.FindOne().SetProjection(bson.D{{Key: "digest", Value: 1}})).Decode(&doc)
	if err != nil {
		return "", translate("find response", err)
	}
	return doc.Digest, nil
}

// CountResponses returns how many responses a survey has ("" for all surveys).
func (s *ResponseStore) CountResponses(ctx context.Context, survey string) (int64, error) {
	filter := bson.D{}
	if survey != "" {
		filter = bson.D{{Key: "survey", Value: survey}}
	}
	n, err := s.coll.CountDocuments(ctx, filter)
	return n, translate("count responses", err)
}

// EachResponse streams a survey's responses in storage order ("" for all surveys).
func (s *ResponseStore) EachResponse(ctx context.Context, survey string, fn func(*chorus.Response) error) error {
	filter := bson.D{}
	if survey != "" {
		filter = bson.D{{Key: "survey", Value: survey}}
	}
	cur, err := s.coll.Find(ctx, filter, options.Find().SetBatchSize(1000))
	if err != nil {
		return translate("find responses", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d responseDoc
		if err := cur.Decode(&d); err != nil {
			return fmt.Errorf("decode response: %w", err)
		}
		if err := fn(fromResponseDoc(&d)); err != nil {
			return err
		}
	}
	return translate("read responses", cur.Err())
}
