package results_test

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/geo"
	"github.com/chorus-voice/chorus/server/results"
	"github.com/chorus-voice/chorus/server/results/leakcheck"
	"github.com/chorus-voice/chorus/server/results/synth"
)

// demoShaped returns a cube shaped like a real survey of children in care: about one
// in five of the children each council looks after answered.
func demoShaped(t testing.TB, seed uint64) (*results.Cube, *geo.LookedAfter, []*chorus.Response) {
	t.Helper()
	s, g := example(t)
	cla, err := geo.ChildrenLookedAfter()
	if err != nil {
		t.Fatal(err)
	}
	total, _ := cla.Sum(mapKeys(cla.ByCode))
	gen := &synth.Generator{Survey: s, Councils: g.Areas(), Sizes: cla.ByCode, Versions: synth.SurveyShaped, Rand: rand.New(rand.NewPCG(seed, 1)),
		From: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)}
	c := results.NewCube(s.ID)
	d := results.NewDelta(s.ID)
	var rs []*chorus.Response
	for range total / 5 {
		r := gen.Response(gen.NextID())
		rs = append(rs, r)
		d.Add(s, results.Mapping{}, r, 1, nil)
	}
	c.Merge(d)
	return c, cla, rs
}

func mapKeys(m map[string]int) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// averageCouncil returns the council whose number of children looked after is closest
// to the mean.
func averageCouncil(cla *geo.LookedAfter) string {
	sum := 0
	for _, n := range cla.ByCode {
		sum += n
	}
	mean := float64(sum) / float64(len(cla.ByCode))
	best, gap := "", math.Inf(1)
	for _, code := range mapKeys(cla.ByCode) {
		if d := math.Abs(float64(cla.ByCode[code]) - mean); d < gap {
			best, gap = code, d
		}
	}
	return best
}

// TestMeasuresAverageCouncil: with demo data shaped like a real survey, a council of
// average size shows at least 80% of its headline measures as figures (its own or its
// region's, labelled) with England's beside each.
func TestMeasuresAverageCouncil(t *testing.T) {
	s, g := example(t)
	c, cla, responses := demoShaped(t, 3)
	code := averageCouncil(cla)
	svc := &results.Service{Store: fixedStore{c}, Surveys: catalog{s}, Places: places(g)}
	rep, err := svc.Publish(context.Background(), s.ID, results.Request{Area: code, RoundTo: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Measures) != len(s.Measures) {
		t.Fatalf("%d measures, want %d", len(rep.Measures), len(s.Measures))
	}
	shown, own := 0, 0
	for _, m := range rep.Measures {
		if !m.Share.Shown() {
			t.Logf("%s: hidden", m.ID)
			continue
		}
		if m.England == nil || !m.England.Share.Shown() {
			t.Errorf("%s: shown without England's figure beside it", m.ID)
			continue
		}
		if m.Of == nil || (m.Of.Code != code && m.Of.Level != "region") {
			t.Errorf("%s: figure of %+v, want the council's or its region's", m.ID, m.Of)
		}
		shown++
		if m.Of.Code == code {
			own++
		}
	}
	t.Logf("%s (%d children looked after, %s answered): %d of %d measures shown, %d the council's own",
		g.Name(code), cla.ByCode[code], rep.Base, shown, len(rep.Measures), own)
	if shown*100 < 80*len(rep.Measures) {
		t.Errorf("%d of %d measures shown; want at least 80%%", shown, len(rep.Measures))
	}
	b, _ := json.Marshal(rep.Measures[0])
	t.Logf("%s", b)

	// The figures beside it come from the region's and England's reports, which a
	// reader may also read, as is the whole survey's: no suppressed count of any of them
	// can be worked out (the
	// checker reads exact counts, as facilitators see them).
	var reps []*results.Report
	a, _ := g.Area(code)
	for _, req := range []results.Request{{}, {Area: code}, {Region: a.RegionCode}} {
		other, err := svc.Publish(context.Background(), s.ID, req)
		if err != nil {
			t.Fatal(err)
		}
		reps = append(reps, other)
	}
	w := leakcheck.NewWorld(s, g.Areas(), responses)
	if leaks := w.Leaks(reps, leakcheck.Lines(rand.New(rand.NewPCG(5, 5)), s, 5)); len(leaks) > 0 {
		t.Errorf("leaks: %v", leaks)
	}
}
