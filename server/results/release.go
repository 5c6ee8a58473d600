package results

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/disclosure"
)

// A Release is a stored, immutable snapshot of a survey's counts that every published
// figure comes from (see the package documentation, "Releases"). Each group of young
// people either shows this release's counts or keeps the figures of the release it was
// last updated in (AsOf).
type Release struct {
	ID     string
	Survey string
	// Seq numbers a survey's releases from 1; 0 is the empty release before the first.
	Seq int
	// At is when the release was made, to the hour.
	At time.Time
	// Responses is the number of responses the release counts.
	Responses int64
	Cube      *Cube
	// AsOf holds, for every group whose figures are kept from an earlier release, that
	// release's id; a group not in it shows this release's counts.
	AsOf map[GroupKey]string
}

// Ref returns the reference to the release that tables carry, with the number of
// responses through policy p.
func (r *Release) Ref(p disclosure.Policy) *ReleaseRef {
	if r == nil || r.ID == "" {
		return nil
	}
	return &ReleaseRef{ID: r.ID, At: r.At, Responses: p.Count(int(r.Responses))}
}

// ReleaseRef says which release a table's figures come from.
type ReleaseRef struct {
	ID string `json:"id"`
	// At is when the release was made, to the hour (UTC).
	At time.Time `json:"at"`
	// Responses is the number of responses to the whole survey the release counts.
	Responses disclosure.Value `json:"responses"`
	// Mixed is set on a table that adds up areas or months whose figures come from
	// different releases, this one the latest.
	Mixed bool `json:"mixed,omitempty"`
}

// ReleaseStore keeps releases. The mongodb package's Releases implements it.
type ReleaseStore interface {
	// InsertRelease stores a new release; ECONFLICT if the survey already has one with
	// that Seq (another instance made it first).
	InsertRelease(ctx context.Context, r *chorus.ReleaseRecord) error
	// LatestRelease returns a survey's release with the highest Seq; ENOTFOUND if none.
	LatestRelease(ctx context.Context, survey string) (*chorus.ReleaseRecord, error)
	// FindRelease returns a release by id; ENOTFOUND if none.
	FindRelease(ctx context.Context, id string) (*chorus.ReleaseRecord, error)
	// ListReleases returns a survey's releases, newest first, without their counts.
	ListReleases(ctx context.Context, survey string) ([]*chorus.ReleaseRecord, error)
}

// LiveCounts gives a survey's current counts: every stored response.
type LiveCounts interface {
	Snapshot(ctx context.Context, survey string) (*Cube, error)
}

// encodeRelease packs a release for the store.
func encodeRelease(r *Release) *chorus.ReleaseRecord {
	slots, cells := r.Cube.Encode()
	keys, data := PackCells(cells)
	out := &chorus.ReleaseRecord{ID: r.ID, Survey: r.Survey, Seq: r.Seq, At: r.At, Responses: r.Responses,
		Slots: slots, Keys: keys, Data: data, Frozen: map[string]string{}}
	for g, id := range r.AsOf {
		out.Frozen[g.String()] = id
	}
	return out
}

// decodeRelease unpacks a stored release.
func decodeRelease(d *chorus.ReleaseRecord) (*Release, error) {
	cells, err := UnpackCells(d.Keys, d.Data)
	if err != nil {
		return nil, err
	}
	c, err := DecodeCube(d.Survey, d.Slots, cells)
	if err != nil {
		return nil, err
	}
	r := &Release{ID: d.ID, Survey: d.Survey, Seq: d.Seq, At: d.At.UTC(), Responses: d.Responses, Cube: c,
		AsOf: map[GroupKey]string{}}
	for s, id := range d.Frozen {
		g, err := ParseGroupKey(s)
		if err != nil {
			return nil, err
		}
		r.AsOf[g] = id
	}
	return r, nil
}

// Releaser makes releases and gives readers the current one. One releaser at a time
// makes a survey's release: Lease (if set) holds other instances off, and the store
// refuses a second release with the same number.
type Releaser struct {
	Store   ReleaseStore
	Live    LiveCounts
	Surveys chorus.SurveyService
	Places  *Places
	// Mapping returns the dimension questions of a survey; nil means DefaultMapping.
	Mapping func(survey string) Mapping
	// Interval is the least time between two releases of a survey (counted from the end
	// of the hour the previous one records); 0 releases whenever the step rule allows.
	Interval time.Duration
	// Lease takes a named lease for d, returning a function that gives it back and
	// whether this caller has it; nil means this is the only instance.
	Lease func(ctx context.Context, name string, d time.Duration) (func(), bool, error)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Recheck is how often a reader looks in the store for a release another instance
	// made; 0 means 5 seconds.
	Recheck time.Duration
	Log     *slog.Logger

	mu      sync.Mutex
	latest  map[string]*Release // survey → latest release known
	checked map[string]time.Time
	byID    map[string]*Release
	seen    map[string]bool // surveys asked about, released in the background
}

func (r *Releaser) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Releaser) init() {
	if r.latest == nil {
		r.latest, r.checked, r.byID, r.seen = map[string]*Release{}, map[string]time.Time{}, map[string]*Release{}, map[string]bool{}
	}
}

// empty is the release before a survey's first: no responses.
func empty(survey string) *Release {
	return &Release{Survey: survey, Cube: NewCube(survey), AsOf: map[GroupKey]string{}}
}

// Current returns the latest release of a survey (the empty release if there is none
// yet). It is kept in memory and looked for in the store at most every Recheck. With
// Interval 0, or before a survey's first release, it first makes a release if the step
// rule allows one.
func (r *Releaser) Current(ctx context.Context, survey string) (*Release, error) {
	r.mu.Lock()
	r.init()
	r.seen[survey] = true
	cur, when := r.latest[survey], r.checked[survey]
	r.mu.Unlock()
	recheck := r.Recheck
	if recheck <= 0 {
		recheck = 5 * time.Second
	}
	if cur == nil || r.now().Sub(when) >= recheck {
		var err error
		if cur, err = r.refresh(ctx, survey); err != nil {
			return nil, err
		}
	}
	if (r.Interval > 0 && cur.ID != "") || r.Live == nil {
		return cur, nil
	}
	// Interval 0 (or no release yet): release as soon as the step rule allows, when a
	// reader asks.
	sv, err := r.Surveys.FindSurvey(ctx, survey)
	if err != nil {
		return nil, err
	}
	live, err := r.Live.Snapshot(ctx, survey)
	if err != nil || abs(live.Responses()-cur.Responses) < int64(disclosure.Policy{Threshold: sv.Threshold}.K()) {
		return cur, nil // no live counts yet, or too few new responses: the release stands
	}
	out, err := r.Release(ctx, survey, false)
	if err != nil {
		return nil, err
	}
	return out.Release, nil
}

// refresh reads the latest release of a survey from the store.
func (r *Releaser) refresh(ctx context.Context, survey string) (*Release, error) {
	d, err := r.Store.LatestRelease(ctx, survey)
	var rel *Release
	switch {
	case chorus.ErrorCode(err) == chorus.ENOTFOUND:
		rel = empty(survey)
	case err != nil:
		return nil, err
	default:
		if rel = r.cached(d.ID); rel == nil {
			if rel, err = decodeRelease(d); err != nil {
				return nil, chorus.Wrap(chorus.EINTERNAL, err, "")
			}
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.init()
	if old := r.latest[survey]; old == nil || old.Seq <= rel.Seq {
		r.latest[survey] = rel
	}
	r.checked[survey] = r.now()
	if rel.ID != "" {
		r.byID[rel.ID] = rel
	}
	r.prune()
	return r.latest[survey], nil
}

// prune forgets decoded releases that no survey's latest release refers to. The caller
// holds mu.
func (r *Releaser) prune() {
	keep := map[string]bool{}
	for _, rel := range r.latest {
		keep[rel.ID] = true
		for _, id := range rel.AsOf {
			keep[id] = true
		}
	}
	for id := range r.byID {
		if !keep[id] {
			delete(r.byID, id)
		}
	}
}

func (r *Releaser) cached(id string) *Release {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.init()
	return r.byID[id]
}

// Get returns a release by id, decoded once and kept.
func (r *Releaser) Get(ctx context.Context, id string) (*Release, error) {
	if rel := r.cached(id); rel != nil {
		return rel, nil
	}
	d, err := r.Store.FindRelease(ctx, id)
	if err != nil {
		return nil, err
	}
	rel, err := decodeRelease(d)
	if err != nil {
		return nil, chorus.Wrap(chorus.EINTERNAL, err, "")
	}
	r.mu.Lock()
	r.init()
	r.byID[id] = rel
	r.mu.Unlock()
	return rel, nil
}

// currentWithOlder returns the survey's current release and every release its frozen
// groups refer to (see older).
func (r *Releaser) currentWithOlder(ctx context.Context, survey string) (*Release, map[string]*Release, error) {
	rel, err := r.Current(ctx, survey)
	if err != nil {
		return nil, nil, err
	}
	rels, err := r.older(ctx, rel)
	if err != nil {
		return nil, nil, err
	}
	return rel, rels, nil
}

// older returns every release a release's frozen groups refer to, by id, with the
// release itself.
func (r *Releaser) older(ctx context.Context, rel *Release) (map[string]*Release, error) {
	out := map[string]*Release{rel.ID: rel}
	for _, id := range rel.AsOf {
		if _, ok := out[id]; ok {
			continue
		}
		if id == "" {
			out[id] = empty(rel.Survey)
			continue
		}
		o, err := r.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		out[id] = o
	}
	return out, nil
}

// Status is what facilitators may see about a survey's releases.
type Status struct {
	// Latest is the current release (ID "" before the first).
	Latest *Release
	// Received is the number of responses stored now: one number, nothing broken down.
	Received int64
	// Due is when the interval allows the next release (zero: now).
	Due time.Time
	// Waiting is how many more responses the whole survey needs before a release
	// (0 when it has enough).
	Waiting int64
}

// Status returns the survey's release status.
func (r *Releaser) Status(ctx context.Context, survey string) (*Status, error) {
	sv, err := r.Surveys.FindSurvey(ctx, survey)
	if err != nil {
		return nil, err
	}
	cur, err := r.Current(ctx, survey)
	if err != nil {
		return nil, err
	}
	live, err := r.Live.Snapshot(ctx, survey)
	if err != nil {
		return nil, err
	}
	st := &Status{Latest: cur, Received: live.Responses(), Due: r.due(cur)}
	k := int64(disclosure.Policy{Threshold: sv.Threshold}.K())
	if d := abs(live.Responses() - cur.Responses); d < k {
		st.Waiting = k - d
	}
	return st, nil
}

// due returns when the interval allows the release after cur.
func (r *Releaser) due(cur *Release) time.Time {
	if cur.ID == "" || r.Interval <= 0 {
		return time.Time{}
	}
	return cur.At.Add(time.Hour + r.Interval)
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// Outcome says what Release did.
type Outcome struct {
	Release *Release // the new release, or the current one if none was made
	Made    bool
	// Reason says why no release was made: "step" (too few responses since the last
	// release), "interval" (too soon), "busy" (another instance is making one).
	Reason string
}

// Release makes a new release of a survey if the step rule allows it and, unless
// skipInterval, the interval has passed since the last one. "Release now" skips the
// interval, never the step rule.
func (r *Releaser) Release(ctx context.Context, survey string, skipInterval bool) (*Outcome, error) {
	sv, err := r.Surveys.FindSurvey(ctx, survey)
	if err != nil {
		return nil, err
	}
	if r.Lease != nil {
		give, ok, err := r.Lease(ctx, "release:"+survey, time.Minute)
		if err != nil {
			return nil, err
		}
		if !ok {
			cur, err := r.refresh(ctx, survey)
			return &Outcome{Release: cur, Reason: "busy"}, err
		}
		defer give()
	}
	cur, err := r.refresh(ctx, survey)
	if err != nil {
		return nil, err
	}
	live, err := r.Live.Snapshot(ctx, survey)
	if err != nil {
		return nil, err
	}
	k := int64(disclosure.Policy{Threshold: sv.Threshold}.K())
	now := r.now()
	switch {
	case abs(live.Responses()-cur.Responses) < k:
		return &Outcome{Release: cur, Reason: "step"}, nil
	case !skipInterval && now.Before(r.due(cur)):
		return &Outcome{Release: cur, Reason: "interval"}, nil
	}
	olds, err := r.older(ctx, cur)
	if err != nil {
		return nil, err
	}
	asOf, ok := r.freeze(sv, cur, olds, live, k)
	if !ok {
		return &Outcome{Release: cur, Reason: "step"}, nil
	}
	rel := &Release{ID: newID(), Survey: survey, Seq: cur.Seq + 1, At: now.UTC().Truncate(time.Hour),
		Responses: live.Responses(), Cube: live.Clone(), AsOf: asOf}
	switch err := r.Store.InsertRelease(ctx, encodeRelease(rel)); {
	case chorus.ErrorCode(err) == chorus.ECONFLICT:
		cur, err := r.refresh(ctx, survey)
		return &Outcome{Release: cur, Reason: "busy"}, err
	case err != nil:
		return nil, err
	}
	r.mu.Lock()
	r.latest[survey], r.checked[survey], r.byID[rel.ID] = rel, now, rel
	r.prune()
	r.mu.Unlock()
	if r.Log != nil {
		r.Log.Info("results released", "survey", survey, "release", rel.ID, "seq", rel.Seq, "frozen_groups", len(asOf))
	}
	return &Outcome{Release: rel, Made: true}, nil
}

// Run makes releases in the background, for every open survey and every survey asked
// about, until ctx ends: every minute, or every Interval if that is shorter.
func (r *Releaser) Run(ctx context.Context) {
	every := time.Minute
	if r.Interval > 0 && r.Interval < every {
		every = r.Interval
	}
	if r.Interval <= 0 {
		every = 10 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		surveys := map[string]bool{}
		for _, sv := range r.Surveys.OpenSurveys(ctx) {
			surveys[sv.ID] = true
		}
		r.mu.Lock()
		r.init()
		for s := range r.seen {
			surveys[s] = true
		}
		r.mu.Unlock()
		for s := range surveys {
			if _, err := r.Release(ctx, s, false); err != nil && r.Log != nil && ctx.Err() == nil {
				r.Log.Warn("release", "survey", s, "err", err)
			}
		}
	}
}

func newID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// freeze decides, for the release after cur, which groups keep the figures they have
// and which show the new counts (see the package documentation): a group is updated
// only when its number of responses has changed by at least k since the figures it
// shows; then, repeated until nothing changes, groups with the same young people are
// frozen together, and wherever the frozen members of a partition (the values of a
// dimension, the months, the access codes, England and "no council" in the whole survey,
// the regions in England, the councils in a region) have changed by fewer than k
// together (and not by nothing), their parent is frozen too, or, for the whole survey,
// every member (England, its regions and councils; Wales and its councils). It returns the frozen groups with the release each keeps, and false if
// not even that holds.
func (r *Releaser) freeze(sv *chorus.Survey, cur *Release, olds map[string]*Release, live *Cube, k int64) (map[GroupKey]string, bool) {
	asOf := map[GroupKey]string{}
	if cur.ID == "" {
		return asOf, true // the first release: nothing shown before
	}
	places := r.Places
	if places == nil {
		places = &Places{}
	}
	places.init()
	gs := newGroupSizes(places, live, cur.Cube)
	shownAt := func(g GroupKey) (string, *Release) {
		if id, ok := cur.AsOf[g]; ok {
			return id, olds[id]
		}
		return cur.ID, cur
	}
	delta := map[GroupKey]int64{}
	frozen := map[GroupKey]bool{}
	for _, g := range gs.keys {
		_, at := shownAt(g)
		delta[g] = gs.n(live, g) - gs.n(at.Cube, g)
		frozen[g] = g != AllGroup && abs(delta[g]) < k
	}
	// Groups with the same young people now: the version and age band 4-7, a region of
	// one council, England when everyone gave a council.
	linked := map[string][]GroupKey{}
	for _, g := range gs.keys {
		f := fingerprint(gs.vec(live, g))
		linked[f] = append(linked[f], g)
	}
	pinned := map[GroupKey]bool{AllGroup: true}
	for _, set := range linked {
		if slices.Contains(set, AllGroup) {
			for _, g := range set {
				pinned[g] = true
			}
		}
	}
	for {
		r.splits(gs, delta, frozen, pinned, linked, k)
		// Sizes worked out by subtraction across several splits: a frozen group's new size
		// is known when the splits it is in pin it down (England frozen but every region
		// shown, say, gives England's size, and then the whole survey minus England gives
		// "no council"'s). Wherever that gives away a change from 1 to k−1, freeze one more
		// group of a split through it (the smallest change that is not pinned), and again.
		more, ok := r.mendDetermined(gs, delta, frozen, pinned, k)
		if !ok {
			return nil, false
		}
		if !more {
			break
		}
	}
	// Check the whole survey's partitions once more: if freezing every member could not
	// mend one, make no release.
	for _, part := range gs.partitions() {
		if pinned[part.parent] && !part.frozenSafe(frozen, delta, k) {
			return nil, false
		}
	}
	for g, f := range frozen {
		if f {
			id, _ := shownAt(g)
			asOf[g] = id
		}
	}
	return asOf, true
}

// splits freezes, to a fixed point, groups with the same young people together and the
// parent (or, for the whole survey, every member) of a split whose frozen members changed
// together by 1 to k−1.
func (r *Releaser) splits(gs *groupSizes, delta map[GroupKey]int64, frozen, pinned map[GroupKey]bool, linked map[string][]GroupKey, k int64) {
	for changed := true; changed; {
		changed = false
		freeze := func(g GroupKey) {
			if !frozen[g] {
				frozen[g], changed = true, true
			}
		}
		for _, set := range linked {
			any := false
			for _, g := range set {
				any = any || frozen[g]
			}
			if any && !slices.ContainsFunc(set, func(g GroupKey) bool { return pinned[g] }) {
				for _, g := range set {
					freeze(g)
				}
			}
		}
		for _, part := range gs.partitions() {
			if frozen[part.parent] {
				continue
			}
			if part.frozenSafe(frozen, delta, k) {
				continue
			}
			if !pinned[part.parent] {
				freeze(part.parent)
				continue
			}
			for _, c := range part.kids {
				if pinned[c] {
					continue
				}
				freeze(c)
			}
		}
	}
}

// mendDetermined freezes one more group if some frozen group's change from 1 to k−1
// follows from the updated groups' changes and the splits (as linear equations: a
// parent's change is the sum of its members'). It reports whether it froze one, and
// false for ok if one is needed but every candidate is pinned (then no release).
func (r *Releaser) mendDetermined(gs *groupSizes, delta map[GroupKey]int64, frozen, pinned map[GroupKey]bool, k int64) (more, ok bool) {
	index := map[GroupKey]int{}
	for i, g := range gs.keys {
		index[g] = i
	}
	sys := &disclosure.System{Values: make([]int64, len(gs.keys)), Hidden: make([]bool, len(gs.keys))}
	for _, p := range gs.partitions() {
		l := disclosure.Line{Total: index[p.parent]}
		for _, c := range p.kids {
			l.Members = append(l.Members, index[c])
		}
		sys.Lines = append(sys.Lines, l)
	}
	given := func() int { // a frozen group whose change from 1 to k−1 is given away, or -1
		for i, g := range gs.keys {
			sys.Hidden[i] = frozen[g]
		}
		for _, j := range sys.DeterminedAll() {
			if d := abs(delta[gs.keys[j]]); d > 0 && d < k {
				return j
			}
		}
		return -1
	}
	bad := given()
	if bad < 0 {
		return false, true
	}
	// Freeze the group with the smallest change whose freezing keeps bad's change
	// hidden; failing that, the smallest in a split through bad.
	var candidates []GroupKey
	for _, g := range gs.keys {
		if !frozen[g] && !pinned[g] {
			candidates = append(candidates, g)
		}
	}
	sort.SliceStable(candidates, func(i, j int) bool { return abs(delta[candidates[i]]) < abs(delta[candidates[j]]) })
	for _, c := range candidates {
		frozen[c] = true
		if j := given(); j != bad {
			return true, true
		}
		frozen[c] = false
	}
	for _, l := range sys.Lines {
		if l.Total != bad && !slices.Contains(l.Members, bad) {
			continue
		}
		for _, c := range candidates {
			if i := index[c]; i == l.Total || slices.Contains(l.Members, i) {
				frozen[c] = true
				return true, true
			}
		}
	}
	return false, false
}

// groupSizes knows the groups of a survey and how to count them in a cube.
type groupSizes struct {
	places *Places
	keys   []GroupKey
	areas  map[*Cube]map[string]*vec // every area's counts, worked out once per cube
}

// newGroupSizes lists the groups with responses in any of the cubes.
func newGroupSizes(places *Places, cubes ...*Cube) *groupSizes {
	gs := &groupSizes{places: places, areas: map[*Cube]map[string]*vec{}}
	seen := map[GroupKey]bool{}
	add := func(g GroupKey) {
		if !seen[g] {
			seen[g] = true
			gs.keys = append(gs.keys, g)
		}
	}
	add(AllGroup)
	add(AreaGroup(places.CountryCode))
	add(AreaGroup(noArea))
	add(CodeGroup(""))
	for _, c := range cubes {
		for _, d := range []Dim{DimVersion, DimAge, DimLive} {
			for v := range c.views[d] {
				add(DimGroup(d, v))
			}
		}
		for w := range c.views[DimWeek] {
			add(MonthGroup(Month(w)))
		}
		for code := range c.views[DimArea] {
			if a, ok := places.council[code]; ok {
				add(AreaGroup(code))
				add(AreaGroup(a.RegionCode)) // a region, or a nation (Wales)
			}
		}
		for _, s := range c.slots {
			if id, ok := strings.CutPrefix(s, slotSession); ok {
				add(CodeGroup(id))
			}
		}
	}
	sort.Slice(gs.keys, func(i, j int) bool { return gs.keys[i].String() < gs.keys[j].String() })
	return gs
}

// vec returns a group's counts in a cube.
func (gs *groupSizes) vec(c *Cube, g GroupKey) *vec {
	pl := gs.places
	switch g.Kind {
	case GroupAll:
		return &c.total
	case GroupDim:
		return c.cell(g.Dim, g.Value)
	case GroupMonth:
		out := &vec{}
		for w, v := range c.views[DimWeek] {
			if Month(w) == g.Value {
				out.plus(v)
			}
		}
		return out
	case GroupCode:
		// A code's responses are counted by one slot only: its vector is that count.
		return &vec{n: gs.n(c, g)}
	}
	areas := gs.areas[c]
	if areas == nil {
		// One pass over the councils: each adds to itself, its region (or nation) and
		// England; responses with no council to "no council".
		areas = map[string]*vec{}
		add := func(code string, v *vec) {
			if areas[code] == nil {
				areas[code] = &vec{}
			}
			areas[code].plus(v)
		}
		for code, v := range c.views[DimArea] {
			a, isCouncil := pl.council[code]
			if !isCouncil {
				add(noArea, v)
				continue
			}
			add(code, v)
			add(a.RegionCode, v)
			if _, inNation := pl.Nations[a.RegionCode]; !inNation {
				add(pl.CountryCode, v)
			}
		}
		gs.areas[c] = areas
	}
	if v := areas[g.Value]; v != nil {
		return v
	}
	return &vec{}
}

// n returns a group's number of responses in a cube.
func (gs *groupSizes) n(c *Cube, g GroupKey) int64 {
	if g.Kind != GroupCode {
		return gs.vec(c, g).n
	}
	if g.Value != "" {
		return c.count(&c.total, slotSession+g.Value)
	}
	n := c.total.n
	for j, s := range c.slots {
		if strings.HasPrefix(s, slotSession) {
			n -= c.total.at(j)
		}
	}
	return n
}

// partition is a group and groups that split it.
type partition struct {
	parent GroupKey
	kids   []GroupKey
}

// frozenSafe reports whether the frozen members of the partition changed together by 0
// or by k or more: by 1 to k−1, their change could be worked out from the others'.
func (part partition) frozenSafe(frozen map[GroupKey]bool, delta map[GroupKey]int64, k int64) bool {
	var sum int64
	moved := false
	for _, c := range part.kids {
		if frozen[c] {
			sum += delta[c]
			moved = moved || delta[c] != 0
		}
	}
	return !moved || abs(sum) >= k
}

// partitions lists the ways the groups split each other.
func (gs *groupSizes) partitions() []partition {
	pl := gs.places
	byDim := map[Dim][]GroupKey{}
	var months, codes, regions []GroupKey
	countries := []GroupKey{AreaGroup(pl.CountryCode), AreaGroup(noArea)}
	councils := map[string][]GroupKey{}
	for _, g := range gs.keys {
		switch g.Kind {
		case GroupDim:
			byDim[g.Dim] = append(byDim[g.Dim], g)
		case GroupMonth:
			months = append(months, g)
		case GroupCode:
			codes = append(codes, g)
		case GroupArea:
			if a, ok := pl.council[g.Value]; ok {
				councils[a.RegionCode] = append(councils[a.RegionCode], g)
			} else if _, ok := pl.regions[g.Value]; ok {
				regions = append(regions, g)
			} else if _, ok := pl.Nations[g.Value]; ok {
				countries = append(countries, g)
			}
		}
	}
	out := []partition{
		{AllGroup, byDim[DimVersion]}, {AllGroup, byDim[DimAge]}, {AllGroup, byDim[DimLive]},
		{AllGroup, months}, {AllGroup, codes},
		{AllGroup, countries},
		{AreaGroup(pl.CountryCode), regions},
	}
	for r, cs := range councils {
		out = append(out, partition{AreaGroup(r), cs})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].parent.String() < out[j].parent.String() })
	return out
}

// String describes a release for logs and tests.
func (r *Release) String() string {
	return fmt.Sprintf("release %d of %s (%s, %d responses, %d groups frozen)", r.Seq, r.Survey, r.ID, r.Responses, len(r.AsOf))
}
