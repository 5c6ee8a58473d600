package results_test

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/results"
	"github.com/chorus-voice/chorus/server/results/synth"
)

// memReleases keeps releases in memory, as the store does (the mongodb package tests
// the stored form).
type memReleases struct {
	mu   sync.Mutex
	docs []*chorus.ReleaseRecord
}

func (m *memReleases) InsertRelease(_ context.Context, r *chorus.ReleaseRecord) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, d := range m.docs {
		if d.Survey == r.Survey && d.Seq == r.Seq {
			return chorus.Errorf(chorus.ECONFLICT, "exists")
		}
	}
	m.docs = append(m.docs, r)
	return nil
}

func (m *memReleases) LatestRelease(_ context.Context, survey string) (*chorus.ReleaseRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var best *chorus.ReleaseRecord
	for _, d := range m.docs {
		if d.Survey == survey && (best == nil || d.Seq > best.Seq) {
			best = d
		}
	}
	if best == nil {
		return nil, chorus.Errorf(chorus.ENOTFOUND, "none")
	}
	return best, nil
}

func (m *memReleases) FindRelease(_ context.Context, id string) (*chorus.ReleaseRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, d := range m.docs {
		if d.ID == id {
			return d, nil
		}
	}
	return nil, chorus.Errorf(chorus.ENOTFOUND, "none")
}

func (m *memReleases) ListReleases(_ context.Context, survey string) ([]*chorus.ReleaseRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*chorus.ReleaseRecord
	for _, d := range m.docs {
		if d.Survey == survey {
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq > out[j].Seq })
	return out, nil
}

// liveCube is the live counts: a cube that responses are added to.
type liveCube struct {
	mu sync.Mutex
	c  *results.Cube
}

func (l *liveCube) Snapshot(context.Context, string) (*results.Cube, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.c.Clone(), nil
}
func (l *liveCube) Rebuild(context.Context, string) error { return nil }

func (l *liveCube) add(s *chorus.Survey, rs ...*chorus.Response) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range rs {
		l.c.Add(s, results.Mapping{}, r)
	}
}

// TestReleaseStepRule submits one response, then k−1 more, and finds every report the
// same byte for byte; one more makes a new release, and a council with too few new
// responses keeps its figures.
func TestReleaseStepRule(t *testing.T) {
	s, g := example(t)
	clock := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	live := &liveCube{c: results.NewCube(s.ID)}
	councils := []chorus.Area{}
	for _, a := range g.Areas() {
		if a.RegionCode == "E12000008" && len(councils) < 3 {
			councils = append(councils, a)
		}
	}
	gen := &synth.Generator{Survey: s, Councils: councils, Rand: rand.New(rand.NewPCG(1, 2)),
		From: time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 10, 25, 0, 0, 0, 0, time.UTC)}
	for range 120 {
		live.add(s, gen.Response(gen.NextID()))
	}
	rel := &results.Releaser{Store: &memReleases{}, Live: live, Surveys: catalog{s}, Places: places(g),
		Now: func() time.Time { return clock }, Interval: time.Hour}
	svc := &results.Service{Store: live, Surveys: catalog{s}, Places: places(g), Releases: rel}
	ctx := t.Context()
	if out, err := rel.Release(ctx, s.ID, false); err != nil || !out.Made {
		t.Fatalf("first release: %+v %v", out, err)
	}
	reqs := []results.Request{{}, {Version: "13-17"}, {Area: councils[0].Code}, {Region: "E12000008"}, {RoundTo: 5},
		{From: "2026-10-01", To: "2026-10-31"}, {LiveWith: "foster_carers"}}
	snap := func() []string {
		var out []string
		for _, r := range reqs {
			rep, err := svc.Publish(ctx, s.ID, r)
			if err != nil {
				out = append(out, err.Error())
				continue
			}
			b, _ := json.Marshal(rep)
			out = append(out, string(b))
		}
		return out
	}
	before := snap()
	k := 10
	one := gen.Response(gen.NextID())
	one.Answers["area"] = councils[1].Code
	live.add(s, one)
	clock = clock.Add(3 * time.Hour)
	if out, _ := rel.Release(ctx, s.ID, false); out.Made || out.Reason != "step" {
		t.Fatalf("one more response: %+v", out)
	}
	for range k - 2 {
		r := gen.Response(gen.NextID())
		r.Answers["area"] = councils[0].Code // all but one in council 0
		live.add(s, r)
	}
	if out, _ := rel.Release(ctx, s.ID, true); out.Made {
		t.Fatalf("k-1 more responses: %+v", out)
	}
	for i, got := range snap() {
		if got != before[i] {
			t.Fatalf("request %+v changed between releases:\n%s\n%s", reqs[i], before[i], got)
		}
	}
	r := gen.Response(gen.NextID())
	r.Answers["area"] = councils[0].Code
	live.add(s, r)
	out, err := rel.Release(ctx, s.ID, false)
	if err != nil || !out.Made {
		t.Fatalf("k more responses: %+v %v", out, err)
	}
	if out.Release.At != clock.Truncate(time.Hour) {
		t.Errorf("release at %v, want the hour", out.Release.At)
	}
	if _, ok := out.Release.AsOf[results.AreaGroup(councils[1].Code)]; !ok {
		t.Errorf("council with one new response not frozen: %v", out.Release.AsOf)
	}
	after := snap()
	if after[0] == before[0] {
		t.Errorf("whole survey did not change with a new release")
	}
	var rep results.Report
	_ = json.Unmarshal([]byte(after[0]), &rep)
	if rep.Release == nil || rep.Release.ID != out.Release.ID {
		t.Errorf("release field: %+v", rep.Release)
	}
	// The interval: another k responses an hour later make no release; release now does.
	for range k {
		live.add(s, gen.Response(gen.NextID()))
	}
	clock = clock.Add(time.Hour)
	if out, _ := rel.Release(ctx, s.ID, false); out.Made || out.Reason != "interval" {
		t.Fatalf("within the interval: %+v", out)
	}
	if out, _ := rel.Release(ctx, s.ID, true); !out.Made {
		t.Fatalf("release now: %+v", out)
	}
}
