package mongodb

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"slices"
	"sort"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/results"
)

func init() {
	registerIndexes("aggregate_deltas",
		mongo.IndexModel{Keys: bson.D{{Key: "survey", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("survey_id")},
		mongo.IndexModel{Keys: bson.D{{Key: "day", Value: 1}}, Options: options.Index().SetName("day")})
}

// layout is the version of the stored format of deltas and snapshots. A document of
// another layout is ignored and its survey rebuilt from the responses.
const layout = 2

// Aggregates keeps every survey's results cube (see the results package) in memory and in
// the store, so that results at a million responses come back in milliseconds and the
// counts never slow down taking responses.
//
// How the counts are kept:
//   - OnBatch (set it as ResponseStore.OnBatch) turns each stored batch into one delta
//     document per survey in aggregate_deltas — one insert per batch, never one per
//     response — and adds it to the in-memory cube.
//   - Start loads each survey's cube (its snapshot plus the deltas the snapshot does not
//     cover), checks it against the number of stored responses and rebuilds any that
//     disagree (a crash between storing responses and their delta), then every PollEvery
//     reads the deltas other instances wrote, so that every instance agrees within
//     seconds. Deltas are read by _id with a look-back window, and deduplicated, since
//     ObjectIds from several machines are only roughly in time order.
//   - Compaction folds deltas into the survey's snapshot document in aggregate_snapshots
//     without transactions: write the snapshot listing the delta ids it covers (a
//     conditional replace on its generation, so two compactions cannot both win), then
//     delete those deltas; a loader ignores deltas a snapshot covers, and the next
//     compaction deletes any that a crash left behind. Instances that see a snapshot's
//     generation change reload that survey.
//   - Rebuild recounts a survey from its stored responses and replaces its snapshot.
//     Within one instance it is exact even while responses arrive: batches that land
//     during the recount are kept aside and added unless the recount already saw them.
//     With several instances, a batch that another instance stores during a rebuild may
//     be missed until the next check: when an instance has been quiet for a while it
//     compares each cube with the number of stored responses and rebuilds any that
//     differ. Run rebuilds when traffic is low.
type Aggregates struct {
	deltas    *mongo.Collection
	snapshots *mongo.Collection
	locks     *mongo.Collection
	responses *mongo.Collection
	log       *slog.Logger
	db        *DB

	// Surveys finds survey definitions; responses to unknown surveys are not counted.
	Surveys chorus.SurveyService
	// Mapping returns a survey's dimension questions; nil means results.DefaultMapping.
	Mapping func(survey string) results.Mapping
	// ThemesOf overrides the themes counted for a response (reviewed tags); nil counts
	// Response.Themes.
	ThemesOf results.ThemesFunc
	// PollEvery, CompactEvery, QuietFor and Lookback tune the background work; zero
	// values mean 2s, 5m, 1m and 2m.
	PollEvery, CompactEvery, QuietFor, Lookback time.Duration
	// MaxStale lets readers have counts up to this old, so that while responses stream
	// in the published tables are worked out at most this often rather than after every
	// batch; 0 means always the latest.
	MaxStale time.Duration

	// batchMu serialises writers of deltas (OnBatch, Retag) with loads and the end of a
	// rebuild, so that no batch falls between a load and the cube it loads.
	batchMu sync.Mutex

	mu         sync.Mutex // guards the fields below
	loaded     bool
	cubes      map[string]*results.Cube
	readers    map[string]*results.Cube // clones for readers
	readAt     map[string]time.Time     // when each clone was taken
	stale      map[string]bool          // counts changed since the clone
	gens       map[string]int64         // snapshot generation each cube was loaded from
	applied    map[bson.ObjectID]bool   // deltas in the cubes, for de-duplication
	rebuilding map[string]*rebuild
	dirty      map[string]bool // needs a rebuild
	lastPoll   time.Time
	lastWrite  time.Time // last time deltas were written or read: a quiet store is checked
	mismatch   map[string]int64

	stop    context.CancelFunc
	stopped chan struct{}
}

// rebuild is a rebuild in progress: the responses of batches stored meanwhile.
type rebuild struct {
	batch []*chorus.Response
}

func idHash(id string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64()
}

// NewAggregates returns the aggregates kept in db. Call Start to load them.
func (d *DB) NewAggregates(surveys chorus.SurveyService) *Aggregates {
	return &Aggregates{
		deltas: d.db.Collection("aggregate_deltas"), snapshots: d.db.Collection("aggregate_snapshots"),
		locks: d.db.Collection("aggregate_locks"), responses: d.db.Collection("responses"),
		log: d.log, db: d, Surveys: surveys,
		cubes: map[string]*results.Cube{}, readers: map[string]*results.Cube{}, gens: map[string]int64{},
		readAt: map[string]time.Time{}, stale: map[string]bool{},
		applied: map[bson.ObjectID]bool{}, rebuilding: map[string]*rebuild{}, dirty: map[string]bool{},
		mismatch: map[string]int64{},
	}
}

var _ results.Store = (*Aggregates)(nil)

// deltaDoc is one batch's counts for one survey. Cells are packed (results.PackCells):
// keys and slot names are dictionaries, data a run of varints.
type deltaDoc struct {
	ID     bson.ObjectID `bson:"_id"`
	Survey string        `bson:"survey"`
	Layout int           `bson:"layout"`
	N      int64         `bson:"n"`
	Slots  []string      `bson:"slots"`
	Keys   []string      `bson:"keys"`
	Data   []byte        `bson:"data"`
	// Day is the UTC day it was written: the poll reads deltas by it (random ids do
	// not sort by time).
	Day string `bson:"day"`
}

// snapshotDoc is a survey's counts up to the deltas it covers.
type snapshotDoc struct {
	Survey string          `bson:"_id"`
	Gen    int64           `bson:"gen"`
	Layout int             `bson:"layout"`
	N      int64           `bson:"n"`
	Covers []bson.ObjectID `bson:"covers"`
	Slots  []string        `bson:"slots"`
	Keys   []string        `bson:"keys"`
	Data   []byte          `bson:"data"`
	At     time.Time       `bson:"at"`
}

func (a *Aggregates) mapping(survey string) results.Mapping {
	if a.Mapping == nil {
		return results.DefaultMapping
	}
	return a.Mapping(survey)
}

func (a *Aggregates) every(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// deltasOf turns responses into one delta per survey, with sign +1 or -1.
func (a *Aggregates) deltasOf(ctx context.Context, rs []*chorus.Response, sign int64, out map[string]*results.Delta) {
	for _, r := range rs {
		s, err := a.Surveys.FindSurvey(ctx, r.Survey)
		if err != nil {
			continue // no survey file any more: nothing to count it by
		}
		d := out[r.Survey]
		if d == nil {
			d = results.NewDelta(r.Survey)
			out[r.Survey] = d
		}
		d.Add(s, a.mapping(r.Survey), r, sign, a.ThemesOf)
	}
}

// OnBatch counts a batch of newly stored responses: one delta document per survey.
// It fits ResponseStore.OnBatch. If a delta cannot be stored, the survey is rebuilt later.
func (a *Aggregates) OnBatch(ctx context.Context, stored []*chorus.Response) error {
	deltas := map[string]*results.Delta{}
	a.deltasOf(ctx, stored, 1, deltas)
	a.batchMu.Lock()
	defer a.batchMu.Unlock()
	a.mu.Lock()
	for _, r := range stored {
		if rb := a.rebuilding[r.Survey]; rb != nil {
			rb.batch = append(rb.batch, r)
		}
	}
	a.mu.Unlock()
	return a.write(ctx, deltas)
}

// Retag recounts one stored response whose themes changed: it takes out before and adds
// after (the same response, with its old and new tags) in one delta. The caller updates
// the stored response first. This is the hook for reviewed tags.
func (a *Aggregates) Retag(ctx context.Context, before, after *chorus.Response) error {
	deltas := map[string]*results.Delta{}
	a.deltasOf(ctx, []*chorus.Response{before}, -1, deltas)
	a.deltasOf(ctx, []*chorus.Response{after}, 1, deltas)
	a.batchMu.Lock()
	defer a.batchMu.Unlock()
	a.mu.Lock()
	if a.rebuilding[after.Survey] != nil {
		// The recount may have read either version: count it again afterwards.
		a.dirty[after.Survey] = true
	}
	a.mu.Unlock()
	return a.write(ctx, deltas)
}

// Forget takes responses about to be deleted (retention) out of the counts. It fits
// Retention.Forget.
func (a *Aggregates) Forget(ctx context.Context, gone []*chorus.Response) error {
	deltas := map[string]*results.Delta{}
	a.deltasOf(ctx, gone, -1, deltas)
	a.batchMu.Lock()
	defer a.batchMu.Unlock()
	a.mu.Lock()
	for _, r := range gone {
		if a.rebuilding[r.Survey] != nil {
			a.dirty[r.Survey] = true // the recount may have read them: count again
		}
	}
	a.mu.Unlock()
	return a.write(ctx, deltas)
}

// write stores deltas and adds them to the cubes. The caller holds batchMu.
func (a *Aggregates) write(ctx context.Context, deltas map[string]*results.Delta) error {
	var errs []error
	for survey, d := range deltas {
		if d.Empty() {
			continue
		}
		slots, cells := d.Encode()
		keys, data := results.PackCells(cells)
		now := time.Now()
		doc := &deltaDoc{ID: dayID(now), Survey: survey, Layout: layout, N: d.Responses(),
			Slots: slots, Keys: keys, Data: data, Day: day(now).Format(time.DateOnly)}
		// Mark it applied first, so that a poll that reads it back does not add it twice.
		a.mu.Lock()
		a.applied[doc.ID] = true
		a.mu.Unlock()
		if _, err := a.deltas.InsertOne(ctx, doc); err != nil {
			a.mu.Lock()
			delete(a.applied, doc.ID)
			a.dirty[survey] = true
			a.mu.Unlock()
			errs = append(errs, translate("insert aggregate delta", err))
			continue
		}
		a.mu.Lock()
		if a.loaded {
			a.cube(survey).Merge(d)
			a.stale[survey] = true
		}
		a.lastWrite = time.Now()
		a.mu.Unlock()
	}
	return errors.Join(errs...)
}

// cube returns the survey's cube, creating it. The caller holds mu.
func (a *Aggregates) cube(survey string) *results.Cube {
	c := a.cubes[survey]
	if c == nil {
		c = results.NewCube(survey)
		a.cubes[survey] = c
	}
	return c
}

// Snapshot implements results.Store. It returns EUNAVAILABLE until the cubes are loaded.
func (a *Aggregates) Snapshot(_ context.Context, survey string) (*results.Cube, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.loaded {
		return nil, chorus.Errorf(chorus.EUNAVAILABLE, "Results are still loading. Please try again in a moment.")
	}
	if c := a.readers[survey]; c != nil && (!a.stale[survey] || time.Since(a.readAt[survey]) < a.MaxStale) {
		return c, nil
	}
	c := a.cube(survey).Clone()
	a.readers[survey], a.readAt[survey], a.stale[survey] = c, time.Now(), false
	return c, nil
}

// Load reads every survey's cube from the store. Start calls it; tests call it to
// simulate a restart.
func (a *Aggregates) Load(ctx context.Context) error {
	a.batchMu.Lock()
	defer a.batchMu.Unlock()
	cubes, gens, applied, err := a.read(ctx, "")
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.cubes, a.gens, a.applied = cubes, gens, applied
	a.readers, a.stale = map[string]*results.Cube{}, map[string]bool{}
	a.loaded = true
	a.lastPoll = time.Now()
	return nil
}

// reload reads one survey's cube again (its snapshot changed).
func (a *Aggregates) reload(ctx context.Context, survey string) error {
	a.batchMu.Lock()
	defer a.batchMu.Unlock()
	cubes, gens, applied, err := a.read(ctx, survey)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if c := cubes[survey]; c != nil {
		a.cubes[survey] = c
	} else {
		a.cubes[survey] = results.NewCube(survey)
	}
	a.gens[survey] = gens[survey]
	for id := range applied {
		a.applied[id] = true
	}
	a.stale[survey] = true
	return nil
}

// read loads cubes (one survey, or all for ""): snapshots plus uncovered deltas. It
// returns the ids of every delta it counted or found covered.
func (a *Aggregates) read(ctx context.Context, survey string) (map[string]*results.Cube, map[string]int64, map[bson.ObjectID]bool, error) {
	cubes := map[string]*results.Cube{}
	gens := map[string]int64{}
	applied := map[bson.ObjectID]bool{}
	filter := bson.D{}
	if survey != "" {
		filter = bson.D{{Key: "_id", Value: survey}}
	}
	cur, err := a.snapshots.Find(ctx, filter)
	if err != nil {
		return nil, nil, nil, translate("find aggregate snapshots", err)
	}
	for cur.Next(ctx) {
		var doc snapshotDoc
		if err := cur.Decode(&doc); err != nil {
			_ = cur.Close(ctx)
			return nil, nil, nil, fmt.Errorf("decode aggregate snapshot: %w", err)
		}
		gens[doc.Survey] = doc.Gen
		for _, id := range doc.Covers {
			applied[id] = true
		}
		c, err := decodeCube(&doc)
		if err != nil {
			a.log.Warn("aggregate snapshot unreadable; the survey will be rebuilt", "survey", doc.Survey, "err", err)
			a.mu.Lock()
			a.dirty[doc.Survey] = true
			a.mu.Unlock()
			c = results.NewCube(doc.Survey)
		}
		cubes[doc.Survey] = c
	}
	if err := cur.Err(); err != nil {
		_ = cur.Close(ctx)
		return nil, nil, nil, translate("read aggregate snapshots", err)
	}
	_ = cur.Close(ctx)

	filter = bson.D{}
	if survey != "" {
		filter = bson.D{{Key: "survey", Value: survey}}
	}
	cur, err = a.deltas.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetBatchSize(200))
	if err != nil {
		return nil, nil, nil, translate("find aggregate deltas", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var doc deltaDoc
		if err := cur.Decode(&doc); err != nil {
			return nil, nil, nil, fmt.Errorf("decode aggregate delta: %w", err)
		}
		if applied[doc.ID] {
			continue
		}
		applied[doc.ID] = true
		d, err := a.decode(&doc)
		if err != nil {
			continue
		}
		c := cubes[doc.Survey]
		if c == nil {
			c = results.NewCube(doc.Survey)
			cubes[doc.Survey] = c
		}
		c.Merge(d)
	}
	return cubes, gens, applied, translate("read aggregate deltas", cur.Err())
}

// decodeCube reads a snapshot's cube.
func decodeCube(doc *snapshotDoc) (*results.Cube, error) {
	if doc.Layout != layout {
		return nil, fmt.Errorf("layout %d", doc.Layout)
	}
	cells, err := results.UnpackCells(doc.Keys, doc.Data)
	if err != nil {
		return nil, err
	}
	return results.DecodeCube(doc.Survey, doc.Slots, cells)
}

func (a *Aggregates) decode(doc *deltaDoc) (*results.Delta, error) {
	var d *results.Delta
	err := fmt.Errorf("layout %d", doc.Layout)
	if doc.Layout == layout {
		var cells []results.EncodedCell
		if cells, err = results.UnpackCells(doc.Keys, doc.Data); err == nil {
			d, err = results.DecodeDelta(doc.Survey, doc.Slots, cells)
		}
	}
	if err != nil {
		a.log.Warn("aggregate delta unreadable; the survey will be rebuilt", "survey", doc.Survey, "err", err)
		a.mu.Lock()
		a.dirty[doc.Survey] = true
		a.mu.Unlock()
	}
	return d, err
}

// Poll reads the snapshots' generations and the deltas written since the last poll
// (less the look-back window) and adds those not yet counted. Start calls it every
// PollEvery.
func (a *Aggregates) Poll(ctx context.Context) error {
	a.mu.Lock()
	if !a.loaded {
		a.mu.Unlock()
		return nil
	}
	// Deltas carry only their day: read those of the days back to the look-back.
	since := day(a.lastPoll.Add(-a.every(a.Lookback, 2*time.Minute)))
	gens := make(map[string]int64, len(a.gens))
	for s, g := range a.gens {
		gens[s] = g
	}
	a.mu.Unlock()
	started := time.Now()

	cur, err := a.snapshots.Find(ctx, bson.D{}, options.Find().SetProjection(bson.D{{Key: "gen", Value: 1}}))
	if err != nil {
		return translate("find aggregate snapshots", err)
	}
	var heads []struct {
		Survey string `bson:"_id"`
		Gen    int64  `bson:"gen"`
	}
	if err := cur.All(ctx, &heads); err != nil {
		return translate("read aggregate snapshots", err)
	}
	for _, h := range heads {
		if gens[h.Survey] != h.Gen {
			if err := a.reload(ctx, h.Survey); err != nil {
				return err
			}
		}
	}

	if a.db.Embedded() {
		// No other instance writes to a store that lives inside this process, so there
		// are no deltas of theirs to read; on FerretDB that read scans and sorts every
		// delta not yet compacted, and at a few thousand responses a second it cost
		// more than storing them. Snapshot generations are still read (above), so a
		// rebuild by the command line is seen.
		return nil
	}
	cur, err = a.deltas.Find(ctx, bson.D{{Key: "day", Value: bson.D{{Key: "$gte", Value: since.Format(time.DateOnly)}}}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetBatchSize(200))
	if err != nil {
		return translate("find aggregate deltas", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var doc deltaDoc
		if err := cur.Decode(&doc); err != nil {
			return fmt.Errorf("decode aggregate delta: %w", err)
		}
		a.mu.Lock()
		seen := a.applied[doc.ID]
		a.mu.Unlock()
		if seen {
			continue
		}
		d, err := a.decode(&doc)
		a.mu.Lock()
		a.applied[doc.ID] = true
		if err == nil {
			a.cube(doc.Survey).Merge(d)
			a.stale[doc.Survey] = true
			a.lastWrite = time.Now()
		}
		a.mu.Unlock()
	}
	if err := cur.Err(); err != nil {
		return translate("read aggregate deltas", err)
	}
	a.mu.Lock()
	a.lastPoll = started
	// Forget deltas that no poll can return any more.
	horizon := started.Add(-2*a.every(a.Lookback, 2*time.Minute) - time.Minute)
	for id := range a.applied {
		if id.Timestamp().Before(day(horizon)) {
			delete(a.applied, id)
		}
	}
	a.mu.Unlock()
	return nil
}

// Compact folds a survey's deltas into its snapshot ("" for every survey with deltas).
// It is safe to run on several instances at once.
func (a *Aggregates) Compact(ctx context.Context, survey string) error {
	surveys := []string{survey}
	if survey == "" {
		var err error
		if surveys, err = a.distinct(ctx, a.deltas, "survey"); err != nil {
			return err
		}
	}
	var errs []error
	for _, s := range surveys {
		if err := a.compact(ctx, s); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (a *Aggregates) distinct(ctx context.Context, coll *mongo.Collection, field string) ([]string, error) {
	// FerretDB v1 refuses the maxTimeMS the driver adds to distinct under a deadline.
	res := coll.Distinct(context.WithoutCancel(ctx), field, bson.D{})
	if err := res.Err(); err != nil {
		return nil, translate("distinct "+field, err)
	}
	var out []string
	if err := res.Decode(&out); err != nil {
		return nil, fmt.Errorf("decode distinct %s: %w", field, err)
	}
	return out, nil
}

// lease takes a lock document for d, reporting whether this caller got it.
func (a *Aggregates) lease(ctx context.Context, name string, d time.Duration) (bool, func(), error) {
	return takeLease(ctx, a.locks, name, d)
}

func (a *Aggregates) compact(ctx context.Context, survey string) error {
	ok, release, err := a.lease(ctx, "compact:"+survey, time.Minute)
	if err != nil || !ok {
		return err
	}
	defer release()
	var head snapshotDoc
	err = a.snapshots.FindOne(ctx, bson.D{{Key: "_id", Value: survey}}).Decode(&head)
	found := err == nil
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return translate("find aggregate snapshot", err)
	}
	if found && head.Layout != layout {
		return nil // a rebuild will replace it
	}
	// Finish a compaction that stopped between writing the snapshot and deleting.
	covers := head.Covers
	if len(covers) > 0 {
		if _, err := a.deltas.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: covers}}}}); err != nil {
			return translate("delete covered aggregate deltas", err)
		}
		covers = nil
	}
	c := results.NewCube(survey)
	if found {
		s, err := decodeCube(&head)
		if err != nil {
			return nil // a rebuild will replace it
		}
		c = s
	}
	cur, err := a.deltas.Find(ctx, bson.D{{Key: "survey", Value: survey}}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetBatchSize(200))
	if err != nil {
		return translate("find aggregate deltas", err)
	}
	var ids []bson.ObjectID
	for cur.Next(ctx) {
		var doc deltaDoc
		if err := cur.Decode(&doc); err != nil {
			_ = cur.Close(ctx)
			return fmt.Errorf("decode aggregate delta: %w", err)
		}
		d, err := a.decode(&doc)
		if err != nil {
			continue // left alone; the survey is marked for rebuilding
		}
		c.Merge(d)
		ids = append(ids, doc.ID)
	}
	err = cur.Err()
	_ = cur.Close(ctx)
	if err != nil {
		return translate("read aggregate deltas", err)
	}
	if len(ids) == 0 {
		return nil
	}
	if err := a.writeSnapshot(ctx, c, head.Gen, found, append(covers, ids...)); err != nil {
		return err
	}
	_, err = a.deltas.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	return translate("delete compacted aggregate deltas", err)
}

// errStale means the snapshot changed under a compaction; it gives up.
var errStale = errors.New("aggregate snapshot changed")

// writeSnapshot replaces a survey's snapshot if it is still at generation gen (or, with
// exists false, if there is none); gen < 0 replaces whatever is there.
func (a *Aggregates) writeSnapshot(ctx context.Context, c *results.Cube, gen int64, exists bool, covers []bson.ObjectID) error {
	slots, cells := c.Encode()
	keys, data := results.PackCells(cells)
	doc := &snapshotDoc{Survey: c.Survey(), Gen: max(gen, 0) + 1, Layout: layout, N: c.Responses(), Covers: covers,
		Slots: slots, Keys: keys, Data: data, At: day(time.Now())}
	if doc.Covers == nil {
		doc.Covers = []bson.ObjectID{}
	}
	switch {
	case gen < 0:
		var cur struct {
			Gen int64 `bson:"gen"`
		}
		err := a.snapshots.FindOne(ctx, bson.D{{Key: "_id", Value: c.Survey()}}).Decode(&cur)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return translate("find aggregate snapshot", err)
		}
		doc.Gen = cur.Gen + 1
		_, err = a.snapshots.ReplaceOne(ctx, bson.D{{Key: "_id", Value: c.Survey()}}, doc, options.Replace().SetUpsert(true))
		return translate("replace aggregate snapshot", err)
	case !exists:
		_, err := a.snapshots.InsertOne(ctx, doc)
		if mongo.IsDuplicateKeyError(err) {
			return errStale
		}
		return translate("insert aggregate snapshot", err)
	}
	res, err := a.snapshots.ReplaceOne(ctx, bson.D{{Key: "_id", Value: c.Survey()}, {Key: "gen", Value: gen}}, doc)
	if err != nil {
		return translate("replace aggregate snapshot", err)
	}
	if res.MatchedCount == 0 {
		return errStale
	}
	return nil
}

// Rebuild implements results.Store: it recounts a survey ("" for every survey with
// responses or counts) from its stored responses and replaces its counts.
func (a *Aggregates) Rebuild(ctx context.Context, survey string) error {
	surveys := []string{survey}
	if survey == "" {
		got, err := a.distinct(ctx, a.responses, "survey")
		if err != nil {
			return err
		}
		a.mu.Lock()
		for s := range a.cubes {
			if !slices.Contains(got, s) {
				got = append(got, s)
			}
		}
		a.mu.Unlock()
		sort.Strings(got)
		surveys = got
	}
	var errs []error
	for _, s := range surveys {
		if err := a.rebuild(ctx, s); err != nil {
			errs = append(errs, fmt.Errorf("rebuild %s: %w", s, err))
		}
	}
	return errors.Join(errs...)
}

func (a *Aggregates) rebuild(ctx context.Context, survey string) error {
	a.batchMu.Lock()
	a.mu.Lock()
	if a.rebuilding[survey] != nil {
		a.mu.Unlock()
		a.batchMu.Unlock()
		return chorus.Errorf(chorus.ECONFLICT, "A rebuild of this survey is already running.")
	}
	rb := &rebuild{}
	a.rebuilding[survey] = rb
	delete(a.dirty, survey)
	a.mu.Unlock()
	a.batchMu.Unlock()
	defer func() {
		a.mu.Lock()
		delete(a.rebuilding, survey)
		a.mu.Unlock()
	}()

	sv, err := a.Surveys.FindSurvey(ctx, survey)
	if err != nil && chorus.ErrorCode(err) != chorus.ENOTFOUND {
		return err
	}
	c := results.NewCube(survey)
	// Hashes of the submission ids the recount saw, so that a batch stored during the
	// recount is counted once whether or not the recount read it.
	var seen []uint64
	if sv != nil {
		cur, err := a.responses.Find(ctx, bson.D{{Key: "survey", Value: survey}}, options.Find().SetBatchSize(1000))
		if err != nil {
			return translate("find responses", err)
		}
		m := a.mapping(survey)
		d := results.NewDelta(survey)
		n := 0
		for cur.Next(ctx) {
			var doc responseDoc
			if err := cur.Decode(&doc); err != nil {
				_ = cur.Close(ctx)
				return fmt.Errorf("decode response: %w", err)
			}
			r := fromResponseDoc(&doc)
			seen = append(seen, idHash(r.SubmissionID))
			d.Add(sv, m, r, 1, a.ThemesOf)
			if n++; n%5000 == 0 {
				c.Merge(d)
				d = results.NewDelta(survey)
			}
		}
		err = cur.Err()
		_ = cur.Close(ctx)
		if err != nil {
			return translate("read responses", err)
		}
		c.Merge(d)
	}
	slices.Sort(seen)

	// Swap, with batches held back.
	a.batchMu.Lock()
	defer a.batchMu.Unlock()
	a.mu.Lock()
	late := rb.batch
	a.mu.Unlock()
	if sv != nil {
		d := results.NewDelta(survey)
		for _, r := range late {
			if _, found := slices.BinarySearch(seen, idHash(r.SubmissionID)); !found {
				d.Add(sv, a.mapping(survey), r, 1, a.ThemesOf)
			}
		}
		c.Merge(d)
	}
	cur, err := a.deltas.Find(ctx, bson.D{{Key: "survey", Value: survey}}, options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return translate("find aggregate deltas", err)
	}
	var ids []struct {
		ID bson.ObjectID `bson:"_id"`
	}
	if err := cur.All(ctx, &ids); err != nil {
		return translate("read aggregate deltas", err)
	}
	covers := make([]bson.ObjectID, len(ids))
	for i, x := range ids {
		covers[i] = x.ID
	}
	if err := a.writeSnapshot(ctx, c, -1, true, covers); err != nil {
		return err
	}
	var head struct {
		Gen int64 `bson:"gen"`
	}
	if err := a.snapshots.FindOne(ctx, bson.D{{Key: "_id", Value: survey}}).Decode(&head); err != nil {
		return translate("find aggregate snapshot", err)
	}
	a.mu.Lock()
	a.cubes[survey] = c
	a.gens[survey] = head.Gen
	for _, id := range covers {
		a.applied[id] = true
	}
	a.stale[survey] = true
	delete(a.mismatch, survey)
	a.mu.Unlock()
	if len(covers) > 0 {
		if _, err := a.deltas.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: covers}}}}); err != nil {
			a.log.Warn("delete covered aggregate deltas", "survey", survey, "err", err)
		}
	}
	return nil
}

// Check compares each loaded cube with the number of stored responses and rebuilds the
// surveys that differ, and those marked for rebuilding. Start runs it after loading and
// whenever the instance has been quiet for QuietFor, when any difference is a real one.
//
// Batches keep arriving while responses are counted, so a count is taken as agreeing
// when it lies between the cube's count before it and after it (once the batches that
// were being written when it ended have been counted, and other instances' deltas read).
func (a *Aggregates) Check(ctx context.Context) error {
	surveys, err := a.distinct(ctx, a.responses, "survey")
	if err != nil {
		return err
	}
	a.mu.Lock()
	for s := range a.cubes {
		if !slices.Contains(surveys, s) {
			surveys = append(surveys, s)
		}
	}
	a.mu.Unlock()
	sort.Strings(surveys)
	responses := func(s string) int64 {
		a.mu.Lock()
		defer a.mu.Unlock()
		if c := a.cubes[s]; c != nil {
			return c.Responses()
		}
		return 0
	}
	var errs []error
	for _, s := range surveys {
		before := responses(s)
		n, err := a.responses.CountDocuments(ctx, bson.D{{Key: "survey", Value: s}})
		if err != nil {
			errs = append(errs, translate("count responses", err))
			continue
		}
		time.Sleep(200 * time.Millisecond) // let a batch stored as the count ended reach OnBatch
		a.batchMu.Lock()
		a.batchMu.Unlock() //nolint:staticcheck // waits for a batch being counted
		if after := responses(s); n > after {
			_ = a.Poll(ctx) // perhaps another instance's batches
		}
		after := responses(s)
		a.mu.Lock()
		dirty := a.dirty[s]
		a.mu.Unlock()
		if !dirty && before <= n && n <= after {
			continue
		}
		a.log.Warn("aggregates differ from the stored responses; rebuilding", "survey", s,
			"counted", before, "stored", n)
		if err := a.rebuild(ctx, s); err != nil {
			errs = append(errs, fmt.Errorf("rebuild %s: %w", s, err))
		}
	}
	return errors.Join(errs...)
}

// Start loads the cubes once the store is ready, checks them, and then polls, compacts
// and checks in the background until Close.
func (a *Aggregates) Start(ctx context.Context) {
	ctx, a.stop = context.WithCancel(ctx)
	a.stopped = make(chan struct{})
	go func() {
		defer close(a.stopped)
		if err := a.db.WaitReady(ctx); err != nil {
			return
		}
		for {
			lctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
			err := a.Load(lctx)
			cancel()
			if err == nil {
				break
			}
			a.log.Error("load aggregates", "err", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(5 * time.Second):
			}
		}
		a.log.Info("aggregates loaded")
		if err := a.Check(ctx); err != nil && ctx.Err() == nil {
			a.log.Error("check aggregates", "err", err)
		}
		poll := time.NewTicker(a.every(a.PollEvery, 2*time.Second))
		defer poll.Stop()
		compactEvery := a.every(a.CompactEvery, 5*time.Minute)
		lastCompact, lastCheck := time.Now(), time.Now()
		for {
			select {
			case <-ctx.Done():
				return
			case <-poll.C:
			}
			if err := a.Poll(ctx); err != nil && ctx.Err() == nil {
				a.log.Warn("poll aggregates", "err", err)
			}
			if time.Since(lastCompact) >= compactEvery {
				lastCompact = time.Now()
				if err := a.Compact(ctx, ""); err != nil && ctx.Err() == nil && !errors.Is(err, errStale) {
					a.log.Warn("compact aggregates", "err", err)
				}
			}
			a.mu.Lock()
			quiet := time.Since(a.lastWrite) >= a.every(a.QuietFor, time.Minute)
			dirty := len(a.dirty) > 0
			a.mu.Unlock()
			if (quiet && time.Since(lastCheck) >= 10*a.every(a.QuietFor, time.Minute)) || (dirty && quiet) {
				lastCheck = time.Now()
				if err := a.Check(ctx); err != nil && ctx.Err() == nil {
					a.log.Error("check aggregates", "err", err)
				}
			}
		}
	}()
}

// Close stops the background work.
func (a *Aggregates) Close() {
	if a.stop != nil {
		a.stop()
		<-a.stopped
	}
}
