package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/chorus-voice/chorus/scripts/load/loadgen"
	"github.com/chorus-voice/chorus/server/mongodb"
)

// event is one request's outcome with its times.
type event struct {
	start, end time.Time
	res        loadgen.Result
}

type events struct {
	mu   sync.Mutex
	list []event
}

func (e *events) add(start time.Time, res loadgen.Result) {
	e.mu.Lock()
	e.list = append(e.list, event{start, time.Now(), res})
	e.mu.Unlock()
}

// ended returns the events that ended from from to to, whenever they began.
func (e *events) ended(from, to time.Time) []event {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []event
	for _, ev := range e.list {
		if !ev.end.Before(from) && !ev.end.After(to) {
			out = append(out, ev)
		}
	}
	return out
}

// between returns the events that began and ended from from to to.
func (e *events) between(from, to time.Time) []event {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []event
	for _, ev := range e.list {
		if !ev.start.Before(from) && !ev.end.After(to) {
			out = append(out, ev)
		}
	}
	return out
}

// outage runs the server on a store reached through a proxy, then makes the store
// hang (the proxy stalls) and go away (the proxy cuts every connection and refuses new
// ones). Throughout, submissions must be answered 503 with Retry-After within the
// request deadline, /readyz must say 503 and /healthz 200, nothing acknowledged may
// be missing from the store, and the server must recover by itself.
func (r *runner) outage(ctx context.Context) error {
	deadline, phase := 10*time.Second, 20*time.Second
	if r.short {
		deadline, phase = 3*time.Second, 8*time.Second
	}
	r.say("outage: store behind a proxy; request deadline %s; stall %s, then closed %s", deadline, phase, phase)
	db, err := mongodb.Open(ctx, mongodb.Options{DataDir: filepath.Join(r.tmp, "outage-store"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("start a store: %w", err)
	}
	defer db.Close(context.Background())
	if err := db.WaitReady(ctx); err != nil {
		return err
	}
	// The embedded store listens on a Unix socket: mongodb://<escaped path>/.
	host, _, _ := strings.Cut(strings.TrimPrefix(db.URI, "mongodb://"), "/")
	target, err := url.PathUnescape(host)
	if err != nil {
		return err
	}
	px, err := newProxy(target)
	if err != nil {
		return err
	}
	defer px.stop()
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	srv, err := newServer(r.bin, filepath.Join(r.tmp, "outage"),
		"MONGODB_URI=mongodb://"+px.addr+"/",
		"CHORUS_JWT_SECRET="+hex.EncodeToString(secret),
		"CHORUS_REQUEST_TIMEOUT="+deadline.String())
	if err != nil {
		return err
	}
	defer srv.kill()
	if err := srv.start(ctx); err != nil {
		return err
	}
	store, err := loadgen.OpenStore(ctx, db.URI, "chorus")
	if err != nil {
		return err
	}
	defer store.Close()
	client, err := loadgen.NewClient(srv.url(), 16, deadline+5*time.Second)
	if err != nil {
		return err
	}
	probe, _ := loadgen.NewClient(srv.url(), 2, deadline+5*time.Second)
	readyProbe, _ := loadgen.NewClient(srv.url(), 1, deadline+5*time.Second)
	healthProbe, _ := loadgen.NewClient(srv.url(), 1, deadline+5*time.Second)

	var ev, ready, health events
	pctx, stopProbes := context.WithCancel(ctx)
	defer stopProbes()
	var probes sync.WaitGroup
	for _, p := range []struct {
		path string
		c    *loadgen.Client
		into *events
	}{{"/readyz", readyProbe, &ready}, {"/healthz", healthProbe, &health}} {
		probes.Go(func() {
			for pctx.Err() == nil {
				start := time.Now()
				p.into.add(start, p.c.Get(p.path))
				time.Sleep(200 * time.Millisecond)
			}
		})
	}

	prefix := loadgen.NewPrefix("fo")
	ledger, stats := loadgen.NewLedger(), loadgen.NewStats()
	load := &loadgen.Load{Client: client, Gen: r.gen, Prefix: prefix, Stats: stats, Ledger: ledger,
		Mode: "closed", Clients: 8, Duration: time.Hour, Backoff: 100 * time.Millisecond, Seed: r.seed, OnResult: ev.add}
	lctx, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	var loadDone sync.WaitGroup
	loadDone.Go(func() { _ = load.Run(lctx) })

	time.Sleep(3 * time.Second)
	goroutines, _ := client.Metric("go_goroutines")

	for _, mode := range []string{"stall", "closed"} {
		t0 := time.Now()
		if mode == "stall" {
			px.stall()
		} else {
			px.shut()
		}
		time.Sleep(phase)
		t1 := time.Now()
		if err := px.pass(); err != nil {
			return fmt.Errorf("reopen the proxy: %w", err)
		}
		// Recovery: the first submission begun after the store came back that is stored.
		var back time.Duration
		for back = 0; back < 60*time.Second; back = time.Since(t1) {
			if evs := ev.between(t1, time.Now()); len(evs) > 0 && anyAcked(evs) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		var readyBack time.Duration
		for readyBack = 0; readyBack < 60*time.Second; readyBack = time.Since(t1) {
			if probe.Get("/readyz").Status == 200 {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		r.judgeOutage(mode, t0, t1, deadline, &ev, &ready, &health)
		r.say("  %s: store back; first submission stored %s later, /readyz 200 %s later", mode, back.Round(time.Millisecond), readyBack.Round(time.Millisecond))
		if back >= 60*time.Second || readyBack >= 60*time.Second {
			r.fail("outage %s: the server did not recover within 60 s of the store coming back", mode)
		}
		time.Sleep(2 * time.Second)
	}
	stopLoad()
	loadDone.Wait()
	stopProbes()
	probes.Wait()
	stats.Stop()
	r.say("  submissions: %s", stats.StatusLine())

	time.Sleep(3 * time.Second)
	after, _ := client.Metric("go_goroutines")
	r.say("  goroutines: %.0f under load before the outages, %.0f idle after", goroutines, after)
	if after > 2*goroutines+100 {
		r.fail("outage: %.0f goroutines after recovery, against %.0f before: something leaks", after, goroutines)
	}

	dctx, cancel := context.WithTimeout(ctx, time.Minute)
	left := loadgen.Deliver(dctx, client, ledger, nil, 8, 200*time.Millisecond, 0)
	cancel()
	if left > 0 {
		r.fail("outage: %d submissions never acknowledged after the store came back", left)
	}
	stored, err := store.StoredIDs(ctx, prefix)
	if err != nil {
		return err
	}
	c := loadgen.Compare(ledger.AckedIDs(), stored)
	r.say("  store: %s", c)
	if !c.OK() {
		r.fail("outage: %s", c)
	}
	return srv.stop()
}

func anyAcked(evs []event) bool {
	for _, e := range evs {
		if loadgen.Acked(e.res) {
			return true
		}
	}
	return false
}

// judgeOutage checks what clients saw while the store was unavailable, from t0 to t1.
func (r *runner) judgeOutage(mode string, t0, t1 time.Time, deadline time.Duration, ev, ready, health *events) {
	var n503, acked, slow, noRetry, other int
	var worst time.Duration
	// Every answer given while the store was unavailable, including to requests that
	// were waiting on a write when it went.
	for _, e := range ev.ended(t0, t1) {
		d := e.end.Sub(e.start)
		worst = max(worst, d)
		if d > deadline+time.Second {
			slow++
		}
		switch {
		case e.res.Status == 503:
			n503++
			if e.res.RetryAfter == "" {
				noRetry++
			}
		case loadgen.Acked(e.res):
			acked++
		default:
			other++
			r.fail("outage %s: a submission got %d %s (%v), want 503", mode, e.res.Status, e.res.Body, e.res.Err)
		}
	}
	r.say("  %s: %d submissions answered 503 (slowest %s, deadline %s), %d acknowledged, %d other",
		mode, n503, worst.Round(time.Millisecond), deadline, acked, other)
	if n503 == 0 {
		r.fail("outage %s: no submission was answered 503", mode)
	}
	if noRetry > 0 {
		r.fail("outage %s: %d answers 503 without Retry-After", mode, noRetry)
	}
	if slow > 0 {
		r.fail("outage %s: %d submissions answered later than the %s deadline", mode, slow, deadline)
	}
	// Every /readyz begun during the outage, early enough to be answered before the
	// store came back, must say 503, within the deadline.
	var r503, rOther int
	for _, e := range ready.between(t0, t1.Add(time.Minute)) {
		if e.start.After(t1.Add(-deadline - time.Second)) {
			continue
		}
		switch {
		case e.res.Status == 503 && e.end.Sub(e.start) <= deadline+time.Second:
			r503++
		default:
			rOther++
			r.fail("outage %s: /readyz answered %d (%v) after %s, want 503 within %s", mode, e.res.Status, e.res.Err,
				e.end.Sub(e.start).Round(time.Millisecond), deadline)
		}
	}
	r.say("  %s: /readyz answered 503 %d times, otherwise %d times", mode, r503, rOther)
	if r503 == 0 {
		r.fail("outage %s: /readyz was never seen answering 503 while the store was unavailable", mode)
	}
	for _, e := range health.between(t0, t1) {
		if e.res.Status != 200 {
			r.fail("outage %s: /healthz answered %d %v, want 200 while the process runs", mode, e.res.Status, e.res.Err)
			break
		}
	}
}
