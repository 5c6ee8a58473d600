package loadgen

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// BadInput is the "bad input at volume" scenario: slow clients, bodies at and over the
// size limit and thousands of distinct invalid submissions, all at once, while a few
// well-behaved clients keep submitting. Every bad request must be refused with the
// right status, none stored, and the good clients must all be answered.
type BadInput struct {
	URL         string
	Gen         *Generator
	Store       *Store // nil skips the storage checks
	Out         io.Writer
	Invalid     int           // distinct invalid submissions (10,000)
	Workers     int           // concurrency for the invalid ones
	Slow        int           // slow clients
	SlowGiveUp  time.Duration // how long a slow client waits to be cut off
	BodyLimit   int           // the server's CHORUS_BODY_LIMIT
	AtLimit     int           // valid bodies of exactly BodyLimit bytes
	OverLimit   int           // bodies one byte over, and a few of 1 MiB and chunked
	GoodClients int
	Baseline    time.Duration // good clients alone, before the bad input
}

// Run runs the scenario and returns the problems found (none: it passed).
func (b *BadInput) Run(ctx context.Context) ([]string, error) {
	addr, err := Loopback(b.URL)
	if err != nil {
		return nil, err
	}
	client, err := NewClient(b.URL, b.Workers+b.GoodClients+b.AtLimit+8, 15*time.Second)
	if err != nil {
		return nil, err
	}
	var problems []string
	fail := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		problems = append(problems, msg)
		fmt.Fprintln(b.Out, "  FAIL:", msg)
	}

	b.Gen.Pool(rand.New(rand.NewPCG(3, 3)), 2000)
	goodPrefix, badPrefix := NewPrefix("bi-ok"), NewPrefix("bi-bad")
	goodLedger := NewLedger()

	// The good clients, alone first for a baseline.
	good := func(ctx context.Context, round string, d time.Duration) *Stats {
		st := NewStats()
		l := &Load{Client: client, Gen: b.Gen, Prefix: goodPrefix + round + "-", Stats: st, Ledger: goodLedger,
			Mode: "closed", Clients: b.GoodClients, Duration: d, Backoff: 200 * time.Millisecond, Seed: uint64(time.Now().UnixNano())}
		_ = l.Run(ctx)
		st.Stop()
		return st
	}
	base := good(ctx, "a", b.Baseline)
	fmt.Fprintf(b.Out, "  good clients alone (%d, %s): %.0f/s, %s; %s\n", b.GoodClients, b.Baseline, base.Rate(), base.LatencyLine(), base.StatusLine())

	var wg sync.WaitGroup
	abuseCtx, stopGood := context.WithCancel(ctx)
	var during *Stats
	wg.Go(func() { during = good(abuseCtx, "b", time.Hour) })

	// Slow clients.
	var slow []SlowResult
	var slowWG sync.WaitGroup
	slowWG.Go(func() { slow = SlowClients(ctx, addr, b.Slow, time.Second, b.SlowGiveUp) })

	// Bodies at and over the limit.
	sizeStart := time.Now()
	var atOK, atBad, overOK atomic.Int64
	var overBad sync.Map
	var sizeWG sync.WaitGroup
	for i := range b.AtLimit {
		sizeWG.Go(func() {
			r := rand.New(rand.NewPCG(11, uint64(i)))
			id := goodPrefix + "limit-" + strconv.Itoa(i)
			body := b.Gen.AtLimit(r, id, b.BodyLimit)
			if body == nil {
				atBad.Add(1)
				return
			}
			res := client.Post("/api/v1/responses", "", body)
			goodLedger.Record(id, body, res)
			if Acked(res) {
				atOK.Add(1)
			} else {
				atBad.Add(1)
				overBad.Store(fmt.Sprintf("at limit: %d %v %s", res.Status, res.Err, res.Body), true)
			}
		})
	}
	for i := range b.OverLimit {
		sizeWG.Go(func() {
			r := rand.New(rand.NewPCG(12, uint64(i)))
			id := badPrefix + "over-" + strconv.Itoa(i)
			body := b.Gen.AtLimit(r, id, b.BodyLimit+1)
			chunked := i%4 == 3
			if i%4 == 2 {
				body = b.Gen.AtLimit(r, id, 1<<20)
			}
			status, err := RawPost(addr, "application/json", body, chunked)
			// Hanging up before reading an oversized body is a refusal too.
			if status == 413 || status == 0 && err != nil && ErrorClass(err) == "connection reset" {
				overOK.Add(1)
			} else {
				overBad.Store(fmt.Sprintf("%d bytes (chunked %v): %d %v, want 413", len(body), chunked, status, err), true)
			}
		})
	}

	// Distinct invalid submissions.
	invStart := time.Now()
	var mismatch sync.Map
	var invOK atomic.Int64
	var next atomic.Int64
	var invWG sync.WaitGroup
	for w := range b.Workers {
		invWG.Go(func() {
			r := rand.New(rand.NewPCG(13, uint64(w)))
			for {
				i := int(next.Add(1)) - 1
				if i >= b.Invalid || ctx.Err() != nil {
					return
				}
				bad := b.Gen.Invalid(r, badPrefix+strconv.Itoa(i), i)
				res := client.Post("/api/v1/responses", bad.ContentType, bad.Body)
				if res.Status == bad.Want {
					invOK.Add(1)
					continue
				}
				key := fmt.Sprintf("%s: got %d (%s), want %d", bad.Kind, res.Status, ErrorClass(res.Err), bad.Want)
				v, _ := mismatch.LoadOrStore(key, new(atomic.Int64))
				v.(*atomic.Int64).Add(1)
			}
		})
	}
	invWG.Wait()
	invElapsed := time.Since(invStart)
	sizeWG.Wait()
	sizeElapsed := time.Since(sizeStart)
	slowWG.Wait()
	stopGood()
	wg.Wait()

	fmt.Fprintf(b.Out, "  invalid submissions: %d of %d refused with the right status in %s (%.0f/s)\n",
		invOK.Load(), b.Invalid, invElapsed.Round(time.Millisecond), float64(b.Invalid)/invElapsed.Seconds())
	mismatch.Range(func(k, v any) bool {
		fail("invalid submission %s ×%d", k, v.(*atomic.Int64).Load())
		return true
	})
	fmt.Fprintf(b.Out, "  bodies: %d of %d at the %d-byte limit accepted; %d of %d over it refused (413) in %s\n",
		atOK.Load(), b.AtLimit, b.BodyLimit, overOK.Load(), b.OverLimit, sizeElapsed.Round(time.Millisecond))
	overBad.Range(func(k, _ any) bool {
		fail("body size: %s", k)
		return true
	})

	cut := 0
	var after []time.Duration
	statuses := map[string]int{}
	for _, s := range slow {
		if s.Closed {
			cut++
			after = append(after, s.After)
			statuses[s.Status]++
		}
	}
	slices.Sort(after)
	var maxAfter time.Duration
	if len(after) > 0 {
		maxAfter = after[len(after)-1]
	}
	fmt.Fprintf(b.Out, "  slow clients (headers at 1 byte/s): %d of %d cut off, the last after %s (first line %v)\n",
		cut, b.Slow, maxAfter.Round(100*time.Millisecond), slices.Sorted(maps.Keys(statuses)))
	if cut < b.Slow {
		fail("%d slow clients still connected after %s", b.Slow-cut, b.SlowGiveUp)
	}

	fmt.Fprintf(b.Out, "  good clients during (%d): %.0f/s, %s; %s\n", b.GoodClients, during.Rate(), during.LatencyLine(), during.StatusLine())
	if n := during.Total() - during.Acked(); n > 0 {
		fail("%d of the good clients' requests were not acknowledged during the bad input (%s)", n, during.StatusLine())
	}
	if during.Acked() == 0 {
		fail("the good clients got nothing through during the bad input")
	}
	if left := Deliver(ctx, client, goodLedger, nil, 8, 200*time.Millisecond, 0); left > 0 {
		fail("%d good submissions never acknowledged", left)
	}

	if b.Store != nil {
		sctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		defer cancel()
		bad, err := b.Store.StoredIDs(sctx, badPrefix)
		if err != nil {
			return problems, err
		}
		if len(bad) > 0 {
			fail("%d invalid or oversized submissions were stored, e.g. %v", len(bad), slices.Collect(maps.Keys(bad))[:min(3, len(bad))])
		}
		stored, err := b.Store.StoredIDs(sctx, goodPrefix)
		if err != nil {
			return problems, err
		}
		c := Compare(goodLedger.AckedIDs(), stored)
		fmt.Fprintf(b.Out, "  store: %d invalid stored; good: %s\n", len(bad), c)
		if !c.OK() || len(c.Extra) > 0 {
			fail("good submissions: %s", c)
		}
	}
	return problems, nil
}
