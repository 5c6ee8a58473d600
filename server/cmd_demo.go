package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/geo"
	"github.com/chorus-voice/chorus/server/intake"
	"github.com/chorus-voice/chorus/server/results"
	"github.com/chorus-voice/chorus/server/results/synth"
	"github.com/chorus-voice/chorus/server/web"
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
CHORUS_DATA (stop the server first, or set MONGODB_URI to the URI it printed).
`

// runDemo runs `chorus demo`.
func runDemo(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("chorus demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("responses", 0, "how many synthetic responses to load (default: one in five of the children looked after)")
	surveyID := fs.String("survey", "", "the survey to load them into (default: the first open survey)")
	seed := fs.Uint64("seed", 0, "random seed (default: a new one each time)")
	fs.Usage = func() { fmt.Fprint(stderr, demoUsage) }
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || *n < 0 || *n > 10_000_000 {
		fmt.Fprint(stderr, demoUsage)
		return 2
	}
	cfg, err := LoadConfig(withoutSigningSecret(getenv))
	if err != nil {
		fmt.Fprintln(stderr, "chorus:", err)
		return 1
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	m := NewMain(cfg, log)
	if m.DB, err = openStoreForCommand(cfg, log); err != nil {
		fmt.Fprintln(stderr, "chorus:", err)
		return 1
	}
	defer func() { _ = m.DB.Close(context.Background()) }()
	// The same intake path as the server: the web layer's response service, with its
	// checks, redaction and tagging, writing through the group-commit store.
	if m.HTTP, err = web.New(web.Config{}, log, prometheus.NewRegistry()); err != nil {
		fmt.Fprintln(stderr, "chorus:", err)
		return 1
	}
	if err := m.openSurveys(); err != nil {
		fmt.Fprintln(stderr, "chorus:", err)
		return 1
	}
	ctx := context.Background()
	agg := m.DB.NewAggregates(m.Surveys)
	if err := agg.Load(ctx); err != nil {
		fmt.Fprintln(stderr, "chorus: load results:", err)
		return 1
	}
	m.Responses.OnBatch = agg.OnBatch

	var sv *chorus.Survey
	if *surveyID != "" {
		if sv, err = m.Surveys.FindSurvey(ctx, *surveyID); err != nil {
			fmt.Fprintln(stderr, "chorus:", describeError(err))
			return 1
		}
	} else if open := m.Surveys.OpenSurveys(ctx); len(open) > 0 {
		sv = open[0]
	}
	now := time.Now().UTC()
	if sv == nil || !sv.IsOpen(now) {
		fmt.Fprintf(stderr, "chorus: there is no open survey to load demo data into (surveys are in %s)\n", cfg.SurveysDir)
		return 1
	}
	svc, ok := m.HTTP.Responses.(*intake.Service)
	if !ok {
		fmt.Fprintln(stderr, "chorus: the response service is not the intake service")
		return 1
	}
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
	gen := &synth.Generator{Survey: sv, Councils: m.Geo.Areas(), Sizes: cla.ByCode, Versions: synth.SurveyShaped, From: from, To: now,
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
				s := *svc // its own clock: the day the made-up young person answered
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
	_ = m.Responses.Close(closeCtx)
	cancel()
	if failed.Load() > 0 {
		fmt.Fprintf(stderr, "chorus: %d responses were not stored; the first error: %s\n", failed.Load(), describeError(firstErr.Load().(error)))
	}
	if stored.Load() == 0 {
		return 1
	}
	fmt.Fprintf(stdout, "Stored %d demo responses in %s.\n", stored.Load(), time.Since(start).Round(time.Millisecond))
	where := "the embedded store in " + cfg.DataDir
	if cfg.MongoURI != "" {
		where = m.DB.URI
	}
	fmt.Fprintf(stdout, `They are in %s, counted in the results, and marked as demo data.
Start the server (go run ./server) and sign in as an admin or facilitator, then look at:
  http://localhost:%d/dashboard/%s                      the dashboard
  http://localhost:%d/api/v1/surveys/%s/results         the results API (JSON)
  http://localhost:%d/api/v1/surveys/%s/results.csv     the aggregated tables (CSV)
  http://localhost:%d/briefings                                    Day of Action briefings
`, where, cfg.Port, sv.ID, cfg.Port, sv.ID, cfg.Port, sv.ID, cfg.Port)
	return 0
}
