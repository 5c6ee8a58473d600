package briefing_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"math/rand/v2"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chorus-voice/chorus/server/briefing"
	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/geo"
	"github.com/chorus-voice/chorus/server/mongodb"
	"github.com/chorus-voice/chorus/server/mongodb/mongodbtest"
	"github.com/chorus-voice/chorus/server/report"
	"github.com/chorus-voice/chorus/server/results"
	"github.com/chorus-voice/chorus/server/results/synth"
	"github.com/chorus-voice/chorus/server/surveyfile"
)

// store serves one cube, which a test may swap (new responses arriving).
type store struct{ c *results.Cube }

func (s *store) Snapshot(context.Context, string) (*results.Cube, error) { return s.c, nil }
func (s *store) Rebuild(context.Context, string) error                   { return nil }

type catalog struct{ s *chorus.Survey }

func (c catalog) OpenSurveys(context.Context) []*chorus.Survey { return []*chorus.Survey{c.s} }
func (c catalog) FindSurvey(_ context.Context, id string) (*chorus.Survey, error) {
	if id != c.s.ID {
		return nil, chorus.Errorf(chorus.ENOTFOUND, "no survey")
	}
	return c.s, nil
}
func (c catalog) Reload(context.Context) error { return nil }

type fixture struct {
	db    *mongodb.DB
	sv    *chorus.Survey
	g     *geo.Geography
	store *store
	res   *results.Service
}

func newFixture(t *testing.T, n int) *fixture {
	t.Helper()
	g, err := geo.Load()
	if err != nil {
		t.Fatal(err)
	}
	sv, err := surveyfile.LoadFile("../../surveys/your-life-your-voice.yaml", g.Areas())
	if err != nil {
		t.Fatal(err)
	}
	cla, err := geo.ChildrenLookedAfter()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: mongodbtest.Open(t), sv: sv, g: g, store: &store{c: cube(sv, g, cla, n, 1)}}
	f.res = &results.Service{Store: f.store, Surveys: catalog{sv}, Places: &results.Places{Councils: g.Areas(),
		CountryCode: geo.EnglandCode, CountryName: geo.EnglandName,
		Constituency: func(code string) (string, []string, bool) {
			c, ok := g.Constituency(code)
			return c.Name, c.Councils, ok
		}}}
	return f
}

// cube is n synthetic responses spread over councils as children in care are.
func cube(sv *chorus.Survey, g *geo.Geography, cla *geo.LookedAfter, n int, seed uint64) *results.Cube {
	gen := &synth.Generator{Survey: sv, Councils: g.Areas(), Sizes: cla.ByCode, Versions: synth.SurveyShaped, Rand: rand.New(rand.NewPCG(seed, 2)),
		From: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)}
	c := results.NewCube(sv.ID)
	d := results.NewDelta(sv.ID)
	for range n {
		d.Add(sv, results.Mapping{}, gen.Response(gen.NextID()), 1, nil)
	}
	c.Merge(d)
	return c
}

// service is one instance's briefing service.
func (f *fixture) service(owner string, lease time.Duration, afterSave func(int) bool) *briefing.Service {
	return &briefing.Service{Surveys: catalog{f.sv}, Results: f.res, Pin: f.res.Pin, Geo: f.g, Batches: mongodb.NewBriefingBatches(f.db),
		Org:   report.Org{Name: "Care Voices Together", Contact: "hello@example.org", DayOfAction: "10 March 2027"},
		Owner: owner, Lease: lease, AfterSave: afterSave,
		Now: func() time.Time { return time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC) }}
}

// TestBatchRestart runs a batch of every constituency's briefing, stops it halfway as
// if the server died, checks that no ZIP is served, lets another instance take it over
// once the lease runs out, and checks the ZIP: every constituency in index.csv and in
// the ZIP, each PDF one page with text, all from one release.
func TestBatchRestart(t *testing.T) {
	f := newFixture(t, 8000)
	ctx := context.Background()
	u := &chorus.User{ID: "u1"}
	total := len(f.g.Constituencies())

	first := f.service("first", 300*time.Millisecond, func(done int) bool { return done < total/2 })
	b, err := first.StartBatch(ctx, u, f.sv.ID, geo.LevelConstituency, "en")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := first.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("the first half took %s", time.Since(start).Round(time.Millisecond))
	half, err := first.FindBatch(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if half.State != chorus.BatchRunning || half.Done < total/2 || half.Done >= total || half.Total != total {
		t.Fatalf("after stopping halfway: %+v, want running with about %d of %d done", half, total/2, total)
	}
	if err := first.WriteZIP(ctx, b.ID, io.Discard); chorus.ErrorCode(err) != chorus.ECONFLICT {
		t.Fatalf("ZIP of an unfinished batch: %v, want ECONFLICT", err)
	}

	// Another instance: it cannot take the batch while the lease holds, then does.
	resumedAt := -1
	second := f.service("second", time.Minute, func(done int) bool {
		if resumedAt < 0 {
			resumedAt = done
		}
		return true
	})
	if n, err := second.RunOnce(ctx); err != nil || n != 0 {
		t.Fatalf("took over a batch whose lease holds: %d, %v", n, err)
	}
	time.Sleep(400 * time.Millisecond)
	start = time.Now()
	if n, err := second.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("RunOnce after the lease ran out: %d finished, %v", n, err)
	}
	t.Logf("the second half (%d briefings) took %s", total-half.Done, time.Since(start).Round(time.Millisecond))
	if resumedAt <= half.Done {
		t.Errorf("the batch did not resume: first save at %d, %d were already done", resumedAt, half.Done)
	}
	done, _ := second.FindBatch(ctx, b.ID)
	if done.State != chorus.BatchDone || done.Done != total || done.Release != half.Release || done.Release == "" {
		t.Fatalf("finished batch %+v; want done, %d, release %q", done, total, half.Release)
	}
	checkZIP(t, second, b.ID, f.g, done.Release)
}

// checkZIP reads a batch's ZIP and checks every constituency is in it and in index.csv.
func checkZIP(t *testing.T, svc *briefing.Service, id string, g *geo.Geography, release string) {
	t.Helper()
	var buf bytes.Buffer
	if err := svc.WriteZIP(context.Background(), id, &buf); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	idx, ok := files["index.csv"]
	if !ok {
		t.Fatal("no index.csv")
	}
	rc, _ := idx.Open()
	rows, err := csv.NewReader(rc).ReadAll()
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], []string{"constituency_code", "constituency_name", "councils", "file", "release"}) {
		t.Fatalf("index.csv header %v", rows[0])
	}
	byCode := map[string][]string{}
	for _, r := range rows[1:] {
		byCode[r[0]] = r
	}
	pdftotext, _ := exec.LookPath("pdftotext")
	checked := 0
	for _, c := range g.Constituencies() {
		r, ok := byCode[c.Code]
		if !ok {
			t.Errorf("%s %s missing from index.csv", c.Code, c.Name)
			continue
		}
		if r[1] != c.Name || r[4] != release || r[2] == "" {
			t.Errorf("index row %v", r)
		}
		zf, ok := files[r[3]]
		if !ok {
			t.Errorf("%s missing from the ZIP", r[3])
			continue
		}
		rc, _ := zf.Open()
		pdf, _ := io.ReadAll(rc)
		rc.Close()
		if n := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1)); n != 1 {
			t.Errorf("%s has %d pages", r[3], n)
		}
		// Reading every PDF's text takes long: check the text of one in twenty.
		if pdftotext != "" && checked*20 <= len(byCode) && len(c.Councils) > 0 {
			cmd := exec.Command(pdftotext, "-enc", "UTF-8", "-", "-")
			cmd.Stdin = bytes.NewReader(pdf)
			out, err := cmd.Output()
			text := strings.Join(strings.Fields(string(out)), " ")
			if err != nil || !strings.Contains(text, "Day of Action briefing: "+c.Name) || !strings.Contains(text, "Made by Care Voices Together") ||
				!strings.Contains(text, "Children's services are run by councils") || !strings.Contains(text, "release "+release) {
				t.Errorf("%s text lacks the title, the organisation, the council or the release: %.300s", r[3], text)
			}
			checked++
		}
	}
	if len(zr.File) != len(g.Constituencies())+1 {
		t.Errorf("%d files in the ZIP, want %d PDFs and index.csv", len(zr.File), len(g.Constituencies()))
	}
}

// TestBatchRestartsWhenResultsChange: a batch taken over after the results changed
// starts again from the first briefing, so that every briefing in it agrees.
func TestBatchRestartsWhenResultsChange(t *testing.T) {
	f := newFixture(t, 3000)
	ctx := context.Background()
	first := f.service("first", 100*time.Millisecond, func(done int) bool { return done < 50 })
	b, err := first.StartBatch(ctx, &chorus.User{ID: "u1"}, f.sv.ID, geo.LevelConstituency, "en")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := first.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	before, _ := first.FindBatch(ctx, b.ID)
	cla, _ := geo.ChildrenLookedAfter()
	f.store.c = cube(f.sv, f.g, cla, 3100, 9) // more responses arrived
	time.Sleep(200 * time.Millisecond)
	var saves []int
	second := f.service("second", time.Minute, func(done int) bool { saves = append(saves, done); return len(saves) < 2 })
	if _, err := second.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	after, _ := second.FindBatch(ctx, b.ID)
	if after.Release == before.Release || len(saves) == 0 || saves[0] > 25 {
		t.Errorf("release %s → %s, saves %v: want a new release and a start from the first briefing", before.Release, after.Release, saves)
	}
}

func TestStartBatchChecks(t *testing.T) {
	f := newFixture(t, 100)
	svc := f.service("x", time.Minute, nil)
	_, err := svc.StartBatch(context.Background(), &chorus.User{ID: "u"}, "nope", "council", "fr")
	fields := chorus.ErrorFields(err)
	if chorus.ErrorCode(err) != chorus.EINVALID || fields["survey"] == "" || fields["level"] == "" || fields["lang"] == "" {
		t.Errorf("bad batch request: %v %v", err, fields)
	}
}
