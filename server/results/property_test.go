package results_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/results"
	"github.com/chorus-voice/chorus/server/results/leakcheck"
	"github.com/chorus-voice/chorus/server/results/synth"
)

// TestPropertyNothingDerivable checks the promise of the results package: for random
// data and random sequences of requests, no count that any report showed as suppressed
// can be worked out exactly from everything the reports showed (see leakcheck).
func TestPropertyNothingDerivable(t *testing.T) {
	s0, g := example(t)
	cases, seed := 16, uint64(11)
	if testing.Short() {
		cases = 6
	}
	if n, err := strconv.Atoi(os.Getenv("CHORUS_PROPERTY_CASES")); err == nil {
		cases, seed = n, uint64(time.Now().UnixNano())
		if s, err := strconv.ParseUint(os.Getenv("CHORUS_PROPERTY_SEED"), 10, 64); err == nil {
			seed = s
		}
		t.Logf("seed %d", seed)
	}
	r := rand.New(rand.NewPCG(seed, 12))
	for n := range cases {
		s := *s0
		s.Threshold = []int{10, 10, 5, 3}[r.IntN(4)]
		// A few councils in two regions, a few versions, a few weeks: small groups.
		var councils []chorus.Area
		for _, a := range g.Areas() {
			if (a.RegionCode == "E12000008" || a.RegionCode == "E12000001") && len(councils) < 2+r.IntN(4) && r.IntN(3) == 0 {
				councils = append(councils, a)
			}
		}
		gen := &synth.Generator{Survey: &s, Councils: councils, Rand: rand.New(rand.NewPCG(uint64(n), 99)),
			From: time.Date(2026, 9, 20, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC),
			Versions: map[string]float64{"4-7-assisted": 1, "8-12": 3, "13-17": 4, "18-25": 2}}
		c := results.NewCube(s.ID)
		size := 15 + r.IntN(140)
		var rs []*chorus.Response
		var keys []results.Key
		for range size {
			resp := gen.Response(gen.NextID())
			rs = append(rs, resp)
			keys = append(keys, results.KeyOf(&s, results.Mapping{}, resp))
			c.Add(&s, results.Mapping{}, resp)
		}
		w := leakcheck.NewWorld(&s, councils, rs)
		svc := &results.Service{Store: fixedStore{c}, Surveys: catalog{&s}, Places: places(g)}
		var reps []*results.Report
		var asked []string
		for range 6 + r.IntN(10) {
			req := randomRequest(r, keys, councils)
			rep, err := svc.Publish(t.Context(), s.ID, req)
			if err != nil {
				continue
			}
			reps = append(reps, rep)
			asked = append(asked, fmt.Sprintf("%+v", rep.Filter))
			if bad := smallCounts(t, rep); len(bad) > 0 {
				t.Fatalf("case %d: small counts shown: %v", n, bad)
			}
		}
		if leaks := w.Leaks(reps, leakcheck.Lines(r, &s, 5)); len(leaks) > 0 {
			t.Fatalf("case %d (k=%d, %d responses): derivable suppressed counts %v\nrequests: %v",
				n, s.Threshold, size, leaks, asked)
		}
	}
}

func randomRequest(r *rand.Rand, keys []results.Key, councils []chorus.Area) results.Request {
	pick := func(d results.Dim) string {
		return keys[r.IntN(len(keys))][d]
	}
	switch r.IntN(8) {
	case 0:
		return results.Request{}
	case 1:
		return results.Request{Version: pick(results.DimVersion)}
	case 2:
		return results.Request{AgeBand: pick(results.DimAge)}
	case 3:
		return results.Request{LiveWith: pick(results.DimLive)}
	case 4:
		if len(councils) > 0 {
			return results.Request{Area: councils[r.IntN(len(councils))].Code}
		}
	case 5:
		return results.Request{Region: []string{"E12000008", "E12000001"}[r.IntN(2)]}
	case 6:
		if len(councils) > 1 {
			return results.Request{Limit: []string{councils[0].Code, councils[1].Code}}
		}
	case 7:
		return results.Request{From: []string{"2026-09-01", "2026-10-01"}[r.IntN(2)], To: []string{"2026-09-30", "2026-10-31", ""}[r.IntN(3)]}
	}
	return results.Request{}
}

// TestPropertyTwoReleases checks releases against differencing: random data is released,
// random reports are read, more responses come (some crowded into one group), a second
// (sometimes a third) release is made, and reports are read again (the same requests and
// others). Counting every release's true counts as unknowns and every shown count as an
// equation over the release it comes from, no suppressed count of any release can be
// worked out, and no group's growth between any two releases can be worked out where it
// is from 1 to k−1.
func TestPropertyTwoReleases(t *testing.T) {
	s0, g := example(t)
	cases, seed := 10, uint64(21)
	if testing.Short() {
		cases = 4
	}
	if n, err := strconv.Atoi(os.Getenv("CHORUS_PROPERTY_CASES")); err == nil {
		cases, seed = n, uint64(time.Now().UnixNano())
		if s, err := strconv.ParseUint(os.Getenv("CHORUS_PROPERTY_SEED"), 10, 64); err == nil {
			seed = s
		}
		t.Logf("seed %d", seed)
	}
	r := rand.New(rand.NewPCG(seed, 13))
	for n := range cases {
		s := *s0
		s.Threshold = []int{10, 5, 3}[r.IntN(3)]
		k := s.Threshold
		var councils []chorus.Area
		for _, a := range g.Areas() {
			if (a.RegionCode == "E12000008" || a.RegionCode == "E12000001") && len(councils) < 2+r.IntN(4) && r.IntN(3) == 0 {
				councils = append(councils, a)
			}
		}
		gen := &synth.Generator{Survey: &s, Councils: councils, Rand: rand.New(rand.NewPCG(uint64(n), 98)),
			From: time.Date(2026, 9, 20, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC),
			Versions: map[string]float64{"4-7-assisted": 1, "8-12": 3, "13-17": 4, "18-25": 2}}
		live := &liveCube{c: results.NewCube(s.ID)}
		clock := time.Date(2026, 10, 21, 10, 0, 0, 0, time.UTC)
		rel := &results.Releaser{Store: &memReleases{}, Live: live, Surveys: catalog{&s}, Places: places(g),
			Now: func() time.Time { return clock }}
		svc := &results.Service{Store: live, Surveys: catalog{&s}, Places: places(g), Releases: rel}
		var rs1 []*chorus.Response
		var keys []results.Key
		for range 2*k + r.IntN(120) {
			resp := gen.Response(gen.NextID())
			rs1 = append(rs1, resp)
			keys = append(keys, results.KeyOf(&s, results.Mapping{}, resp))
		}
		live.add(&s, rs1...)
		out, err := rel.Release(t.Context(), s.ID, true)
		if err != nil || !out.Made {
			t.Fatalf("case %d: first release: %+v %v", n, out, err)
		}
		first := out.Release.ID
		var reqs []results.Request
		for range 5 + r.IntN(8) {
			reqs = append(reqs, randomRequest(r, keys, councils))
		}
		read := func(reqs []results.Request) ([]*results.Report, []string) {
			var reps []*results.Report
			var asked []string
			for _, req := range reqs {
				rep, err := svc.Publish(t.Context(), s.ID, req)
				if err != nil {
					continue
				}
				reps, asked = append(reps, rep), append(asked, fmt.Sprintf("%+v", rep.Filter))
				if bad := smallCounts(t, rep); len(bad) > 0 {
					t.Fatalf("case %d: small counts shown: %v", n, bad)
				}
			}
			return reps, asked
		}
		reps1, asked1 := read(reqs)
		w1 := leakcheck.NewWorld(&s, councils, rs1)
		w1.ReleaseID = first
		worlds, reps, asked := []*leakcheck.World{w1}, [][]*results.Report{reps1}, [][]string{asked1}
		rs := slices.Clone(rs1)
		// One or two more releases: more responses each time, until the step rule allows
		// one, some spread out, some crowded into one council or one living situation.
		for range 1 + r.IntN(2) {
			burst := 2 * k // a few more than k: most groups keep their figures
			if r.IntN(2) == 0 {
				burst = 8 * k // many more: most groups move on, a few do not
			}
			for made := false; !made; {
				for range 1 + r.IntN(burst) {
					resp := gen.Response(gen.NextID())
					switch r.IntN(4) {
					case 0:
						if len(councils) > 0 && resp.Answers["area"] != nil {
							resp.Answers["area"] = councils[0].Code
						}
					case 1:
						if resp.Answers["live_with"] != nil {
							resp.Answers["live_with"] = "foster_carers"
						}
					}
					rs = append(rs, resp)
					live.add(&s, resp)
					keys = append(keys, results.KeyOf(&s, results.Mapping{}, resp))
				}
				out, err := rel.Release(t.Context(), s.ID, true)
				if err != nil {
					t.Fatal(err)
				}
				made = out.Made
			}
			for range 3 + r.IntN(6) {
				reqs = append(reqs, randomRequest(r, keys, councils))
			}
			got, gotAsked := read(reqs)
			cur, err := rel.Current(t.Context(), s.ID)
			if err != nil {
				t.Fatal(err)
			}
			w := leakcheck.NewWorld(&s, councils, slices.Clone(rs))
			w.ReleaseID = cur.ID
			worlds, reps, asked = append(worlds, w), append(reps, got), append(asked, gotAsked)
		}
		if leaks := leakcheck.Leaks(worlds, reps, leakcheck.Lines(r, &s, 3)); len(leaks) > 0 {
			cur, _ := rel.Current(t.Context(), s.ID)
			t.Fatalf("case %d (k=%d, %d responses at first, %d releases): %v\nrequests: %v\nlast release: %v %v",
				n, k, len(rs1), len(worlds), leaks, asked, cur, cur.AsOf)
		}
	}
}
