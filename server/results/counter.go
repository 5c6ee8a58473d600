package results

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

	"github.com/chorus-voice/chorus/server/chorus"
)

// layout is the version of the stored format of deltas and snapshots. A record of
// another layout is ignored and its survey rebuilt from the responses.
const layout = 2

// DeltaStore keeps the counts' deltas and snapshots as plain records, and reads the
// stored responses they count. It knows nothing of cubes; mongodb.AggregateStore
// implements it. Its errors are the domain's (EUNAVAILABLE when the store is down).
type DeltaStore interface {
	// Shared reports whether other instances may write deltas to the store; false for
	// a store that lives inside this process.
	Shared() bool
	// WaitReady returns once the store answers, or an error once ctx ends.
	WaitReady(ctx context.Context) error

	// InsertDelta stores d and sets its ID and At (the day it was written).
	InsertDelta(ctx context.Context, d *chorus.DeltaRecord) error
	// EachDelta calls fn with each delta of survey ("" for every survey), oldest first.
	EachDelta(ctx context.Context, survey string, fn func(*chorus.DeltaRecord) error) error
	// EachDeltaSince calls fn with each delta written on or after since's day, oldest
	// day first.
	EachDeltaSince(ctx context.Context, since time.Time, fn func(*chorus.DeltaRecord) error) error
	// DeltaIDs returns the ids of a survey's deltas; DeltaSurveys the surveys with any.
	DeltaIDs(ctx context.Context, survey string) ([]string, error)
	DeltaSurveys(ctx context.Context) ([]string, error)
	// DeleteDeltas deletes the deltas with those ids (any already gone are ignored).
	DeleteDeltas(ctx context.Context, ids []string) error

	// Snapshots returns the snapshot of survey, or of every survey for "".
	Snapshots(ctx context.Context, survey string) ([]*chorus.SnapshotRecord, error)
	// SnapshotGens returns each survey's snapshot generation.
	SnapshotGens(ctx context.Context) (map[string]int64, error)
	// ReplaceSnapshot stores s as its survey's snapshot if that snapshot is still at
	// generation gen (0: there is none; -1: whatever there is), and sets s.Gen. It
	// returns ECONFLICT if the snapshot changed meanwhile.
	ReplaceSnapshot(ctx context.Context, s *chorus.SnapshotRecord, gen int64) error

	// Lease takes the named lease for d, reporting whether this caller got it;
	// release gives it back.
	Lease(ctx context.Context, name string, d time.Duration) (release func(), ok bool, err error)

	// ResponseSurveys returns the surveys with stored responses; CountResponses and
	// EachResponse count and stream a survey's responses.
	ResponseSurveys(ctx context.Context) ([]string, error)
	CountResponses(ctx context.Context, survey string) (int64, error)
	EachResponse(ctx context.Context, survey string, fn func(*chorus.Response) error) error
}

// Counter keeps every survey's results cube in memory and in the store, so that results
// at a million responses come back in milliseconds and the counts never slow down
// taking responses. It implements Store.
//
// How the counts are kept:
//   - OnBatch (a hook of the response writer) turns each stored batch into one delta
//     per survey — one insert per batch, never one per response — and adds it to the
//     in-memory cube.
//   - Start loads each survey's cube (its snapshot plus the deltas the snapshot does not
//     cover), checks it against the number of stored responses and rebuilds any that
//     disagree (a crash between storing responses and their delta), then every PollEvery
//     reads the deltas other instances wrote, so that every instance agrees within
//     seconds. Deltas are read with a look-back window and deduplicated, since the
//     clocks of several machines only roughly agree.
//   - Compaction folds deltas into the survey's snapshot without transactions: write the
//     snapshot listing the delta ids it covers (a conditional replace on its generation,
//     so two compactions cannot both win), then delete those deltas; a loader ignores
//     deltas a snapshot covers, and the next compaction deletes any that a crash left
//     behind. Instances that see a snapshot's generation change reload that survey.
//   - Rebuild recounts a survey from its stored responses and replaces its snapshot.
//     Within one instance it is exact even while responses arrive: batches that land
//     during the recount are kept aside and added unless the recount already saw them.
//     With several instances, a batch that another instance stores during a rebuild may
//     be missed until the next check: when an instance has been quiet for a while it
//     compares each cube with the number of stored responses and rebuilds any that
//     differ. Run rebuilds when traffic is low.
type Counter struct {
	store DeltaStore
	log   *slog.Logger

	// Surveys finds survey definitions; responses to unknown surveys are not counted.
	Surveys chorus.SurveyService
	// Mapping returns a survey's dimension questions; nil means DefaultMapping.
	Mapping func(survey string) Mapping
	// ThemesOf overrides the themes counted for a response (reviewed tags); nil counts
	// Response.Themes.
	ThemesOf ThemesFunc
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
	checking   bool // loaded after a start, not yet checked against the stored responses
	cubes      map[string]*Cube
	readers    map[string]*Cube     // clones for readers
	readAt     map[string]time.Time // when each clone was taken
	stale      map[string]bool      // counts changed since the clone
	gens       map[string]int64     // snapshot generation each cube was loaded from
	applied    map[string]time.Time // deltas in the cubes, for de-duplication, and when they were written
	rebuilding map[string]*rebuild
	// recounted holds, per survey, the submission ids (hashed) the last recount read,
	// for a while after it was swapped in: a response it read whose batch reaches
	// OnBatch only afterwards is already counted.
	recounted map[string]*recount
	dirty     map[string]bool // needs a rebuild
	lastPoll  time.Time
	lastWrite time.Time // last time deltas were written or read: a quiet store is checked

	stop    context.CancelFunc
	stopped chan struct{}
}

// rebuild is a rebuild in progress: the responses of batches stored meanwhile.
type rebuild struct {
	batch []*chorus.Response
}

// recount is what a finished rebuild read: sorted hashes of submission ids.
type recount struct {
	seen  []uint64
	until time.Time
}

// read reports whether the recount read the response with the submission id.
func (rc *recount) read(submissionID string) bool {
	_, found := slices.BinarySearch(rc.seen, idHash(submissionID))
	return found
}

// recountMemory is how long a recount's ids are kept. A response reaches OnBatch as
// soon as its batch is stored, so a batch the recount read arrives within moments.
const recountMemory = 10 * time.Minute

// alreadyCounted returns which of stored the last recount of their survey read,
// forgetting recounts older than recountMemory. The caller holds mu.
func (a *Counter) alreadyCounted(stored []*chorus.Response) map[*chorus.Response]bool {
	var out map[*chorus.Response]bool
	for _, r := range stored {
		rc := a.recounted[r.Survey]
		if rc == nil {
			continue
		}
		if time.Now().After(rc.until) {
			delete(a.recounted, r.Survey)
			continue
		}
		if rc.read(r.SubmissionID) {
			if out == nil {
				out = map[*chorus.Response]bool{}
			}
			out[r] = true
		}
	}
	return out
}

func idHash(id string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64()
}

// NewCounter returns the counts kept in store. Call Load or Start before reading them.
func NewCounter(store DeltaStore, surveys chorus.SurveyService, log *slog.Logger) *Counter {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Counter{
		store: store, log: log, Surveys: surveys,
		cubes: map[string]*Cube{}, readers: map[string]*Cube{}, gens: map[string]int64{},
		readAt: map[string]time.Time{}, stale: map[string]bool{},
		applied: map[string]time.Time{}, rebuilding: map[string]*rebuild{}, recounted: map[string]*recount{}, dirty: map[string]bool{},
	}
}

var _ Store = (*Counter)(nil)

func (a *Counter) mapping(survey string) Mapping {
	if a.Mapping == nil {
		return DefaultMapping
	}
	return a.Mapping(survey)
}

func every(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// deltasOf turns responses into one delta per survey, with sign +1 or -1, counting
// the themes themesOf gives (nil: the responses' own).
func (a *Counter) deltasOf(ctx context.Context, rs []*chorus.Response, sign int64, themesOf ThemesFunc, out map[string]*Delta) {
	for _, r := range rs {
		s, err := a.Surveys.FindSurvey(ctx, r.Survey)
		if err != nil {
			continue // no survey file any more: nothing to count it by
		}
		d := out[r.Survey]
		if d == nil {
			d = NewDelta(r.Survey)
			out[r.Survey] = d
		}
		d.Add(s, a.mapping(r.Survey), r, sign, themesOf)
	}
}

// OnBatch counts a batch of newly stored responses: one delta per survey. It fits the
// response writer's OnBatch. If a delta cannot be stored, the survey is rebuilt later.
func (a *Counter) OnBatch(ctx context.Context, stored []*chorus.Response) error {
	deltas := map[string]*Delta{}
	a.deltasOf(ctx, stored, 1, a.ThemesOf, deltas)
	a.batchMu.Lock()
	defer a.batchMu.Unlock()
	a.mu.Lock()
	for _, r := range stored {
		if rb := a.rebuilding[r.Survey]; rb != nil {
			rb.batch = append(rb.batch, r)
		}
	}
	counted := a.alreadyCounted(stored)
	a.mu.Unlock()
	if len(counted) > 0 { // a recount swapped in while this batch was on its way read some of it
		var rest []*chorus.Response
		for _, r := range stored {
			if !counted[r] {
				rest = append(rest, r)
			}
		}
		deltas = map[string]*Delta{}
		a.deltasOf(ctx, rest, 1, a.ThemesOf, deltas)
	}
	return a.write(ctx, deltas)
}

// Retag recounts one stored response whose themes changed: it takes out before and adds
// after (the same response, with its old and new tags) in one delta. Their Themes are
// counted as they are — they are the themes that count, reviews included, so ThemesOf
// is not asked. The caller updates the stored response or its review first. This is
// the hook for reviewed tags and re-tagging.
func (a *Counter) Retag(ctx context.Context, before, after *chorus.Response) error {
	deltas := map[string]*Delta{}
	a.deltasOf(ctx, []*chorus.Response{before}, -1, nil, deltas)
	a.deltasOf(ctx, []*chorus.Response{after}, 1, nil, deltas)
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

// Forget takes responses about to be deleted (retention) out of the counts, as they
// were counted (reviewed themes included). It fits mongodb.Retention.Forget.
func (a *Counter) Forget(ctx context.Context, gone []*chorus.Response) error {
	deltas := map[string]*Delta{}
	a.deltasOf(ctx, gone, -1, a.ThemesOf, deltas)
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
func (a *Counter) write(ctx context.Context, deltas map[string]*Delta) error {
	var errs []error
	for survey, d := range deltas {
		if d.Empty() {
			continue
		}
		slots, cells := d.Encode()
		keys, data := PackCells(cells)
		rec := &chorus.DeltaRecord{Survey: survey, Layout: layout, N: d.Responses(), Slots: slots, Keys: keys, Data: data}
		if err := a.store.InsertDelta(ctx, rec); err != nil {
			a.mu.Lock()
			a.dirty[survey] = true
			a.mu.Unlock()
			errs = append(errs, err)
			continue
		}
		a.mu.Lock()
		// A poll may have read it back already: whoever marks it first counts it.
		if _, seen := a.applied[rec.ID]; !seen {
			a.applied[rec.ID] = rec.At
			if a.loaded {
				a.cube(survey).Merge(d)
				a.stale[survey] = true
			}
		}
		a.lastWrite = time.Now()
		a.mu.Unlock()
	}
	return errors.Join(errs...)
}

// cube returns the survey's cube, creating it. The caller holds mu.
func (a *Counter) cube(survey string) *Cube {
	c := a.cubes[survey]
	if c == nil {
		c = NewCube(survey)
		a.cubes[survey] = c
	}
	return c
}

// Snapshot implements Store. It returns EUNAVAILABLE until the cubes are loaded.
func (a *Counter) Snapshot(_ context.Context, survey string) (*Cube, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	// Until the check after a start has run, the counts may miss a batch stored just
	// before a crash: nothing is released from them (a release is never edited).
	if !a.loaded || a.checking {
		return nil, chorus.Errorf(chorus.EUNAVAILABLE, "Results are still loading. Please try again in a moment.")
	}
	if c := a.readers[survey]; c != nil && (!a.stale[survey] || time.Since(a.readAt[survey]) < a.MaxStale) {
		return c, nil
	}
	c := a.cube(survey).Clone()
	a.readers[survey], a.readAt[survey], a.stale[survey] = c, time.Now(), false
	return c, nil
}

// Load reads every survey's cube from the store. Start calls it; commands and tests
// call it instead of Start.
func (a *Counter) Load(ctx context.Context) error {
	a.batchMu.Lock()
	defer a.batchMu.Unlock()
	cubes, gens, applied, err := a.read(ctx, "")
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.cubes, a.gens, a.applied = cubes, gens, applied
	a.readers, a.stale = map[string]*Cube{}, map[string]bool{}
	a.loaded = true
	a.lastPoll = time.Now()
	return nil
}

// reload reads one survey's cube again (its snapshot changed).
func (a *Counter) reload(ctx context.Context, survey string) error {
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
		a.cubes[survey] = NewCube(survey)
	}
	a.gens[survey] = gens[survey]
	for id, at := range applied {
		a.applied[id] = at
	}
	a.stale[survey] = true
	return nil
}

// read loads cubes (one survey, or all for ""): snapshots plus uncovered deltas. It
// returns the ids of every delta it counted or found covered.
func (a *Counter) read(ctx context.Context, survey string) (map[string]*Cube, map[string]int64, map[string]time.Time, error) {
	cubes := map[string]*Cube{}
	gens := map[string]int64{}
	applied := map[string]time.Time{}
	snaps, err := a.store.Snapshots(ctx, survey)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, s := range snaps {
		gens[s.Survey] = s.Gen
		for _, id := range s.Covers {
			applied[id] = s.At
		}
		c, err := decodeSnapshot(s)
		if err != nil {
			a.log.Warn("aggregate snapshot unreadable; the survey will be rebuilt", "survey", s.Survey, "err", err)
			a.markDirty(s.Survey)
			c = NewCube(s.Survey)
		}
		cubes[s.Survey] = c
	}
	err = a.store.EachDelta(ctx, survey, func(rec *chorus.DeltaRecord) error {
		if _, ok := applied[rec.ID]; ok {
			return nil
		}
		applied[rec.ID] = rec.At
		d, err := a.decode(rec)
		if err != nil {
			return nil
		}
		c := cubes[rec.Survey]
		if c == nil {
			c = NewCube(rec.Survey)
			cubes[rec.Survey] = c
		}
		c.Merge(d)
		return nil
	})
	return cubes, gens, applied, err
}

func (a *Counter) markDirty(survey string) {
	a.mu.Lock()
	a.dirty[survey] = true
	a.mu.Unlock()
}

// decodeSnapshot reads a snapshot's cube.
func decodeSnapshot(s *chorus.SnapshotRecord) (*Cube, error) {
	if s.Layout != layout {
		return nil, fmt.Errorf("layout %d", s.Layout)
	}
	cells, err := UnpackCells(s.Keys, s.Data)
	if err != nil {
		return nil, err
	}
	return DecodeCube(s.Survey, s.Slots, cells)
}

// decode reads a delta; a delta it cannot read marks its survey for rebuilding.
func (a *Counter) decode(rec *chorus.DeltaRecord) (*Delta, error) {
	var d *Delta
	err := fmt.Errorf("layout %d", rec.Layout)
	if rec.Layout == layout {
		var cells []EncodedCell
		if cells, err = UnpackCells(rec.Keys, rec.Data); err == nil {
			d, err = DecodeDelta(rec.Survey, rec.Slots, cells)
		}
	}
	if err != nil {
		a.log.Warn("aggregate delta unreadable; the survey will be rebuilt", "survey", rec.Survey, "err", err)
		a.markDirty(rec.Survey)
	}
	return d, err
}

// Poll reads the snapshots' generations and, on a shared store, the deltas written
// since the last poll (less the look-back window), and adds those not yet counted.
// Start calls it every PollEvery.
func (a *Counter) Poll(ctx context.Context) error {
	a.mu.Lock()
	if !a.loaded {
		a.mu.Unlock()
		return nil
	}
	since := a.lastPoll.Add(-every(a.Lookback, 2*time.Minute))
	gens := make(map[string]int64, len(a.gens))
	for s, g := range a.gens {
		gens[s] = g
	}
	a.mu.Unlock()
	started := time.Now()

	heads, err := a.store.SnapshotGens(ctx)
	if err != nil {
		return err
	}
	for survey, gen := range heads {
		if gens[survey] != gen {
			if err := a.reload(ctx, survey); err != nil {
				return err
			}
		}
	}

	// No other instance writes to a store that lives inside this process, so there are
	// no deltas of theirs to read; on FerretDB that read scans and sorts every delta not
	// yet compacted, and at a few thousand responses a second it cost more than storing
	// them. Snapshot generations are still read (above), so a rebuild or a demo load
	// by the command line is seen.
	if a.store.Shared() {
		err := a.store.EachDeltaSince(ctx, since, func(rec *chorus.DeltaRecord) error {
			a.mu.Lock()
			_, seen := a.applied[rec.ID]
			a.mu.Unlock()
			if seen {
				return nil
			}
			d, err := a.decode(rec)
			a.mu.Lock()
			defer a.mu.Unlock()
			if _, seen := a.applied[rec.ID]; seen {
				return nil // written by this instance meanwhile
			}
			a.applied[rec.ID] = rec.At
			if err == nil {
				a.cube(rec.Survey).Merge(d)
				a.stale[rec.Survey] = true
				a.lastWrite = time.Now()
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	a.polled(started)
	return nil
}

// polled records a poll that started at started, and forgets the deltas that no poll
// can return any more. Every poll ends here, whatever the store, so that the record of
// counted deltas stays as small as the look-back window.
func (a *Counter) polled(started time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.lastPoll = started
	horizon := started.Add(-2*every(a.Lookback, 2*time.Minute) - time.Minute)
	if a.store.Shared() {
		// Deltas carry only their day, and a poll reads whole days: remember a delta
		// until no poll can read its day any more.
		horizon = horizon.UTC().Truncate(24 * time.Hour)
	}
	for id, at := range a.applied {
		if at.Before(horizon) {
			delete(a.applied, id)
		}
	}
}

// Compact folds a survey's deltas into its snapshot ("" for every survey with deltas).
// It is safe to run on several instances at once.
func (a *Counter) Compact(ctx context.Context, survey string) error {
	surveys := []string{survey}
	if survey == "" {
		var err error
		if surveys, err = a.store.DeltaSurveys(ctx); err != nil {
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

// snapshot returns a survey's snapshot record, or nil if it has none.
func (a *Counter) snapshot(ctx context.Context, survey string) (*chorus.SnapshotRecord, error) {
	snaps, err := a.store.Snapshots(ctx, survey)
	if err != nil || len(snaps) == 0 {
		return nil, err
	}
	return snaps[0], nil
}

func (a *Counter) compact(ctx context.Context, survey string) error {
	release, ok, err := a.store.Lease(ctx, "compact:"+survey, time.Minute)
	if err != nil || !ok {
		return err
	}
	defer release()
	head, err := a.snapshot(ctx, survey)
	if err != nil {
		return err
	}
	c := NewCube(survey)
	var gen int64
	if head != nil {
		if head.Layout != layout {
			return nil // a rebuild will replace it
		}
		// Finish a compaction that stopped between writing the snapshot and deleting.
		if len(head.Covers) > 0 {
			if err := a.store.DeleteDeltas(ctx, head.Covers); err != nil {
				return err
			}
		}
		if c, err = decodeSnapshot(head); err != nil {
			return nil // a rebuild will replace it
		}
		gen = head.Gen
	}
	var ids []string
	err = a.store.EachDelta(ctx, survey, func(rec *chorus.DeltaRecord) error {
		d, err := a.decode(rec)
		if err != nil {
			return nil // left alone; the survey is marked for rebuilding
		}
		c.Merge(d)
		ids = append(ids, rec.ID)
		return nil
	})
	if err != nil || len(ids) == 0 {
		return err
	}
	if _, err := a.writeSnapshot(ctx, c, gen, ids); err != nil {
		return err
	}
	return a.store.DeleteDeltas(ctx, ids)
}

// writeSnapshot replaces a survey's snapshot with c, covering those deltas, if it is
// still at generation gen (0: if there is none; -1: whatever is there).
func (a *Counter) writeSnapshot(ctx context.Context, c *Cube, gen int64, covers []string) (*chorus.SnapshotRecord, error) {
	slots, cells := c.Encode()
	keys, data := PackCells(cells)
	if covers == nil {
		covers = []string{}
	}
	rec := &chorus.SnapshotRecord{Survey: c.Survey(), Layout: layout, N: c.Responses(), Covers: covers,
		Slots: slots, Keys: keys, Data: data, At: time.Now().UTC()}
	return rec, a.store.ReplaceSnapshot(ctx, rec, gen)
}

// Rebuild implements Store: it recounts a survey ("" for every survey with responses
// or counts) from its stored responses and replaces its counts.
func (a *Counter) Rebuild(ctx context.Context, survey string) error {
	surveys := []string{survey}
	if survey == "" {
		got, err := a.surveys(ctx)
		if err != nil {
			return err
		}
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

// surveys lists the surveys with stored responses or counts, in order.
func (a *Counter) surveys(ctx context.Context) ([]string, error) {
	got, err := a.store.ResponseSurveys(ctx)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	for s := range a.cubes {
		if !slices.Contains(got, s) {
			got = append(got, s)
		}
	}
	a.mu.Unlock()
	sort.Strings(got)
	return got, nil
}

func (a *Counter) rebuild(ctx context.Context, survey string) error {
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
	c := NewCube(survey)
	// Hashes of the submission ids the recount saw, so that a batch stored during the
	// recount is counted once whether or not the recount read it.
	var seen []uint64
	if sv != nil {
		m := a.mapping(survey)
		d := NewDelta(survey)
		n := 0
		err := a.store.EachResponse(ctx, survey, func(r *chorus.Response) error {
			seen = append(seen, idHash(r.SubmissionID))
			d.Add(sv, m, r, 1, a.ThemesOf)
			if n++; n%5000 == 0 {
				c.Merge(d)
				d = NewDelta(survey)
			}
			return nil
		})
		if err != nil {
			return err
		}
		c.Merge(d)
	}
	slices.Sort(seen)
	rc := &recount{seen: seen, until: time.Now().Add(recountMemory)}

	// Swap, with batches held back.
	a.batchMu.Lock()
	defer a.batchMu.Unlock()
	a.mu.Lock()
	late := rb.batch
	a.mu.Unlock()
	if sv != nil {
		d := NewDelta(survey)
		for _, r := range late {
			if !rc.read(r.SubmissionID) {
				d.Add(sv, a.mapping(survey), r, 1, a.ThemesOf)
			}
		}
		c.Merge(d)
	}
	covers, err := a.store.DeltaIDs(ctx, survey)
	if err != nil {
		return err
	}
	rec, err := a.writeSnapshot(ctx, c, -1, covers)
	if err != nil {
		return err
	}
	a.mu.Lock()
	a.cubes[survey] = c
	a.recounted[survey] = rc
	a.gens[survey] = rec.Gen
	for _, id := range covers {
		a.applied[id] = rec.At
	}
	a.stale[survey] = true
	a.mu.Unlock()
	if len(covers) > 0 {
		if err := a.store.DeleteDeltas(ctx, covers); err != nil {
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
func (a *Counter) Check(ctx context.Context) error {
	surveys, err := a.surveys(ctx)
	if err != nil {
		return err
	}
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
		n, err := a.store.CountResponses(ctx, s)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		time.Sleep(200 * time.Millisecond) // let a batch stored as the count ended reach OnBatch
		a.batchMu.Lock()                   // no batch is half-counted while it is held
		after := responses(s)
		a.batchMu.Unlock()
		if n > after {
			_ = a.Poll(ctx) // perhaps another instance's batches
			after = responses(s)
		}
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
func (a *Counter) Start(ctx context.Context) {
	ctx, a.stop = context.WithCancel(ctx)
	a.stopped = make(chan struct{})
	go func() {
		defer close(a.stopped)
		a.run(ctx)
	}()
}

func (a *Counter) run(ctx context.Context) {
	a.mu.Lock()
	a.checking = true
	a.mu.Unlock()
	if err := a.store.WaitReady(ctx); err != nil {
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
	a.mu.Lock()
	a.checking = false
	a.mu.Unlock()
	poll := time.NewTicker(every(a.PollEvery, 2*time.Second))
	defer poll.Stop()
	compactEvery := every(a.CompactEvery, 5*time.Minute)
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
			if err := a.Compact(ctx, ""); err != nil && ctx.Err() == nil && chorus.ErrorCode(err) != chorus.ECONFLICT {
				a.log.Warn("compact aggregates", "err", err)
			}
		}
		a.mu.Lock()
		quiet := time.Since(a.lastWrite) >= every(a.QuietFor, time.Minute)
		dirty := len(a.dirty) > 0
		a.mu.Unlock()
		if (quiet && time.Since(lastCheck) >= 10*every(a.QuietFor, time.Minute)) || (dirty && quiet) {
			lastCheck = time.Now()
			if err := a.Check(ctx); err != nil && ctx.Err() == nil {
				a.log.Error("check aggregates", "err", err)
			}
		}
	}
}

// Close stops the background work.
func (a *Counter) Close() {
	if a.stop != nil {
		a.stop()
		<-a.stopped
	}
}
