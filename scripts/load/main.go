// Command load drives survey submissions at a running Chorus on this machine and
// reports throughput, latency percentiles and errors by status; it then checks, through
// the server's store, that every acknowledged submission is stored exactly once.
//
//	go run ./server                                    # prints the store's MongoDB URI
//	go run ./scripts/load -url http://127.0.0.1:8080 -mongo mongodb://127.0.0.1:PORT/ \
//	    -mode closed -clients 64 -duration 60s
//	go run ./scripts/load -mongo … -mode rate -rate 3000 -duration 60s
//	go run ./scripts/load -mongo … -mode abuse        # bad input at volume
//
// Run the server with CHORUS_SUBMITS_PER_MINUTE=0, or the per-address limit answers
// most of the load 429. Answers are the example survey's, made the way children answer,
// with free text in which some carry a name, phone number, email or postcode. In rate
// mode latency counts from each submission's scheduled start. After the run, every
// unacknowledged submission is retried with its id (as the survey page's offline queue
// does) and then the store must hold exactly the acknowledged ids of the run: the tool
// exits 1 otherwise.
//
// In the same run it measures two baselines and prints the ratios: the store's own
// batched-insert rate for the same documents (InsertMany of 500 through the driver into
// a scratch collection, dropped afterwards; -store-duration 0 skips it) and a bare
// Fiber handler on another loopback port of this process that answers 201 without
// storing, driven closed-loop with -clients (-bare=false skips it). It only ever
// targets loopback addresses.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/chorus-voice/chorus/scripts/load/loadgen"
)

func main() {
	os.Exit(run())
}

type options struct {
	url, mode, mongo, db, surveys, survey string
	clients, maxInFlight                  int
	rate, pii                             float64
	duration, timeout, drain              time.Duration
	bare                                  bool
	bareDuration, storeDuration           time.Duration
	storeBatch, storeWriters              int
	invalid, slow, bodyLimit              int
	seed                                  uint64
}

func run() int {
	var o options
	flag.StringVar(&o.url, "url", "http://127.0.0.1:8080", "Chorus base URL (loopback only)")
	flag.StringVar(&o.mode, "mode", "closed", "closed (each client waits for its answer), rate (constant arrivals) or abuse (bad input at volume)")
	flag.IntVar(&o.clients, "clients", 64, "closed mode: concurrent clients")
	flag.Float64Var(&o.rate, "rate", 3000, "rate mode: submissions per second")
	flag.IntVar(&o.maxInFlight, "max-inflight", 4096, "rate mode: most outstanding requests (arrivals beyond are counted as shed)")
	flag.DurationVar(&o.duration, "duration", 60*time.Second, "how long to drive load")
	flag.DurationVar(&o.timeout, "timeout", 15*time.Second, "per-request timeout")
	flag.DurationVar(&o.drain, "drain", 60*time.Second, "afterwards, how long to keep retrying unacknowledged submissions with the same id")
	flag.StringVar(&o.mongo, "mongo", "", "the server's MongoDB URI (printed at start; loopback only), for the stored-count check and the store baseline")
	flag.StringVar(&o.db, "db", "chorus", "database name")
	flag.BoolVar(&o.bare, "bare", true, "also measure a bare Fiber handler that answers 201 without storing (closed loop, -clients)")
	flag.DurationVar(&o.bareDuration, "bare-duration", 15*time.Second, "how long to drive the bare handler")
	flag.DurationVar(&o.storeDuration, "store-duration", 10*time.Second, "how long to measure the store's own batched-insert rate (0 skips)")
	flag.IntVar(&o.storeBatch, "store-batch", 500, "documents per InsertMany in the store baseline")
	flag.IntVar(&o.storeWriters, "store-writers", 1, "concurrent InsertMany callers in the store baseline (the server has one writer)")
	flag.StringVar(&o.surveys, "surveys", "surveys", "survey files directory")
	flag.StringVar(&o.survey, "survey", "your-life-your-voice", "survey to answer")
	flag.Float64Var(&o.pii, "pii", 0.15, "share of free-text answers carrying a name, phone number, email or postcode")
	flag.IntVar(&o.invalid, "invalid", 10000, "abuse mode: distinct invalid submissions")
	flag.IntVar(&o.slow, "slow", 500, "abuse mode: slow clients sending headers at 1 byte/s")
	flag.IntVar(&o.bodyLimit, "body-limit", 65536, "abuse mode: the server's CHORUS_BODY_LIMIT")
	flag.Uint64Var(&o.seed, "seed", 1, "random seed for the answers")
	flag.Parse()

	if _, err := loadgen.Loopback(o.url); err != nil {
		fmt.Fprintln(os.Stderr, "load: -url:", err)
		return 2
	}
	if o.mongo == "" {
		fmt.Fprintln(os.Stderr, "load: -mongo is required: pass the MongoDB URI the server printed at start (\"Embedded store … mongodb://127.0.0.1:…/\")")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	gen, err := loadgen.NewGenerator(o.surveys, o.survey)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		return 2
	}
	gen.PII = o.pii
	store, err := loadgen.OpenStore(ctx, o.mongo, o.db)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		return 2
	}
	defer store.Close()
	client, err := loadgen.NewClient(o.url, max(o.clients, o.maxInFlight), o.timeout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		return 2
	}
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	err = client.WaitReady(rctx)
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		return 1
	}
	fmt.Println("command: go run ./scripts/load", strings.Join(os.Args[1:], " "))
	fmt.Println("machine:", loadgen.Machine())

	if o.mode == "abuse" {
		return runAbuse(ctx, o, gen, store)
	}
	return runLoad(ctx, o, gen, store, client)
}

func runLoad(ctx context.Context, o options, gen *loadgen.Generator, store *loadgen.Store, client *loadgen.Client) int {
	gen.Pool(rand.New(rand.NewPCG(o.seed, 0)), 5000)

	var storeRate float64
	if o.storeDuration > 0 {
		fmt.Printf("store baseline: InsertMany of %d, %d writer(s), %s …\n", o.storeBatch, o.storeWriters, o.storeDuration)
		rate, n, err := store.InsertRate(ctx, gen, o.storeDuration, o.storeBatch, o.storeWriters)
		if err != nil {
			fmt.Fprintln(os.Stderr, "load: store baseline:", err)
			return 1
		}
		storeRate = rate
		fmt.Printf("  %d documents, %.0f docs/s\n", n, rate)
	}

	prefix := loadgen.NewPrefix("lt")
	what := fmt.Sprintf("closed loop, %d clients", o.clients)
	if o.mode == "rate" {
		what = fmt.Sprintf("constant rate %.0f/s (at most %d in flight)", o.rate, o.maxInFlight)
	}
	fmt.Printf("chorus: %s for %s against %s (submission ids %s…)\n", what, o.duration, o.url, prefix)
	stats, ledger := loadgen.NewStats(), loadgen.NewLedger()
	l := &loadgen.Load{
		Client: client, Gen: gen, Prefix: prefix, Stats: stats, Ledger: ledger,
		Mode: o.mode, Clients: o.clients, Rate: o.rate, MaxInFlight: o.maxInFlight,
		Duration: o.duration, Backoff: 100 * time.Millisecond, Seed: o.seed,
	}
	rss := loadgen.Sample(time.Second, client.MetricsRSS)
	done := make(chan struct{})
	go progress(l, stats, rss, done)
	if err := l.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		return 2
	}
	stats.Stop()
	close(done)
	rssMax, _, _ := rss.Stop()

	acked := stats.Acked()
	rate := stats.Rate()
	fmt.Printf("  requests %d, acknowledged %d (201: %d, 200: %d) in %s: %.0f acknowledged/s\n",
		stats.Total(), acked, stats.Count(201), stats.Count(200), stats.Elapsed().Round(time.Millisecond), rate)
	fmt.Printf("  by status: %s\n", stats.StatusLine())
	if shed := l.Shed.Load(); shed > 0 {
		fmt.Printf("  shed by the generator (more than %d in flight): %d\n", o.maxInFlight, shed)
	}
	fmt.Printf("  latency: %s\n", stats.LatencyLine())
	fmt.Printf("  server RSS (max of /metrics samples): %s\n", loadgen.MB(rssMax))

	if n := len(ledger.Pending()); n > 0 {
		fmt.Printf("  retrying %d unacknowledged submissions with the same ids (up to %s) …\n", n, o.drain)
		dctx, cancel := context.WithTimeout(ctx, o.drain)
		left := loadgen.Deliver(dctx, client, ledger, nil, 16, 200*time.Millisecond, 0)
		cancel()
		fmt.Printf("  %d still unacknowledged\n", left)
	}

	var bareRate float64
	if o.bare {
		url, stopBare, err := startBare(o.bodyLimit)
		if err != nil {
			fmt.Fprintln(os.Stderr, "load: bare handler:", err)
			return 1
		}
		bc, _ := loadgen.NewClient(url, o.clients, o.timeout)
		bs := loadgen.NewStats()
		bl := &loadgen.Load{Client: bc, Gen: gen, Prefix: loadgen.NewPrefix("bare"), Stats: bs, Ledger: loadgen.NewLedger(),
			Mode: "closed", Clients: o.clients, Duration: o.bareDuration, Seed: o.seed}
		_ = bl.Run(ctx)
		bs.Stop()
		stopBare()
		bareRate = bs.Rate()
		fmt.Printf("bare Fiber handler (201, nothing stored), closed loop, %d clients, %s: %.0f/s, %s\n",
			o.clients, o.bareDuration, bareRate, bs.LatencyLine())
	}

	fmt.Println("summary:")
	fmt.Printf("  chorus %.0f acknowledged submissions/s, p99 %s", rate, loadgen.Ms(stats.Percentiles(0.99)[0]))
	fmt.Printf(", server RSS max %s\n", loadgen.MB(rssMax))
	if storeRate > 0 {
		fmt.Printf("  store's own batched-insert rate %.0f docs/s: chorus/store = %.2f\n", storeRate, rate/storeRate)
	}
	if bareRate > 0 {
		fmt.Printf("  bare Fiber handler %.0f/s: chorus/bare = %.2f\n", bareRate, rate/bareRate)
	}

	cctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	stored, err := store.StoredIDs(cctx, prefix)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load: check:", err)
		return 1
	}
	c := loadgen.Compare(ledger.AckedIDs(), stored)
	if !c.OK() || c.Acked != c.Stored {
		fmt.Printf("check FAILED: %s\n", c)
		return 1
	}
	fmt.Printf("check OK: %d acknowledged = %d stored with prefix %s, none lost or duplicated\n", c.Acked, c.Stored, prefix)
	return 0
}

func progress(l *loadgen.Load, stats *loadgen.Stats, rss *loadgen.Sampler, done chan struct{}) {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	last, lastAt := 0, time.Now()
	for {
		select {
		case <-done:
			return
		case now := <-t.C:
			acked := stats.Acked()
			fmt.Printf("  %5.0fs  %6.0f acked/s  in flight %d  errors %d  rss %s\n",
				stats.Elapsed().Seconds(), float64(acked-last)/now.Sub(lastAt).Seconds(), l.InFlight(),
				stats.Total()-acked, loadgen.MB(rss.Max()))
			last, lastAt = acked, now
		}
	}
}

func runAbuse(ctx context.Context, o options, gen *loadgen.Generator, store *loadgen.Store) int {
	fmt.Printf("bad input at volume against %s: %d invalid submissions, %d slow clients, bodies at and over %d bytes, 8 good clients\n",
		o.url, o.invalid, o.slow, o.bodyLimit)
	b := &loadgen.BadInput{
		URL: o.url, Gen: gen, Store: store, Out: os.Stdout,
		Invalid: o.invalid, Workers: 16, Slow: o.slow, SlowGiveUp: 30 * time.Second,
		BodyLimit: o.bodyLimit, AtLimit: 20, OverLimit: 40, GoodClients: 8, Baseline: 5 * time.Second,
	}
	problems, err := b.Run(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		return 1
	}
	if len(problems) > 0 {
		fmt.Printf("bad input FAILED: %d problems\n", len(problems))
		return 1
	}
	fmt.Println("bad input OK: every bad request refused with the right status, none stored, good clients unaffected")
	return 0
}
