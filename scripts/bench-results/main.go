// Command bench-results measures the results endpoint at a million responses next to
// the time of a full recount, in the same run.
//
// It loads the aggregates of -responses synthetic responses (default 1,000,000) the way
// the server keeps them — one delta document per stored batch of 500, then a compaction —
// restarts (loads them back), serves the real HTTP API with the real auth and publisher,
// and times GET /api/v1/surveys/{survey}/results for a mix of filters: warm (the current
// release's tables cached) and cold (k new responses arrived just before each request,
// so the request makes a new release and works its tables out afresh). It then stores -stored real response documents
// (default 100,000) and times a full recount (Rebuild) over them, and extrapolates that
// to -responses; with -stored equal to -responses it measures the whole recount.
//
//	go run ./scripts/bench-results                    # about 3 minutes on the embedded store
//	go run ./scripts/bench-results -stored 1000000    # the full recount too: about 10 minutes more
//
// It uses a fresh embedded store in a temporary directory, or the MongoDB at MONGODB_URI
// (a fresh database, dropped afterwards).
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/chorus-voice/chorus/server/app"
	"github.com/chorus-voice/chorus/server/auth"
	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/geo"
	"github.com/chorus-voice/chorus/server/intake"
	"github.com/chorus-voice/chorus/server/mongodb"
	"github.com/chorus-voice/chorus/server/results"
	"github.com/chorus-voice/chorus/server/results/synth"
	"github.com/chorus-voice/chorus/server/web"
)

func main() {
	n := flag.Int("responses", 1_000_000, "responses whose aggregates are loaded")
	stored := flag.Int("stored", 100_000, "response documents stored and recounted (extrapolated to -responses)")
	requests := flag.Int("requests", 100, "requests per filter, warm and cold each")
	surveysDir := flag.String("surveys", "surveys", "directory of survey files")
	flag.Parse()
	if err := run(*n, *stored, *requests, *surveysDir); err != nil {
		fmt.Fprintln(os.Stderr, "bench-results:", err)
		os.Exit(1)
	}
}

func run(n, stored, requests int, surveysDir string) error {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	dir, err := os.MkdirTemp("", "bench-results-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var b [6]byte
	_, _ = rand.Read(b[:])
	db, err := mongodb.Open(ctx, mongodb.Options{URI: os.Getenv("MONGODB_URI"), DataDir: dir,
		Database: fmt.Sprintf("bench_%x", b), Logger: log})
	if err != nil {
		return err
	}
	defer db.Close(ctx)
	defer db.Drop(ctx)
	if err := db.WaitReady(ctx); err != nil {
		return err
	}
	g, err := geo.Load()
	if err != nil {
		return err
	}
	catalog := intake.NewCatalog(surveysDir, g.Areas(), log)
	sv, err := catalog.FindSurvey(ctx, "your-life-your-voice")
	if err != nil {
		return err
	}
	fmt.Printf("Chorus results benchmark: %d responses, survey %s, GOMAXPROCS %d, store %s\n\n",
		n, sv.ID, runtime.GOMAXPROCS(0), map[bool]string{true: "embedded FerretDB", false: "MongoDB"}[db.Embedded()])

	gen := &synth.Generator{Survey: sv, Councils: g.Areas(), Rand: mrand.New(mrand.NewPCG(1, 2)),
		From: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)}

	// 1. The aggregates of n responses, kept as the server keeps them.
	agg := results.NewCounter(mongodb.NewAggregateStore(db), catalog, log)
	if err := agg.Load(ctx); err != nil {
		return err
	}
	start := time.Now()
	const batch = 500
	rs := make([]*chorus.Response, 0, batch)
	var genTime time.Duration
	for i := range n {
		t := time.Now()
		rs = append(rs, gen.Response(gen.NextID()))
		genTime += time.Since(t)
		if len(rs) == batch || i == n-1 {
			if err := agg.OnBatch(ctx, rs); err != nil {
				return err
			}
			rs = rs[:0]
		}
	}
	deltas := time.Since(start)
	fmt.Printf("%-52s %10s  (%d delta documents; generating the answers took %s)\n", fmt.Sprintf("Count %d responses in batches of 500 (OnBatch)", n),
		round(deltas-genTime), (n+batch-1)/batch, round(genTime))
	start = time.Now()
	if err := agg.Compact(ctx, ""); err != nil {
		return err
	}
	fmt.Printf("%-52s %10s\n", "Compact the deltas into a snapshot", round(time.Since(start)))
	start = time.Now()
	agg = results.NewCounter(mongodb.NewAggregateStore(db), catalog, log)
	if err := agg.Load(ctx); err != nil {
		return err
	}
	fmt.Printf("%-52s %10s\n", "Load the aggregates at start (restart)", round(time.Since(start)))
	cube, _ := agg.Snapshot(ctx, sv.ID)
	if cube.Responses() != int64(n) {
		return fmt.Errorf("loaded %d responses, want %d", cube.Responses(), n)
	}

	// 2. The results endpoint, over real HTTP with real auth.
	places := &results.Places{Councils: g.Areas(),
		Constituency: func(code string) (string, []string, bool) {
			c, ok := g.Constituency(code)
			return c.Name, c.Councils, ok
		}}
	// Every figure comes from a release (interval 0: a read makes one as soon as k new
	// responses are in).
	releases := &results.Releaser{Store: mongodb.NewReleases(db), Live: agg, Surveys: catalog, Places: places, Lease: db.Lease}
	svc := &results.Service{Store: agg, Surveys: catalog, Places: places, Releases: releases}
	base, token, stop, err := serve(ctx, db, catalog, svc, log)
	if err != nil {
		return err
	}
	defer stop()
	filters := []string{"", "version=13-17", "age_band=13-15", "live_with=foster_carers", "area=E10000016",
		"region=E12000008", "constituency=E14001063", "from=2026-10-01&to=2026-10-31"}
	client := &http.Client{Timeout: time.Minute}
	get := func(q string) (time.Duration, error) {
		req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/surveys/"+sv.ID+"/results?"+q, nil)
		tok, err := token() // a fresh session each time: a long cold loop outlives one
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		t := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		d := time.Since(t)
		if resp.StatusCode != http.StatusOK {
			return d, fmt.Errorf("GET results?%s: %d", q, resp.StatusCode)
		}
		return d, nil
	}
	var warm, cold []time.Duration
	extra := &synth.Generator{Survey: sv, Councils: g.Areas(), Rand: mrand.New(mrand.NewPCG(3, 4))}
	// The first read makes the release and works each filter's tables out: not timed.
	for _, q := range filters {
		if _, err := get(q); err != nil {
			return err
		}
	}
	for range requests {
		for _, q := range filters {
			d, err := get(q)
			if err != nil {
				return err
			}
			warm = append(warm, d)
		}
	}
	k := sv.Threshold
	if k <= 0 {
		k = 10
	}
	for range requests {
		for _, q := range filters {
			// k new responses just arrived: the next request makes a new release (the
			// step rule allows it) and works its tables out afresh.
			batch := make([]*chorus.Response, k)
			for i := range batch {
				batch[i] = extra.Response(extra.NextID())
			}
			if err := agg.OnBatch(ctx, batch); err != nil {
				return err
			}
			d, err := get(q)
			if err != nil {
				return err
			}
			cold = append(cold, d)
		}
	}
	fmt.Printf("\n%-52s %10s %10s %10s\n", "GET /api/v1/surveys/{survey}/results (8 filters)", "p50", "p99", "max")
	fmt.Printf("%-52s %10s %10s %10s\n", "  warm (a release's tables cached)", round(pct(warm, 50)), round(pct(warm, 99)), round(pct(warm, 100)))
	fmt.Printf("%-52s %10s %10s %10s\n", "  cold (k new responses, so a new release, before every request)", round(pct(cold, 50)), round(pct(cold, 99)), round(pct(cold, 100)))

	// 3. A full recount from stored responses.
	store := db.NewResponseStore(500, 0)
	start = time.Now()
	var wg sync.WaitGroup
	work := make(chan *chorus.Response, 4096)
	for range 256 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range work {
				// A busy store says "try again"; so does the benchmark, as a client would.
				for try := 0; ; try++ {
					err := store.InsertResponse(ctx, r)
					if err == nil || chorus.ErrorCode(err) == chorus.ECONFLICT {
						break
					}
					if chorus.ErrorCode(err) != chorus.EUNAVAILABLE || try == 20 {
						log.Error("store", "err", err)
						break
					}
					time.Sleep(time.Duration(50*(try+1)) * time.Millisecond)
				}
			}
		}()
	}
	for range stored {
		work <- gen.Response(gen.NextID())
	}
	close(work)
	wg.Wait()
	_ = store.Close(ctx)
	storeTime := time.Since(start)
	fmt.Printf("\n%-52s %10s  (%.0f responses/s through the group-commit writer)\n",
		fmt.Sprintf("Store %d response documents", stored), round(storeTime), float64(stored)/storeTime.Seconds())
	if got, err := store.CountResponses(ctx, sv.ID); err != nil || got != int64(stored) {
		return fmt.Errorf("stored %d responses, want %d (%v)", got, stored, err)
	}
	rebuilder := results.NewCounter(mongodb.NewAggregateStore(db), catalog, log)
	if err := rebuilder.Load(ctx); err != nil {
		return err
	}
	start = time.Now()
	if err := rebuilder.Rebuild(ctx, sv.ID); err != nil {
		return err
	}
	recount := time.Since(start)
	perResponse := recount / time.Duration(stored)
	full := perResponse * time.Duration(n)
	fmt.Printf("%-52s %10s  (%.0f responses/s)\n", fmt.Sprintf("Full recount (Rebuild) of %d stored responses", stored),
		round(recount), float64(stored)/recount.Seconds())
	label := fmt.Sprintf("Full recount of %d responses", n)
	if stored < n {
		label += " (extrapolated)"
	}
	fmt.Printf("%-52s %10s\n", label, round(full))
	start = time.Now()
	c := results.NewCube(sv.ID)
	d := results.NewDelta(sv.ID)
	cpu := &synth.Generator{Survey: sv, Councils: g.Areas(), Rand: mrand.New(mrand.NewPCG(5, 6))}
	var gen2 time.Duration
	for i := range 200_000 {
		t := time.Now()
		r := cpu.Response(cpu.NextID())
		gen2 += time.Since(t)
		d.Add(sv, results.Mapping{}, r, 1, nil)
		if i%5000 == 4999 {
			c.Merge(d)
			d = results.NewDelta(sv.ID)
		}
	}
	counting := (time.Since(start) - gen2) * time.Duration(n) / 200_000
	fmt.Printf("%-52s %10s  (counting alone, no store: the floor of any recount)\n", fmt.Sprintf("In-memory count of %d responses", n), round(counting))
	fmt.Printf("\nA full recount of %d responses takes %.0f× the cold p99 and %.0f× the warm p50 of the results endpoint.\n",
		n, float64(full)/float64(pct(cold, 99)), float64(full)/float64(pct(warm, 50)))
	return nil
}

// serve starts the real web server with the results service and returns its address and
// a way to get a facilitator's session token.
func serve(ctx context.Context, db *mongodb.DB, catalog *intake.Catalog, svc *results.Service, log *slog.Logger) (string, func() (string, error), func(), error) {
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	built, err := app.Build(ctx, app.Config{SurveysDir: catalog.Dir(), Secret: secret, Hasher: auth.NewHasher(64, 1, 1, 4)}, db, nil, log)
	if err != nil {
		return "", nil, nil, err
	}
	h := built.Handlers
	h.Surveys, h.Results, h.Releases = catalog, svc, svc.Releases // the aggregates loaded above
	s, err := web.New(web.Config{RequestTimeout: time.Minute}, log, prometheus.NewRegistry(), web.Services(h))
	if err != nil {
		return "", nil, nil, err
	}
	u := &chorus.User{Email: "bench@example.org", Role: chorus.RoleFacilitator}
	if _, err := h.Auth.CreateUser(ctx, auth.Actor{Via: "bench"}, u, "tangerine orbit lantern"); err != nil {
		return "", nil, nil, err
	}
	token := func() (string, error) {
		t, _, err := h.Tokens.IssueSession(u.ID, nil)
		return t, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, nil, err
	}
	go func() { _ = s.Serve(ln) }()
	return "http://" + ln.Addr().String(), token, func() { _ = s.Shutdown(context.Background()) }, nil
}

func pct(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := (len(s)*p + 99) / 100
	return s[min(max(i-1, 0), len(s)-1)]
}

func round(d time.Duration) time.Duration {
	switch {
	case d > 10*time.Second:
		return d.Round(100 * time.Millisecond)
	case d > time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}
