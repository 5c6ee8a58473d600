package mongodb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"

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
	Level        string              `bson:"level,omitempty"`
	Digest       string              `bson:"digest"`
	// GroupSession is the access code's group session; absent for open surveys and
	// for responses stored before codes existed.
	GroupSession string `bson:"group_session,omitempty"`
}

func toResponseDoc(r *chorus.Response) *responseDoc {
	return &responseDoc{
		SubmissionID: r.SubmissionID, Survey: r.Survey, Version: r.Version, Lang: r.Lang,
		Revision: r.Revision, Day: r.Day, Answers: r.Answers, Themes: r.Themes, Flags: r.Flags,
		Risky: r.Risky, Level: r.Level, Digest: r.Digest, GroupSession: r.GroupSession,
	}
}

// responseInsert is a response as inserted: its _id is the submission id, so that the
// _id index, the one unique index every store checks on insert, refuses a second copy;
// on MongoDB it also makes FindResponseDigest an index lookup. (Responses stored before
// this have an ObjectID _id, so reads decode responseDoc, which has no _id.)
type responseInsert struct {
	ID  string       `bson:"_id"`
	Doc *responseDoc `bson:",inline"` // named: the driver skips unexported embedded fields
}

func toResponseInsert(r *chorus.Response) *responseInsert {
	return &responseInsert{ID: r.SubmissionID, Doc: toResponseDoc(r)}
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
		Risky: d.Risky, Level: d.Level, Digest: d.Digest, GroupSession: d.GroupSession,
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
//
// The writer keeps the store's cost per response low and its behaviour bounded:
//   - a response's _id is its submission id, so the unique _id index makes a repeat
//     fail to insert instead of being stored twice;
//   - the writer never reads the store: FerretDB v1 on SQLite answers every find,
//     even by _id, by reading the whole collection (its _id lookup does not match the
//     expression of its _id index), which at a million responses takes tens of seconds;
//   - the digests of the submissions stored most recently are kept in memory, so a
//     repeat of one of them (a double tap, a retry after a dropped signal) is settled
//     without the store: it never goes into the InsertMany (FerretDB inserts in
//     transactions of 100, and one duplicate makes it retry those 100 one at a time),
//     and FindResponseDigest answers it from memory;
//   - a caller that has given up (its deadline passed while queued) is dropped before
//     the write: it was not acknowledged, so not storing it is correct;
//   - when a batch fails because the store is unreachable, new submissions are answered
//     EUNAVAILABLE at once until a ping succeeds, instead of each waiting out its
//     deadline in the queue.
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

	recent  *digestMemory
	down    atomic.Bool // the last batch could not reach the store
	probing atomic.Bool
	quit    chan struct{}
}

type pendingWrite struct {
	ctx  context.Context
	r    *chorus.Response
	done chan error
}

// NewResponseStore starts the writer. Close stops it after draining the queue.
// maxBatch bounds one InsertMany (default 500); queueSize bounds the submissions
// waiting for the writer (default 4096); a full queue answers EUNAVAILABLE.
func (d *DB) NewResponseStore(maxBatch, queueSize int) *ResponseStore {
	if maxBatch <= 0 {
		maxBatch = 500
	}
	if queueSize <= 0 {
		queueSize = 4096
	}
	s := &ResponseStore{
		coll: d.db.Collection("responses"), log: d.log, maxSize: maxBatch,
		queue: make(chan *pendingWrite, queueSize), stopped: make(chan struct{}),
		quit: make(chan struct{}), recent: newDigestMemory(recentDigests),
	}
	go s.run()
	return s
}

// InsertResponse implements chorus.ResponseStore.
func (s *ResponseStore) InsertResponse(ctx context.Context, r *chorus.Response) error {
	if s.down.Load() {
		return chorus.Errorf(chorus.EUNAVAILABLE, "We can't save answers just now. Please try again in a moment.")
	}
	p := &pendingWrite{ctx: ctx, r: r, done: make(chan error, 1)}
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
		close(s.quit)
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
		// Whatever has queued while the last batch was written goes into the next:
		// batches grow with the load, and a lone submission does not wait at all.
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
func (s *ResponseStore) write(all []*pendingWrite) {
	// Callers whose deadline has passed have been answered 503 already.
	batch := all[:0:0]
	for _, p := range all {
		if err := p.ctx.Err(); err != nil {
			p.done <- err
			continue
		}
		batch = append(batch, p)
	}
	if len(batch) == 0 {
		return
	}
	if s.down.Load() {
		err := chorus.Errorf(chorus.EUNAVAILABLE, "We can't save answers just now. Please try again in a moment.")
		for _, p := range batch {
			p.done <- err
		}
		return
	}
	ctx, cancel := context.WithDeadline(context.Background(), writeDeadline(batch))
	defer cancel()

	errs := make([]error, len(batch))
	// Ids stored before (probably) and second copies within the batch are settled
	// one by one; the rest go into one InsertMany.
	first := make(map[string]int, len(batch))
	later := map[int]int{} // index → index of the first copy of its id
	var fresh []int
	for i, p := range batch {
		id := p.r.SubmissionID
		if j, ok := first[id]; ok {
			later[i] = j
			continue
		}
		first[id] = i
		if _, ok := s.recent.get(id); ok {
			errs[i] = chorus.Errorf(chorus.ECONFLICT, "This submission was already stored.")
			continue
		}
		fresh = append(fresh, i)
	}
	if len(fresh) > 0 {
		docs := make([]any, len(fresh))
		for k, i := range fresh {
			docs[k] = toResponseInsert(batch[i].r)
		}
		_, err := s.coll.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
		var bwe mongo.BulkWriteException
		switch {
		case err == nil:
		case errors.As(err, &bwe) && bwe.WriteConcernError == nil:
			for _, we := range bwe.WriteErrors {
				if we.Index < 0 || we.Index >= len(fresh) {
					continue
				}
				if mongo.IsDuplicateKeyError(we) {
					errs[fresh[we.Index]] = chorus.Errorf(chorus.ECONFLICT, "This submission was already stored.")
				} else {
					errs[fresh[we.Index]] = translate("insert response", we)
				}
			}
		default:
			// Unknown outcome for the whole batch: nobody is acknowledged. Retries with
			// the same submission ids are safe.
			e := translate("insert responses", err)
			if chorus.ErrorCode(e) == chorus.EINTERNAL {
				e = chorus.Wrap(chorus.EUNAVAILABLE, err, "The store could not take your answers. Please try again.")
			}
			for _, i := range fresh {
				errs[i] = e
			}
			s.markDown(err)
		}
	}
	for i, j := range later {
		switch chorus.ErrorCode(errs[j]) {
		case "", chorus.ECONFLICT:
			// Stored, by the first copy or before: the intake compares digests.
			errs[i] = chorus.Errorf(chorus.ECONFLICT, "This submission was already stored.")
		default:
			errs[i] = errs[j]
		}
	}
	for _, i := range fresh {
		if errs[i] == nil {
			s.recent.add(batch[i].r.SubmissionID, batch[i].r.Digest)
		}
	}
	if s.OnBatch != nil {
		var stored []*chorus.Response
		for i, p := range batch {
			if _, dup := later[i]; !dup && errs[i] == nil {
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

// writeDeadline bounds a batch's write by the latest deadline among its callers (none
// of the others can be acknowledged after that), but gives the store at least 5 s so
// a slow moment is not mistaken for an outage, and at most 20 s.
func writeDeadline(batch []*pendingWrite) time.Time {
	now := time.Now()
	latest, most := now.Add(5*time.Second), now.Add(20*time.Second)
	for _, p := range batch {
		d, ok := p.ctx.Deadline()
		if !ok {
			return most
		}
		if d.After(latest) {
			latest = d
		}
	}
	if latest.After(most) {
		return most
	}
	return latest
}

// markDown makes new submissions fail fast until the store answers a ping again.
func (s *ResponseStore) markDown(err error) {
	if chorus.ErrorCode(translate("", err)) != chorus.EUNAVAILABLE {
		return
	}
	s.down.Store(true)
	if !s.probing.CompareAndSwap(false, true) {
		return
	}
	s.log.Warn("store unavailable; answering submissions 503 until it answers again", "err", err)
	go func() {
		for {
			select {
			case <-s.quit:
				s.probing.Store(false)
				s.down.Store(false)
				return
			case <-time.After(250 * time.Millisecond):
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			err := s.coll.Database().Client().Ping(ctx, readpref.Primary())
			cancel()
			if err == nil {
				// In this order, a failure noted meanwhile always has a probe.
				s.probing.Store(false)
				s.down.Store(false)
				s.log.Info("store answers again; taking submissions")
				return
			}
		}
	}()
}

// FindResponseDigest implements chorus.ResponseStore.
func (s *ResponseStore) FindResponseDigest(ctx context.Context, submissionID string) (string, error) {
	if d, ok := s.recent.get(submissionID); ok {
		return d, nil
	}
	var doc struct {
		Digest string `bson:"digest"`
	}
	proj := options.FindOne().SetProjection(bson.D{{Key: "digest", Value: 1}})
	err := s.coll.FindOne(ctx, bson.D{{Key: "_id", Value: submissionID}}, proj).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		// Responses stored before _id was the submission id.
		err = s.coll.FindOne(ctx, bson.D{{Key: "submission_id", Value: submissionID}}, proj).Decode(&doc)
	}
	if err != nil {
		return "", translate("find response", err)
	}
	return doc.Digest, nil
}

// recentDigests is how many stored submissions' digests each generation of the
// ResponseStore's memory holds: at least the last 100,000 (about 15 MB in all), which is
// about half a minute at the busiest and days at an ordinary pace.
const recentDigests = 100_000

// digestMemory maps the submission ids stored most recently to their digests, in two
// generations of up to max entries: when the newer is full, the older is dropped. It is
// safe for concurrent use.
type digestMemory struct {
	mu  sync.Mutex
	gen [2]map[string]string
	cur int
	max int
}

func newDigestMemory(max int) *digestMemory {
	return &digestMemory{gen: [2]map[string]string{{}, {}}, max: max}
}

func (m *digestMemory) add(id, digest string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.gen[m.cur]) >= m.max {
		m.cur ^= 1
		m.gen[m.cur] = make(map[string]string, m.max)
	}
	m.gen[m.cur][id] = digest
}

func (m *digestMemory) get(id string) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, g := range m.gen {
		if d, ok := g[id]; ok {
			return d, true
		}
	}
	return "", false
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
	return eachResponse(ctx, s.coll, survey, fn)
}

func eachResponse(ctx context.Context, coll *mongo.Collection, survey string, fn func(*chorus.Response) error) error {
	filter := bson.D{}
	if survey != "" {
		filter = bson.D{{Key: "survey", Value: survey}}
	}
	return eachResponseWhere(ctx, coll, filter, options.Find().SetBatchSize(1000), fn)
}

// eachResponseWhere streams the responses matching filter.
func eachResponseWhere(ctx context.Context, coll *mongo.Collection, filter bson.D, opts *options.FindOptionsBuilder, fn func(*chorus.Response) error) error {
	cur, err := coll.Find(ctx, filter, opts)
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
