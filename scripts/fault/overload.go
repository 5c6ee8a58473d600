package main

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/chorus-voice/chorus/scripts/load/loadgen"
)

// overload measures the server's capacity, then offers five times that rate for a
// bounded time. Every answer must be 2xx, 429 or 503 (no errors, no timeouts), the
// server's memory must stay under the bound, service must be normal again within
// 10 s of the overload stopping, and nothing acknowledged may be lost.
func (r *runner) overload(ctx context.Context) error {
	measure, over := 10*time.Second, 30*time.Second
	if r.short {
		measure, over = 4*time.Second, 8*time.Second
	}
	srv, err := newServer(r.bin, filepath.Join(r.tmp, "overload"))
	if err != nil {
		return err
	}
	defer srv.kill()
	if err := srv.start(ctx); err != nil {
		return err
	}
	store, err := loadgen.OpenStore(ctx, srv.mongoURI, "chorus")
	if err != nil {
		return err
	}
	defer store.Close()
	const maxInFlight = 3072
	client, err := loadgen.NewClient(srv.url(), maxInFlight, 30*time.Second)
	if err != nil {
		return err
	}
	prefix := loadgen.NewPrefix("fl")
	ledger := loadgen.NewLedger()

	capStats := loadgen.NewStats()
	capLoad := &loadgen.Load{Client: client, Gen: r.gen, Prefix: prefix + "c-", Stats: capStats, Ledger: ledger,
		Mode: "closed", Clients: 64, Duration: measure, Backoff: 100 * time.Millisecond, Seed: r.seed}
	if err := capLoad.Run(ctx); err != nil {
		return err
	}
	capStats.Stop()
	capacity := capStats.Rate()
	rate := 5 * capacity
	r.say("overload: capacity %.0f/s (64 clients, %s); offering %.0f/s for %s", capacity, measure, rate, over)

	pid := srv.pid()
	rss := loadgen.Sample(250*time.Millisecond, func() (int64, error) { return loadgen.ProcRSS(pid) })
	stats := loadgen.NewStats()
	var bad events
	load := &loadgen.Load{Client: client, Gen: r.gen, Prefix: prefix + "o-", Stats: stats, Ledger: ledger,
		Mode: "rate", Rate: rate, MaxInFlight: maxInFlight, Duration: over, Seed: r.seed,
		OnResult: func(start time.Time, res loadgen.Result) {
			switch {
			case res.Status >= 200 && res.Status < 300, res.Status == 429, res.Status == 503:
			default:
				bad.add(start, res)
			}
		}}
	var wg sync.WaitGroup
	wg.Go(func() { _ = load.Run(ctx) })
	time.Sleep(over)
	stopped := time.Now()

	// Normal service: three submissions in a row stored within 100 ms each.
	probe, _ := loadgen.NewClient(srv.url(), 1, 15*time.Second)
	okRun, recovered := 0, time.Duration(-1)
	pr := rand.New(rand.NewPCG(r.seed, 9))
	for i := 0; time.Since(stopped) < 30*time.Second; i++ {
		id := prefix + "p-" + strconv.Itoa(i)
		body, _ := r.gen.Body(pr, id)
		res := probe.Post("/api/v1/responses", "", body)
		ledger.Record(id, body, res)
		if res.Status == 201 && res.Latency < 100*time.Millisecond {
			if okRun++; okRun == 3 {
				recovered = time.Since(stopped)
				break
			}
		} else {
			okRun = 0
		}
		time.Sleep(100 * time.Millisecond)
	}
	wg.Wait()
	stats.Stop()
	rssMax, rssLast, _ := rss.Stop()

	r.say("  offered %d in %s (%d shed by the generator): %s", load.Sent(), over, load.Shed.Load(), stats.StatusLine())
	r.say("  acknowledged %.0f/s during overload; latency %s", float64(stats.Acked())/over.Seconds(), stats.LatencyLine())
	r.say("  server RSS max %s (bound %s), %s at the end", loadgen.MB(rssMax), loadgen.MB(r.maxRSS), loadgen.MB(rssLast))
	if n := len(bad.list); n > 0 {
		e := bad.list[0]
		r.fail("overload: %d answers other than 2xx/429/503, e.g. %d %v %s", n, e.res.Status, e.res.Err, e.res.Body)
	}
	if rssMax > r.maxRSS {
		r.fail("overload: server RSS reached %s, over the %s bound", loadgen.MB(rssMax), loadgen.MB(r.maxRSS))
	}
	if recovered < 0 || recovered > 10*time.Second {
		r.fail("overload: service not normal (3 submissions in a row stored within 100 ms) within 10 s of the overload stopping")
	} else {
		r.say("  normal service %s after the overload stopped", recovered.Round(time.Millisecond))
	}

	// Clients retry what was refused; a sample is enough to show retries are taken
	// (and answered 200 where the refused attempt was stored after all).
	retrySample := 2000
	if r.short {
		retrySample = 500
	}
	refused := len(ledger.Pending())
	dctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	left := loadgen.Deliver(dctx, client, ledger, nil, 32, 200*time.Millisecond, retrySample)
	cancel()
	r.say("  retried %d of the %d refused submissions afterwards: %d still refused", min(retrySample, refused), refused, left)
	if left > 0 {
		r.fail("overload: %d retried submissions never acknowledged afterwards", left)
	}
	stored, err := store.StoredIDs(ctx, prefix)
	if err != nil {
		return err
	}
	c := loadgen.Compare(ledger.AckedIDs(), stored)
	r.say("  store: %s (the rest of the refused were not retried)", c)
	if !c.OK() {
		r.fail("overload: %s", c)
	}
	return srv.stop()
}
