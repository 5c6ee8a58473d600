package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/chorus-voice/chorus/server/app"
	"github.com/chorus-voice/chorus/server/auth"
	"github.com/chorus-voice/chorus/server/mongodb"
)

const resultsUsage = `Usage:
  chorus results rebuild [SURVEY]

rebuild recounts a survey's results (every survey's, without SURVEY) from its stored
responses and replaces the aggregates. It works on the store named by MONGODB_URI (for
a running server with the embedded store, use the URI it printed), or else on the
embedded store in CHORUS_DATA. Running servers pick up the new counts within seconds.
With several servers taking responses, run it when traffic is low: a batch another
server stores during the recount may be left out until that server's next check.
`

// runResults runs `chorus results rebuild [SURVEY]`.
func runResults(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) > 0 && isHelp(args[0]) {
		fmt.Fprint(stdout, resultsUsage)
		return 0
	}
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
	svc, closeAll, err := openServices(cfg, log, time.Now)
	if err != nil {
		fmt.Fprintln(stderr, "chorus:", err)
		return 1
	}
	defer closeAll()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Hour)
	defer cancel()
	// The reviews are loaded first, so that reviewed themes count in the recount as
	// they do in the server's.
	if err := svc.Load(ctx); err != nil {
		fmt.Fprintln(stderr, "chorus:", err)
		return 1
	}
	start := time.Now()
	if err := svc.Results.Rebuild(ctx, survey); err != nil {
		fmt.Fprintln(stderr, "chorus:", describeError(err))
		return 1
	}
	what := "every survey's results"
	if survey != "" {
		c, err := svc.Counts.Snapshot(ctx, survey)
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

// openServices opens the configured store for a command, waits until it answers, and
// builds the services on it; nothing runs in the background. closeAll stores what is
// still queued and closes the store.
func openServices(cfg Config, log *slog.Logger, clock func() time.Time) (svc *app.Services, closeAll func(), err error) {
	db, err := openStoreForCommand(cfg, log)
	if err != nil {
		return nil, nil, err
	}
	svc, err = app.Build(context.Background(), app.Config{SurveysDir: cfg.SurveysDir, Secret: []byte(cfg.JWTSecret)}, db, clock, log)
	if err != nil {
		_ = db.Close(context.Background())
		return nil, nil, err
	}
	return svc, func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = svc.Close(ctx)
		_ = db.Close(ctx)
	}, nil
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
