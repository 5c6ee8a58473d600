package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/chorus-voice/chorus/server/auth"
	"github.com/chorus-voice/chorus/server/geo"
	"github.com/chorus-voice/chorus/server/intake"
	"github.com/chorus-voice/chorus/server/mongodb"
	"github.com/chorus-voice/chorus/server/results"
)

// openResults keeps the results aggregates: every stored batch of responses is counted
// (set before the response writer gets any traffic), the counts are loaded and kept in
// step with other instances in the background, and the pages and API read them.
func (m *Main) openResults(ctx context.Context) {
	agg := m.DB.NewAggregates(m.Surveys)
	// While responses stream in, work out the published tables at most every 2 seconds
	// (other instances' counts lag by about as much anyway).
	agg.MaxStale = 2 * time.Second
	m.Responses.OnBatch = agg.OnBatch
	if m.Reviews != nil {
		agg.ThemesOf = m.Reviews.ThemesOf // reviewed themes win in every count
	}
	agg.Start(ctx)
	m.Aggregates = agg
	places := placesOf(m.Geo)
	// Every figure shown comes from a stored release, made in the background at most
	// every CHORUS_RELEASE_INTERVAL (see the results package).
	m.Releases = &results.Releaser{Store: mongodb.NewReleases(m.DB), Live: agg, Surveys: m.Surveys, Places: places,
		Interval: m.Config.ReleaseInterval, Lease: m.DB.Lease, Log: m.Log}
	go m.Releases.Run(ctx)
	m.HTTP.Results = &results.Service{Store: agg, Surveys: m.Surveys, Places: places, Releases: m.Releases}
	m.HTTP.Releases = m.Releases
}

// placesOf gives the results package the shipped geography.
func placesOf(g *geo.Geography) *results.Places {
	return &results.Places{
		Councils: g.Areas(), CountryCode: geo.EnglandCode, CountryName: geo.EnglandName,
		Nations: map[string]string{geo.WalesCode: geo.WalesName},
		Constituency: func(code string) (string, []string, bool) {
			c, ok := g.Constituency(code)
			return c.Name, c.Councils, ok
		},
	}
}

const resultsUsage = `Usage:
  chorus results rebuild [SURVEY]

rebuild recounts a survey's results (every survey's, without SURVEY) from its stored
responses and replaces the aggregates. For one SURVEY it then makes a new release of its
results if at least k responses changed (old releases are never edited). It works on the store named by MONGODB_URI (for
a running server with the embedded store, use the URI it printed), or else on the
embedded store in CHORUS_DATA. Running servers pick up the new counts within seconds.
With several servers taking responses, run it when traffic is low: a batch another
server stores during the recount may be left out until that server's next check.
`

// runResults runs `chorus results rebuild [SURVEY]`.
func runResults(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 || args[0] != "rebuild" || len(args) > 2 {
		fmt.Fprint(stderr, resultsUsage)
		return 2
	}
	survey := ""
	if len(args) == 2 {
		survey = args[1]
	}
	cfg, err := LoadConfig(withoutSigningSecret(getenv))
	if err != nil {
		fmt.Fprintln(stderr, "chorus:", err)
		return 1
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	db, err := openStoreForCommand(cfg, log)
	if err != nil {
		fmt.Fprintln(stderr, "chorus:", err)
		return 1
	}
	defer func() { _ = db.Close(context.Background()) }()
	g, err := geo.Load()
	if err != nil {
		fmt.Fprintln(stderr, "chorus:", err)
		return 1
	}
	catalog := intake.NewCatalog(cfg.SurveysDir, g.Areas(), log)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Hour)
	defer cancel()
	agg := db.NewAggregates(catalog)
	if err := agg.Load(ctx); err != nil {
		fmt.Fprintln(stderr, "chorus: load results:", err)
		return 1
	}
	start := time.Now()
	places := placesOf(g)
	releases := &results.Releaser{Store: mongodb.NewReleases(db), Live: agg, Surveys: catalog, Places: places, Lease: db.Lease}
	svc := &results.Service{Store: agg, Surveys: catalog, Places: places, Releases: releases}
	if err := svc.Rebuild(ctx, survey); err != nil {
		fmt.Fprintln(stderr, "chorus:", describeError(err))
		return 1
	}
	what := "every survey's results"
	if survey != "" {
		c, err := agg.Snapshot(ctx, survey)
		if err == nil {
			what = fmt.Sprintf("the results of %s (%d responses)", survey, c.Responses())
		}
	}
	fmt.Fprintf(stdout, "Rebuilt %s from the stored responses in %s.\n", what, time.Since(start).Round(time.Millisecond))
	return 0
}

// withoutSigningSecret lets commands that sign nothing load the configuration without a
// signing secret, which LoadConfig requires with MONGODB_URI.
func withoutSigningSecret(getenv func(string) string) func(string) string {
	return func(k string) string {
		if v := getenv(k); v != "" || k != "CHORUS_JWT_SECRET" {
			return v
		}
		return strings.Repeat("x", auth.MinSecretLen)
	}
}

// openStoreForCommand opens the configured store for a command and waits until it
// answers.
func openStoreForCommand(cfg Config, log *slog.Logger) (*mongodb.DB, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	db, err := mongodb.Open(ctx, mongodb.Options{URI: cfg.MongoURI, DataDir: cfg.DataDir, Database: cfg.Database, Logger: log})
	if err != nil {
		return nil, err
	}
	if err := db.WaitReady(ctx); err != nil {
		_ = db.Close(context.Background())
		return nil, fmt.Errorf("cannot reach the store at %s: %v", db.URI, err)
	}
	return db, nil
}
