package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chorus-voice/chorus/scripts/load/loadgen"
)

// crash kills the server with SIGKILL at random points while submissions arrive,
// restarts it on the same data, lets the clients retry everything unacknowledged with
// the same ids, and checks every acknowledged submission is stored exactly once.
func (r *runner) crash(ctx context.Context) error {
	n, kills := 10000, 5
	if r.short {
		n, kills = 2000, 2
	}
	const workers = 32
	r.say("crash: %d submissions, %d concurrent clients, kill -9 the server %d times at random points", n, workers, kills)
	srv, err := newServer(r.bin, filepath.Join(r.tmp, "crash"))
	if err != nil {
		return err
	}
	defer srv.kill()
	if err := srv.start(ctx); err != nil {
		return err
	}
	client, err := loadgen.NewClient(srv.url(), workers, 15*time.Second)
	if err != nil {
		return err
	}

	prefix := loadgen.NewPrefix("fc")
	rnd := rand.New(rand.NewPCG(r.seed, 1))
	r.gen.Pool(rnd, 1000)
	type sub struct {
		id      string
		body    []byte
		version string
	}
	subs := make([]sub, n)
	for i := range subs {
		id := prefix + strconv.Itoa(i)
		body, k := r.gen.Body(rnd, id)
		v, _ := r.gen.Pooled(k)
		subs[i] = sub{id, body, v}
	}
	points := make([]int, kills)
	for i := range points {
		points[i] = n/10 + rnd.IntN(n*8/10)
	}
	slices.Sort(points)

	ledger, stats := loadgen.NewLedger(), loadgen.NewStats()
	dctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	var next atomic.Int64
	var refused atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			wr := rand.New(rand.NewPCG(r.seed, uint64(100+w)))
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				s := subs[i]
				for dctx.Err() == nil {
					res := client.Post("/api/v1/responses", "", s.body)
					stats.Add(res)
					ledger.Record(s.id, s.body, res)
					if loadgen.Acked(res) {
						break
					}
					if !loadgen.Retryable(res) {
						refused.Add(1)
						r.fail("crash: %s refused %d: %s", s.id, res.Status, res.Body)
						break
					}
					time.Sleep(time.Duration(50+wr.IntN(100)) * time.Millisecond)
				}
			}
		})
	}

	// The killer: at each point, SIGKILL mid-stream, leave the clients facing a dead
	// port for a moment, then restart on the same data directory.
	killErr := make(chan error, 1)
	go func() {
		for k, p := range points {
			for ledger.NumAcked() < p {
				if dctx.Err() != nil {
					killErr <- nil
					return
				}
				time.Sleep(time.Millisecond)
			}
			time.Sleep(time.Duration(rnd.IntN(20)) * time.Millisecond)
			at := ledger.NumAcked()
			srv.kill()
			time.Sleep(time.Duration(100+rnd.IntN(400)) * time.Millisecond)
			t0 := time.Now()
			if err := srv.start(dctx); err != nil {
				killErr <- fmt.Errorf("restart %d: %w", k+1, err)
				cancel()
				return
			}
			client.CloseIdle()
			r.say("  kill -9 %d after %d acknowledged; restarted and ready in %s", k+1, at, time.Since(t0).Round(time.Millisecond))
		}
		killErr <- nil
	}()
	wg.Wait()
	if err := <-killErr; err != nil {
		return err
	}
	stats.Stop()
	if dctx.Err() != nil {
		r.fail("crash: delivery did not finish within 5 minutes (%d of %d acknowledged)", ledger.NumAcked(), n)
	}
	r.say("  %d acknowledged of %d after %d requests (%s) in %s", ledger.NumAcked(), n, stats.Total(), stats.StatusLine(), stats.Elapsed().Round(time.Millisecond))

	// An identical repeat is answered 200; the same id with other answers 409.
	repeats, conflicts := 0, 0
	for i := range min(100, n) {
		s := subs[(i*7919)%n]
		if res := client.Post("/api/v1/responses", "", s.body); res.Status == 200 {
			repeats++
		} else {
			r.fail("crash: identical repeat of %s answered %d %s, want 200", s.id, res.Status, res.Body)
		}
		if i < 20 {
			other, _ := r.gen.Body(rnd, s.id)
			if res := client.Post("/api/v1/responses", "", other); res.Status == 409 || res.Status == 200 {
				// 200 only if the pool happened to give the very same answers.
				conflicts++
			} else {
				r.fail("crash: %s with other answers answered %d %s, want 409", s.id, res.Status, res.Body)
			}
		}
	}
	r.say("  identical repeats answered 200: %d; same id with other answers 409: %d", repeats, conflicts)

	// A last kill, then count what survived.
	srv.kill()
	if err := srv.start(ctx); err != nil {
		return fmt.Errorf("final restart: %w", err)
	}
	store, err := loadgen.OpenStore(ctx, srv.mongoURI, "chorus")
	if err != nil {
		return err
	}
	defer store.Close()
	stored, err := store.Stored(ctx, prefix)
	if err != nil {
		return err
	}
	counts := make(map[string]int, len(stored))
	for id, vs := range stored {
		counts[id] = len(vs)
	}
	wrong := 0
	for _, s := range subs {
		if vs := stored[s.id]; len(vs) > 0 && vs[0] != s.version {
			wrong++
		}
	}
	c := loadgen.Compare(ledger.AckedIDs(), counts)
	r.say("  after a final kill -9 and restart: %s", c)
	if !c.OK() {
		r.fail("crash: %s", c)
	}
	if c.Stored != n {
		r.fail("crash: %d distinct submissions stored, want %d", c.Stored, n)
	}
	if wrong > 0 {
		r.fail("crash: %d stored responses have another submission's version", wrong)
	}
	r.checkAggregates(ctx, srv, r.gen.Survey.ID)
	return srv.stop()
}
