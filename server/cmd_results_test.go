package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/chorus-voice/chorus/server/app"
	"github.com/chorus-voice/chorus/server/auth"
	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/mongodb"
	"github.com/chorus-voice/chorus/server/mongodb/mongodbtest"
	"github.com/chorus-voice/chorus/server/results"
	"github.com/chorus-voice/chorus/server/web"
	"github.com/prometheus/client_golang/prometheus"
)

// testToday is the commands' tests' today: inside the example survey's dates, whatever
// the real date.
var testToday = time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)

const ylyv = "your-life-your-voice"

// storeEnv is a fresh database of the test store, reached through MONGODB_URI as an
// operator reaches a running server's store, with the shipped surveys.
func storeEnv(t *testing.T) (map[string]string, *mongodb.DB) {
	t.Helper()
	env := map[string]string{"MONGODB_URI": mongodbtest.URI(t), "CHORUS_DATABASE": mongodbtest.Database(),
		"CHORUS_SURVEYS": "../surveys", "PORT": "0"}
	db, err := mongodb.Open(context.Background(), mongodb.Options{URI: env["MONGODB_URI"], Database: env["CHORUS_DATABASE"], Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = db.Drop(ctx)
		_ = db.Close(ctx)
	})
	return env, db
}

// loadedServices builds the services on db as a command does, with the test clock,
// and loads the reviews and counts.
func loadedServices(t *testing.T, db *mongodb.DB) *app.Services {
	t.Helper()
	svc, err := app.Build(context.Background(), app.Config{SurveysDir: "../surveys", Secret: []byte(strings.Repeat("s", 32)),
		Hasher: auth.NewHasher(64, 1, 1, 4)}, db, func() time.Time { return testToday }, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Close(context.Background()) })
	if err := svc.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	return svc
}

// themeCount is how many young people the counts have for a theme of the example survey.
func themeCount(t *testing.T, svc *app.Services, theme string) int {
	t.Helper()
	r, err := svc.Results.Results(context.Background(), ylyv, chorus.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	return r.Themes[theme]
}

// TestResultsRebuildKeepsReviewedThemes: `chorus results rebuild` counts a reviewed
// answer's reviewed themes, as the server does, not the machine's tags.
func TestResultsRebuildKeepsReviewedThemes(t *testing.T) {
	ctx := context.Background()
	env, db := storeEnv(t)
	svc := loadedServices(t, db)
	for i, text := range []string{"I want to see my sister more", "more time with my brother"} {
		sub := &chorus.Submission{Survey: ylyv, Version: "13-17", SubmissionID: "rebuild-test-" + string(rune('a'+i)),
			Answers: map[string]any{"better": text}}
		if _, err := svc.Intake.Submit(ctx, sub); err != nil {
			t.Fatal(err)
		}
	}
	if n := themeCount(t, svc, "family_contact"); n != 2 {
		t.Fatalf("family_contact counted %d times after two answers about family, want 2", n)
	}
	page, err := svc.Review.FindAnswers(ctx, chorus.AnswerFilter{Survey: ylyv, Theme: "family_contact"})
	if err != nil || len(page.Answers) != 2 {
		t.Fatalf("answers about family: %v, %v", page, err)
	}
	if _, err := svc.Review.Review(ctx, chorus.ReviewChange{Survey: ylyv, ResponseID: page.Answers[0].ResponseID,
		Question: "better", Action: chorus.ReviewRemove, Theme: "family_contact", By: "test"}); err != nil {
		t.Fatal(err)
	}
	if n := themeCount(t, svc, "family_contact"); n != 1 {
		t.Fatalf("family_contact counted %d times after a review removed it from one answer, want 1", n)
	}

	var out, errOut bytes.Buffer
	if code := runResults([]string{"rebuild", ylyv}, &out, &errOut, func(k string) string { return env[k] }); code != 0 {
		t.Fatalf("results rebuild: exit %d\n%s", code, errOut.String())
	}
	if n := themeCount(t, loadedServices(t, db), "family_contact"); n != 1 {
		t.Errorf("after `results rebuild` family_contact is counted %d times, want 1: the review was lost", n)
	}
}

// TestDemoHelp: `chorus demo --help` prints its usage once, to standard output, and
// succeeds; so does --help of every other command.
func TestDemoHelp(t *testing.T) {
	for _, arg := range []string{"--help", "-h"} {
		var out, errOut bytes.Buffer
		code := runDemo([]string{arg}, &out, &errOut, func(string) string { return "" })
		if code != 0 || strings.Count(out.String(), "Usage:") != 1 || errOut.Len() != 0 {
			t.Errorf("demo %s: exit %d, stdout %q, stderr %q; want 0 and the usage once on stdout", arg, code, out.String(), errOut.String())
		}
	}
	for _, cmd := range []string{"user", "results", "survey", "demo"} {
		var out, errOut bytes.Buffer
		if code := run([]string{cmd, "--help"}, nil, &out, &errOut); code != 0 || !strings.Contains(strings.ToLower(out.String()), "usage") {
			t.Errorf("%s --help: exit %d, stdout %q; want 0 and its usage", cmd, code, out.String())
		}
	}
	var out, errOut bytes.Buffer
	if code := runDemo([]string{"--responses", "many"}, &out, &errOut, func(string) string { return "" }); code != 2 || !strings.Contains(errOut.String(), "Usage:") {
		t.Errorf("demo with a bad flag: exit %d, stderr %q; want 2 and the usage", code, errOut.String())
	}
}

// TestCloseAfterFailedStart: a start that fails once the web server exists, or later,
// leaves nothing running, and Close returns at once.
func TestCloseAfterFailedStart(t *testing.T) {
	_, db := storeEnv(t)
	svc := loadedServices(t, db)
	s, err := web.New(web.Config{}, slog.New(slog.DiscardHandler), prometheus.NewRegistry(), web.Services(svc.Handlers))
	if err != nil {
		t.Fatal(err)
	}
	// The state a start leaves when it fails after creating the web server.
	m := &Main{Log: slog.New(slog.DiscardHandler), Out: io.Discard, HTTP: s, Services: svc}
	closed := make(chan error, 1)
	go func() { closed <- m.Close() }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close blocked after a start that failed once the web server was created")
	}

	// Run cleans up after itself: the port is free again.
	port := freePort(t)
	m = NewMain(Config{Port: port, MongoURI: mongodbtest.URI(t), Database: mongodbtest.Database(), JWTSecret: "too short",
		SurveysDir: "../surveys"}, slog.New(slog.DiscardHandler))
	if err := m.Run(context.Background()); err == nil {
		t.Fatal("Run with a signing secret too short to use succeeded")
	}
	ln, err := net.Listen("tcp", fmt.Sprintf(":%d", port))
	if err != nil {
		t.Fatalf("the port is still taken after a failed start: %v", err)
	}
	ln.Close()
	if err := m.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}
}

// TestDemoShowsInRunningServer: demo data loaded into the store of a running server is
// in that server's results within seconds, and demo links to that server.
func TestDemoShowsInRunningServer(t *testing.T) {
	dir := t.TempDir()
	var out syncBuffer
	m := NewMain(Config{Port: 0, DataDir: dir, SurveysDir: "../surveys", AdminEmail: "admin@localhost",
		RequestTimeout: 10 * time.Second, BodyLimit: 1 << 16, ReleaseInterval: time.Hour}, slog.New(slog.DiscardHandler))
	started := time.Now()
	m.Out, m.Now = &out, func() time.Time { return testToday.Add(time.Since(started)) } // moves: releases are re-read by time
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	_, port, _ := net.SplitHostPort(m.Addr)
	base := "http://localhost:" + port
	waitStatus(t, "http://127.0.0.1:"+port+"/readyz", 200, 60*time.Second)
	responses := func() int64 {
		c, err := m.Services.Counts.Snapshot(context.Background(), ylyv)
		if err != nil {
			return -1
		}
		return c.Responses()
	}
	deadline := time.Now().Add(30 * time.Second)
	for responses() != 0 || !strings.Contains(settingOf(t, m.DB), base) {
		if time.Now().After(deadline) {
			t.Fatalf("the server did not load its counts or record its address (%d responses)", responses())
		}
		time.Sleep(100 * time.Millisecond)
	}

	// The server already shows a release, made just now: the next is due in an hour.
	ctx := context.Background()
	for i := range 15 {
		sub := &chorus.Submission{Survey: ylyv, Version: "13-17", SubmissionID: fmt.Sprintf("before-demo-%02d", i),
			Answers: map[string]any{"better": "more football"}}
		if _, err := m.Services.Intake.Submit(ctx, sub); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m.Services.Releases.Release(ctx, ylyv, true); err != nil { // made now, or already
		t.Fatal(err)
	}
	shown := func() int {
		rep, err := m.Services.Results.Publish(ctx, ylyv, results.Request{})
		if err != nil {
			return -1
		}
		return rep.Base.N()
	}

	env := map[string]string{"MONGODB_URI": m.DB.URI, "CHORUS_DATABASE": "chorus", "CHORUS_SURVEYS": "../surveys"}
	var demoOut, demoErr bytes.Buffer
	if code := demo([]string{"--responses", "60", "--seed", "3"}, &demoOut, &demoErr, func(k string) string { return env[k] },
		func() time.Time { return testToday }); code != 0 {
		t.Fatalf("demo: exit %d\n%s", code, demoErr.String())
	}
	if !strings.Contains(demoOut.String(), base+"/dashboard/"+ylyv) || strings.Contains(demoOut.String(), ":8080") {
		t.Errorf("demo printed %q; want links to the running server at %s", demoOut.String(), base)
	}
	deadline = time.Now().Add(15 * time.Second)
	for responses() != 75 || shown() != 75 {
		if time.Now().After(deadline) {
			t.Fatalf("15 s after demo loaded 60 more, the running server counts %d and shows %d; want 75 shown without a restart", responses(), shown())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func settingOf(t *testing.T, db *mongodb.DB) string {
	t.Helper()
	v, _ := db.Setting(context.Background(), mongodb.SettingServerURL)
	return v
}

// TestResultsRebuildMakesNewRelease: `chorus results rebuild SURVEY` makes a new release
// when the step rule allows one, and never changes an earlier release.
func TestResultsRebuildMakesNewRelease(t *testing.T) {
	ctx := context.Background()
	env, db := storeEnv(t)
	svc := loadedServices(t, db)
	submit := func(from, n int) {
		for i := range n {
			sub := &chorus.Submission{Survey: ylyv, Version: "13-17", SubmissionID: fmt.Sprintf("release-test-%03d", from+i),
				Answers: map[string]any{"future": "4"}}
			if _, err := svc.Intake.Submit(ctx, sub); err != nil {
				t.Fatal(err)
			}
		}
	}
	submit(0, 12)
	first, err := svc.Releases.Release(ctx, ylyv, true)
	if err != nil || !first.Made {
		t.Fatalf("first release: %+v %v", first, err)
	}
	store := mongodb.NewReleases(db)
	before, err := store.FindRelease(ctx, first.Release.ID)
	if err != nil {
		t.Fatal(err)
	}
	submit(12, 10)
	var out, errOut bytes.Buffer
	if code := runResults([]string{"rebuild", ylyv}, &out, &errOut, func(k string) string { return env[k] }); code != 0 {
		t.Fatalf("results rebuild: exit %d\n%s", code, errOut.String())
	}
	list, err := store.ListReleases(ctx, ylyv)
	if err != nil || len(list) != 2 || list[0].Seq != 2 || list[0].Responses != 22 {
		t.Fatalf("releases after a rebuild: %+v %v", list, err)
	}
	after, err := store.FindRelease(ctx, first.Release.ID)
	if err != nil || fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("the first release changed:\n%+v\n%+v", before, after)
	}
}
