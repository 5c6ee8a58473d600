package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/geo"
	"github.com/chorus-voice/chorus/server/mongodb"
	"github.com/chorus-voice/chorus/server/results"
	"github.com/chorus-voice/chorus/server/results/synth"
)

const demoUsage = `Usage:
  chorus demo [--responses N] [--survey ID] [--seed S]

demo loads N synthetic responses to a survey (default the first open one) so that the
dashboards, briefings and results show something at once. By default N is one in five
of the children looked after in England (about 16,000), spread over councils in
proportion to the children each looks after (DfE, 31 March 2025), as a real survey's
responses would be. They are made up — spread over ages, versions and the weeks since
the survey opened, with some free text — and go through the same checks, redaction and
counting as real answers. Every one has a submission id starting "demo-", and pages say that the results
contain demo data. Do not load demo data into a store that holds real responses.

It works on the store named by MONGODB_URI, or else on the embedded store in
CHORUS_DATA (stop the server first, or set MONGODB_URI to the URI it printed). A
running server on that store shows the demo data within seconds.
`

// runDemo runs `chorus demo`.
func runDemo(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	return demo(args, stdout, stderr, getenv, time.Now)
}

// demo is runDemo with a clock: the responses are spread over the weeks before now.
func demo(args []string, stdout, stderr io.Writer, getenv func(string) string, clock func() time.Time) int {
	fs := flag.NewFlagSet("chorus demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // demoUsage says it all, once
	n := fs.Int("responses", 0, "how many synthetic responses to load (default: one in five of the children looked after)")
	surveyID := fs.String("survey", "", "the survey to load them into (default: the first open survey)")
	seed := fs.Uint64("seed", 0, "random seed (default: a new one each time)")
	switch err := fs.Parse(args); {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, demoUsage)
		return 0
	case err != nil || fs.NArg() > 0 || *n < 0 || *n > 10_000_000:
		if err != nil {
			fmt.Fprintln(stderr, "chorus demo:", err)
		}
		fmt.Fprint(stderr, demoUsage)
		return 2
	}
	cfg, err := LoadConfig(withoutSigningSecret(getenv))
	if err != nil {
		fmt.Fprintln(stderr, "chorus:", err)
		return 1
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	svc, closeAll, err := openServices(cfg, log, clock)
	if err != nil {
		fmt.Fprintln(stderr, "chorus:", err)
		return 1
	}
	defer closeAll()
	ctx := context.Background()
	// The same intake path as the server, with its checks, redaction and tagging,
	// writing through the group-commit store and counted as the server counts.
	if err := svc.Load(ctx); err != nil {
		fmt.Fprintln(stderr, "chorus:", err)
		return 1
	}

	var sv *chorus.Survey
	if *surveyID != "" {
		if sv, err = svc.Surveys.FindSurvey(ctx, *surveyID); err != nil {
			fmt.Fprintln(stderr, "chorus:", describeError(err))
			return 1
		}
	} else if open := svc.Surveys.OpenSurveys(ctx); len(open) > 0 {
		sv = open[0]
	}
	now := clock().UTC()
	if sv == nil || !sv.IsOpen(now) {
		fmt.Fprintf(stderr, "chorus: there is no open survey to load demo data into (surveys are in %s)\n", cfg.SurveysDir)
		return 1
	}
	intakeService := svc.Intake
	from := now.AddDate(0, 0, -84)
	if sv.Opens.After(from) {
		from = sv.Opens
	}
	if *seed == 0 {
		*seed = uint64(now.UnixNano())
	}
	cla, err := geo.ChildrenLookedAfter()
	if err != nil {
		fmt.Fprintln(stderr, "chorus:", err)
		return 1
	}
	if *n == 0 {
		total, _ := cla.Sum(slices.Collect(maps.Keys(cla.ByCode)))
		*n = total / 5
	}
	sizes := maps.Clone(cla.ByCode)
	for _, a := range svc.Geo.Areas() {
		if _, ok := sizes[a.Code]; !ok && a.RegionCode == geo.WalesCode {
			// No trustworthy per-council Welsh figures are shipped (see
			// surveys/population/SOURCES.md): Wales's 7,198 children looked after on
			// 31 March 2024, shared evenly among its 22 councils.
			sizes[a.Code] = 7198 / 22
		}
	}
	gen := &synth.Generator{Survey: sv, Councils: svc.Geo.Areas(), Sizes: sizes, Versions: synth.SurveyShaped, From: from, To: now,
		Rand: rand.New(rand.NewPCG(*seed, 0x5eed))}

	fmt.Fprintf(stdout, "Loading %d synthetic responses into %q (submission ids start %q)...\n", *n, sv.ID, results.DemoPrefix)
	start := time.Now()
	type job struct {
		sub *chorus.Submission
		day time.Time
	}
	jobs := make(chan job, 256)
	var stored, failed atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				s := *intakeService // its own clock: the day the made-up young person answered
				s.Now = func() time.Time { return j.day }
				sctx, cancel := context.WithTimeout(ctx, time.Minute)
				_, err := s.Submit(sctx, j.sub)
				cancel()
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err)
					continue
				}
				stored.Add(1)
			}
		}()
	}
	for range *n {
		sub := gen.Submission(gen.NextID())
		day, _ := time.Parse(time.DateOnly, gen.Day())
		day = day.Add(12 * time.Hour)
		if day.Before(sv.Opens) {
			day = sv.Opens
		}
		if day.After(now) {
			day = now
		}
		jobs <- job{sub, day}
	}
	close(jobs)
	wg.Wait()
	closeCtx, cancel := context.WithTimeout(ctx, time.Minute)
	_ = svc.Writer.Close(closeCtx)
	cancel()
	if failed.Load() > 0 {
		fmt.Fprintf(stderr, "chorus: %d responses were not stored; the first error: %s\n", failed.Load(), describeError(firstErr.Load().(error)))
	}
	if stored.Load() == 0 {
		return 1
	}
	// Fold the new counts into the survey's snapshot: a running server sees the
	// snapshot change at its next poll (every 2 seconds) and reloads the survey, so
	// the demo data shows without a restart, whichever store it runs on.
	if err := svc.Counts.Compact(ctx, sv.ID); err != nil {
		fmt.Fprintln(stderr, "chorus: the counts are stored but not yet folded together; a running server shows them within 5 minutes:", describeError(err))
	}
	// Release them now, as "release now" on the dashboard would (the step rule still
	// applies): pages show only released figures, and a running server reads the new
	// release within seconds instead of waiting for CHORUS_RELEASE_INTERVAL.
	if _, err := svc.Releases.Release(ctx, sv.ID, true); err != nil {
		fmt.Fprintln(stderr, "chorus: the demo responses are counted but not yet released; they show at the next release:", describeError(err))
	}
	fmt.Fprintf(stdout, "Stored %d demo responses in %s.\n", stored.Load(), time.Since(start).Round(time.Millisecond))
	where := "the embedded store in " + cfg.DataDir
	if cfg.MongoURI != "" {
		where = svc.DB.URI
	}
	base, running := serverURL(ctx, svc.DB, cfg.Port)
	next := "Start the server (go run ./server) and sign in as an admin or facilitator, then look at:"
	if running {
		next = "The server at " + base + " shows them now. Sign in as an admin or facilitator and look at:"
	}
	fmt.Fprintf(stdout, `They are in %s, counted in the results, and marked as demo data.
%s
  %s/dashboard/%s                      the dashboard
  %s/api/v1/surveys/%s/results         the results API (JSON)
  %s/api/v1/surveys/%s/results.csv     the aggregated tables (CSV)
  %s/briefings                                    Day of Action briefings
`, where, next, base, sv.ID, base, sv.ID, base, sv.ID, base)
	return 0
}

// serverURL is the address of the server that last started on db, and whether it
// answers now; without one, http://localhost:PORT.
func serverURL(ctx context.Context, db *mongodb.DB, port int) (string, bool) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	base, err := db.Setting(ctx, mongodb.SettingServerURL)
	if err != nil || base == "" {
		return fmt.Sprintf("http://localhost:%d", port), false
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
	if err != nil {
		return base, false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return base, false
	}
	resp.Body.Close()
	return base, resp.StatusCode == http.StatusOK
}
