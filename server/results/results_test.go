package results_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/geo"
	"github.com/chorus-voice/chorus/server/results"
	"github.com/chorus-voice/chorus/server/results/synth"
	"github.com/chorus-voice/chorus/server/surveyfile"
)

var (
	loadOnce sync.Once
	survey   *chorus.Survey
	geog     *geo.Geography
	loadErr  error
)

func example(t testing.TB) (*chorus.Survey, *geo.Geography) {
	t.Helper()
	loadOnce.Do(func() {
		if geog, loadErr = geo.Load(); loadErr != nil {
			return
		}
		survey, loadErr = surveyfile.LoadFile("../../surveys/your-life-your-voice.yaml", geog.Areas())
	})
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return survey, geog
}

func places(g *geo.Geography) *results.Places {
	return &results.Places{Councils: g.Areas(), Nations: map[string]string{geo.WalesCode: geo.WalesName}, Constituency: func(code string) (string, []string, bool) {
		c, ok := g.Constituency(code)
		return c.Name, c.Councils, ok
	}}
}

// fixedStore serves one cube.
type fixedStore struct{ c *results.Cube }

func (f fixedStore) Snapshot(_ context.Context, _ string) (*results.Cube, error) { return f.c, nil }
func (f fixedStore) Rebuild(context.Context, string) error                       { return nil }

type catalog struct{ s *chorus.Survey }

func (c catalog) OpenSurveys(context.Context) []*chorus.Survey { return []*chorus.Survey{c.s} }
func (c catalog) FindSurvey(_ context.Context, id string) (*chorus.Survey, error) {
	if id != c.s.ID {
		return nil, chorus.Errorf(chorus.ENOTFOUND, "no survey")
	}
	return c.s, nil
}
func (c catalog) Reload(context.Context) error { return nil }

func resp(id, version, day string, answers chorus.Answers) *chorus.Response {
	return &chorus.Response{SubmissionID: id, Survey: "your-life-your-voice", Version: version, Day: day, Answers: answers}
}

func TestCubeQuery(t *testing.T) {
	s, _ := example(t)
	c := results.NewCube(s.ID)
	add := func(r *chorus.Response) { c.Add(s, results.Mapping{}, r) }
	add(resp("a1111111", "8-12", "2026-10-05", chorus.Answers{"future": "4", "age_band": "8-10", "live_with": "foster_carers",
		"area": "E10000002", "matters_most": []string{"family", "friends"}, "life_happy": map[string]string{"friends": "5", "money": chorus.PreferNot}}))
	r2 := resp("demo-b2222222", "13-17", "2026-10-12", chorus.Answers{"future": chorus.PreferNot, "live_with": "childrens_home", "better": "more time with mum"})
	r2.Themes = map[string][]string{"better": {"family_contact"}}
	add(r2)
	r3 := resp("c3333333", "4-7-assisted", "2026-11-20", chorus.Answers{"better": "not sure", "life_happy_3": map[string]string{"friends": "3"}})
	r3.GroupSession = "gs1"
	add(r3)

	tests := []struct {
		name   string
		filter chorus.Filter
		base   int
	}{
		{"All", chorus.Filter{}, 3},
		{"Version", chorus.Filter{Version: "13-17"}, 1},
		{"AgeBandAnswered", chorus.Filter{AgeBand: "8-10"}, 1},
		{"AgeBandFromVersion", chorus.Filter{AgeBand: "4-7"}, 1},
		{"LiveWith", chorus.Filter{LiveWith: "childrens_home"}, 1},
		{"Area", chorus.Filter{Areas: []string{"E10000002", "E06000001"}}, 1},
		{"Dates", chorus.Filter{From: "2026-10-06", To: "2026-11-30"}, 3}, // whole weeks: 5 Oct is in the week of 6 Oct
		{"DatesLater", chorus.Filter{From: "2026-10-13"}, 2},
		{"Nothing", chorus.Filter{Version: "18-25"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := c.Query(s, results.Mapping{}, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if r.Base != tt.base {
				t.Errorf("base = %d, want %d", r.Base, tt.base)
			}
		})
	}

	r, _ := c.Query(s, results.Mapping{}, chorus.Filter{})
	counts := map[string]chorus.QuestionCounts{}
	for _, q := range r.Questions {
		counts[q.Question] = q
	}
	if q := counts["future"]; q.Answered != 2 || q.Options["4"] != 1 || q.Options[chorus.PreferNot] != 1 {
		t.Errorf("future = %+v", q)
	}
	if q := counts["matters_most"]; q.Answered != 1 || q.Options["family"] != 1 || q.Options["friends"] != 1 {
		t.Errorf("matters_most = %+v", q)
	}
	if q := counts["life_happy"]; q.Items["friends"]["5"] != 1 || q.Items["money"][chorus.PreferNot] != 1 {
		t.Errorf("life_happy = %+v", q)
	}
	if r.Themes["family_contact"] != 1 || r.Themes[chorus.ThemeUncoded] != 1 {
		t.Errorf("themes = %v", r.Themes)
	}
	if r.Weeks["2026-W41"] != 1 || r.Weeks["2026-W42"] != 1 || r.Weeks["2026-W47"] != 1 {
		t.Errorf("weeks = %v", r.Weeks)
	}
	if r.Versions["8-12"] != 1 || r.Demo != 1 {
		t.Errorf("versions = %v, demo %d", r.Versions, r.Demo)
	}
	if len(r.GroupSessions) != 1 || r.GroupSessions["gs1"] != 1 {
		t.Errorf("group sessions = %v, want gs1: 1", r.GroupSessions)
	}
	if _, err := c.Query(s, results.Mapping{}, chorus.Filter{Version: "8-12", LiveWith: "parents"}); chorus.ErrorCode(err) != chorus.EINVALID {
		t.Errorf("two conditions: err = %v, want EINVALID", err)
	}
}

func TestWeeksAndMonths(t *testing.T) {
	tests := []struct{ day, week, month string }{
		{"2026-11-24", "2026-W48", "2026-11"},
		{"2026-01-01", "2026-W01", "2026-01"},
		{"2027-01-01", "2026-W53", "2026-12"},
		{"2026-10-01", "2026-W40", "2026-10"}, // Thursday 1 October: week 40 belongs to October
		{"2026-09-30", "2026-W40", "2026-10"},
		{"bad", "", ""},
	}
	for _, tt := range tests {
		if got := results.Week(tt.day); got != tt.week {
			t.Errorf("Week(%s) = %q, want %q", tt.day, got, tt.week)
		}
		if got := results.Month(tt.week); got != tt.month {
			t.Errorf("Month(%s) = %q, want %q", tt.week, got, tt.month)
		}
	}
}

func synthetic(t testing.TB, n int, seed uint64) *results.Cube {
	s, g := example(t)
	gen := &synth.Generator{Survey: s, Councils: g.Areas(), Rand: rand.New(rand.NewPCG(seed, 1)),
		From: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)}
	c := results.NewCube(s.ID)
	d := results.NewDelta(s.ID)
	for range n {
		d.Add(s, results.Mapping{}, gen.Response(gen.NextID()), 1, nil)
	}
	c.Merge(d)
	return c
}

func TestEncodeRoundTrip(t *testing.T) {
	s, g := example(t)
	gen := &synth.Generator{Survey: s, Councils: g.Areas()}
	d := results.NewDelta(s.ID)
	for range 300 {
		d.Add(s, results.Mapping{}, gen.Response(gen.NextID()), 1, nil)
	}
	slots, cells := d.Encode()
	keys, data := results.PackCells(cells)
	if cells, err := results.UnpackCells(keys, data); err != nil || len(cells) != len(d.Cells) {
		t.Fatalf("UnpackCells: %d cells, %v", len(cells), err)
	}
	if _, err := results.UnpackCells(keys, data[:len(data)-1]); err == nil {
		t.Errorf("UnpackCells of cut data: no error")
	}
	d2, err := results.DecodeDelta(s.ID, slots, cells)
	if err != nil {
		t.Fatal(err)
	}
	a, b := results.NewCube(s.ID), results.NewCube(s.ID)
	a.Merge(d)
	b.Merge(d2)
	if diff := a.Diff(b); diff != "" {
		t.Fatalf("delta round trip: %s", diff)
	}
	slots, cells = a.Encode()
	c, err := results.DecodeCube(s.ID, slots, cells)
	if err != nil {
		t.Fatal(err)
	}
	if diff := a.Diff(c); diff != "" {
		t.Fatalf("cube round trip: %s", diff)
	}
	m := results.NewCube(s.ID)
	m.MergeCube(c)
	if diff := a.Diff(m); diff != "" {
		t.Fatalf("MergeCube: %s", diff)
	}
}

func publish(t testing.TB, c *results.Cube, req results.Request) (*results.Report, error) {
	t.Helper()
	s, g := example(t)
	svc := &results.Service{Store: fixedStore{c}, Surveys: catalog{s}, Places: places(g)}
	return svc.Publish(context.Background(), s.ID, req)
}

// smallCounts finds counts from 1 to k-1 in a report's JSON.
func smallCounts(t testing.TB, rep *results.Report) []string {
	t.Helper()
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	_ = json.Unmarshal(b, &v)
	var bad []string
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				switch k {
				case "count", "base", "answered", "no_answer":
					if n, ok := x.(float64); ok && n >= 1 && n < float64(rep.Threshold) {
						bad = append(bad, fmt.Sprintf("%s.%s = %v", path, k, n))
					}
				}
				walk(path+"."+k, x)
			}
		case []any:
			for i, x := range v {
				walk(fmt.Sprintf("%s[%d]", path, i), x)
			}
		}
	}
	walk("", v)
	return bad
}

func TestPublish(t *testing.T) {
	c := synthetic(t, 3000, 7)
	tests := []struct {
		name  string
		req   results.Request
		level string
		err   string
	}{
		{"All", results.Request{}, "all", ""},
		{"Viewer", results.Request{RoundTo: 5}, "all", ""},
		{"Version", results.Request{Version: "13-17"}, "version", ""},
		{"AgeBand", results.Request{AgeBand: "13-15"}, "age_band", ""},
		{"LiveWith", results.Request{LiveWith: "foster_carers"}, "live_with", ""},
		{"Region", results.Request{Region: "E12000008"}, "region", ""},
		{"Council", results.Request{Area: "E10000016"}, "", ""},
		{"Constituency", results.Request{Constituency: "E14001063"}, "", ""},
		{"Period", results.Request{From: "2026-10-01", To: "2026-10-31"}, "period", ""},
		{"TwoFilters", results.Request{Version: "13-17", LiveWith: "foster_carers"}, "", chorus.EINVALID},
		{"UnknownVersion", results.Request{Version: "nope"}, "", chorus.EINVALID},
		{"ViewerOtherArea", results.Request{Area: "E10000016", Limit: []string{"E10000002"}}, "", chorus.EFORBIDDEN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := publish(t, c, tt.req)
			if tt.err != "" {
				if chorus.ErrorCode(err) != tt.err {
					t.Fatalf("err = %v, want %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.level != "" && rep.Level != tt.level {
				t.Errorf("level = %q, want %q", rep.Level, tt.level)
			}
			if bad := smallCounts(t, rep); len(bad) > 0 {
				t.Errorf("small counts shown: %v", bad)
			}
			if !rep.Base.Shown() {
				t.Errorf("base suppressed")
			}
			shown := 0
			for _, q := range rep.Questions {
				for _, o := range q.Options {
					if o.Count.Shown() {
						shown++
					}
				}
			}
			if shown == 0 && rep.Base.N() >= 100 {
				t.Errorf("no option counts shown at all for %v young people", rep.Base)
			}
			var buf bytes.Buffer
			if err := results.WriteCSV(&buf, rep); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(buf.String(), "table,question,item,answer,label,count,percent") {
				t.Errorf("csv header missing")
			}
		})
	}
}

// TestPublishDifferencing: a group that leaves out fewer than k young people is refused,
// since comparing it with the whole survey would describe those few.
func TestPublishDifferencing(t *testing.T) {
	s, g := example(t)
	c := results.NewCube(s.ID)
	gen := &synth.Generator{Survey: s, Councils: g.Areas()[:20], Rand: rand.New(rand.NewPCG(3, 3)),
		Versions: map[string]float64{"13-17": 1}}
	for range 200 {
		c.Add(s, results.Mapping{}, gen.Response(gen.NextID()))
	}
	gen.Versions = map[string]float64{"8-12": 1}
	for range 4 {
		c.Add(s, results.Mapping{}, gen.Response(gen.NextID()))
	}
	tests := []struct {
		name string
		req  results.Request
		ok   bool
	}{
		{"Whole", results.Request{}, true},
		{"AllButAFew", results.Request{Version: "13-17"}, false},
		{"TheFew", results.Request{Version: "8-12"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := publish(t, c, tt.req)
			switch {
			case tt.ok && err != nil:
				t.Fatalf("refused: %v", err)
			case !tt.ok && chorus.ErrorCode(err) != chorus.EINVALID:
				t.Fatalf("err = %v, want EINVALID; level %v base %v", err, rep.Level, rep.Base)
			case !tt.ok && chorus.ErrorFields(err)["version"] == "":
				t.Errorf("refusal names no field: %v", chorus.ErrorFields(err))
			}
		})
	}
	// The versions breakdown of the whole survey hides both, or a reader could subtract.
	rep, _ := publish(t, c, results.Request{})
	for _, v := range rep.Versions {
		if v.Count.Shown() && (v.ID == "13-17" || v.ID == "8-12") {
			t.Errorf("versions breakdown shows %s = %v", v.ID, v.Count)
		}
	}
}

// TestWalesRollsUpToWales: answers from Welsh councils count towards Wales, not England,
// and Wales and its constituencies can be asked for as England's regions and seats can.
func TestWalesRollsUpToWales(t *testing.T) {
	s, _ := example(t)
	c := results.NewCube(s.ID)
	d := results.NewDelta(s.ID)
	add := func(n int, area string) {
		for i := range n {
			d.Add(s, results.Mapping{}, resp(fmt.Sprintf("%s-%03d", area, i), "13-17", "2026-10-05",
				chorus.Answers{"area": area, "future": "4", "online_safe": "mostly"}), 1, nil)
		}
	}
	add(40, "W06000015") // Cardiff
	add(30, "W06000011") // Swansea
	add(50, "E06000001") // Hartlepool
	c.Merge(d)
	rep, err := publish(t, c, results.Request{})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]results.AreaCount{}
	for _, a := range rep.Areas {
		counts[a.Code] = a
	}
	if w := counts[geo.WalesCode]; w.Name != "Wales" || w.Level != "country" || w.Count.N() != 70 {
		t.Errorf("Wales = %+v; want a country of 70", w)
	}
	if e := counts[geo.EnglandCode]; e.Count.N() != 50 {
		t.Errorf("England = %+v; want 50, without the Welsh councils", e)
	}
	if ne := counts["E12000001"]; ne.Count.N() != 50 {
		t.Errorf("North East = %+v; want 50", ne)
	}
	if cardiff := counts["W06000015"]; cardiff.Level != "council" || cardiff.Count.N() != 40 {
		t.Errorf("Cardiff = %+v", cardiff)
	}
	if _, ok := counts["W92000004"]; !ok {
		t.Error("no Wales row")
	}
	wales, err := publish(t, c, results.Request{Region: geo.WalesCode})
	if err != nil {
		t.Fatal(err)
	}
	if wales.Base.N() != 70 {
		t.Errorf("Wales asked for: base %v, want 70", wales.Base)
	}
	seat, err := publish(t, c, results.Request{Constituency: "W07000089"}) // Cardiff East: Cardiff only
	if err != nil {
		t.Fatal(err)
	}
	if seat.Base.N() != 40 {
		t.Errorf("Cardiff East: base %v, want Cardiff's 40", seat.Base)
	}
}

// TestSynthAnswersAreValid: the demo data generator answers every version as a child of
// that age could, so every generated submission passes the version's checks.
func TestSynthAnswersAreValid(t *testing.T) {
	s, g := example(t)
	gen := &synth.Generator{Survey: s, Councils: g.Areas(), Rand: rand.New(rand.NewPCG(3, 4)),
		From: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)}
	seen := map[string]int{}
	for range 3000 {
		sub := gen.Submission(gen.NextID())
		v := s.Version(sub.Version)
		seen[v.ID]++
		if _, fields := v.Validate(s, sub.Answers, nil); fields != nil {
			t.Fatalf("%s: %v for %v", v.ID, fields, sub.Answers)
		}
	}
	for _, v := range s.Versions {
		if seen[v.ID] == 0 {
			t.Errorf("no submissions for %s", v.ID)
		}
	}
}
