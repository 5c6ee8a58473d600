package loadgen

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	mrand "math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// NewPrefix returns a fresh submission id prefix such as "lt-k3x9q2ab-": every id of
// a run starts with it, so the run's responses can be found in the store.
func NewPrefix(tag string) string {
	var b [5]byte
	_, _ = rand.Read(b[:])
	return tag + "-" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])) + "-"
}

// Retryable reports whether a request may be sent again with the same id: no answer,
// rate limited, or the server could not store it now.
func Retryable(r Result) bool {
	switch r.Status {
	case 0, 429, 500, 502, 503, 504:
		return true
	}
	return false
}

// Acked reports whether the server acknowledged the submission.
func Acked(r Result) bool { return r.Status == 201 || r.Status == 200 }

// Ledger remembers what happened to every submission id: acknowledged, still to be
// retried (with the body to retry with), or finally refused.
type Ledger struct {
	mu       sync.Mutex
	acked    map[string]int
	pending  map[string][]byte
	refused  map[string]int
	attempts atomic.Int64
}

// NewLedger returns an empty ledger.
func NewLedger() *Ledger {
	return &Ledger{acked: map[string]int{}, pending: map[string][]byte{}, refused: map[string]int{}}
}

// Record notes the outcome of sending body under id.
func (l *Ledger) Record(id string, body []byte, r Result) {
	l.attempts.Add(1)
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case Acked(r):
		if _, ok := l.acked[id]; !ok {
			l.acked[id] = r.Status
		}
		delete(l.pending, id)
	case Retryable(r):
		if _, ok := l.acked[id]; !ok {
			l.pending[id] = body
		}
	default:
		l.refused[id] = r.Status
		delete(l.pending, id)
	}
}

// AckedIDs returns the acknowledged ids with the status of their first acknowledgement.
func (l *Ledger) AckedIDs() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]int, len(l.acked))
	for k, v := range l.acked {
		out[k] = v
	}
	return out
}

// NumAcked returns how many ids were acknowledged.
func (l *Ledger) NumAcked() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.acked)
}

// Pending returns the ids (and bodies) still waiting for an acknowledgement.
func (l *Ledger) Pending() map[string][]byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string][]byte, len(l.pending))
	for k, v := range l.pending {
		out[k] = v
	}
	return out
}

// Refused returns the ids refused for good, with their status.
func (l *Ledger) Refused() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]int, len(l.refused))
	for k, v := range l.refused {
		out[k] = v
	}
	return out
}

// Attempts returns how many requests were recorded.
func (l *Ledger) Attempts() int64 { return l.attempts.Load() }

// Load drives submissions at a server: Clients closed-loop workers, or a constant
// arrival Rate, for Duration. Every outcome goes to Stats and Ledger.
type Load struct {
	Client *Client
	Gen    *Generator
	Prefix string
	Stats  *Stats
	Ledger *Ledger

	Mode        string // "closed" or "rate"
	Clients     int
	Rate        float64
	MaxInFlight int
	Duration    time.Duration
	// Backoff is how long a closed-loop worker waits after a retryable failure.
	Backoff time.Duration
	// Seed makes the answers repeatable.
	Seed uint64
	// OnResult, if set, sees every request's start time and outcome.
	OnResult func(start time.Time, r Result)

	next     atomic.Int64
	inFlight atomic.Int64
	// Shed counts arrivals not sent because MaxInFlight requests were outstanding.
	Shed atomic.Int64
}

// NextID returns the next unused submission id of the run.
func (l *Load) NextID() string {
	return l.Prefix + strconv.FormatInt(l.next.Add(1), 36)
}

// Sent returns how many new submission ids were used.
func (l *Load) Sent() int64 { return l.next.Load() }

// InFlight returns how many requests are outstanding.
func (l *Load) InFlight() int64 { return l.inFlight.Load() }

func (l *Load) one(r *mrand.Rand, scheduled time.Time) Result {
	id := l.NextID()
	body, _ := l.Gen.Body(r, id)
	l.inFlight.Add(1)
	start := time.Now()
	res := l.Client.Post("/api/v1/responses", "", body)
	l.inFlight.Add(-1)
	if !scheduled.IsZero() {
		// Latency from the intended start, so a stalled server is not hidden by
		// the generator waiting for it (coordinated omission).
		res.Latency = time.Since(scheduled)
	}
	l.Stats.Add(res)
	l.Ledger.Record(id, body, res)
	if l.OnResult != nil {
		l.OnResult(start, res)
	}
	return res
}

// Run drives load until Duration passes or ctx ends.
func (l *Load) Run(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, l.Duration)
	defer cancel()
	switch l.Mode {
	case "closed":
		var wg sync.WaitGroup
		for i := range l.Clients {
			wg.Go(func() {
				r := mrand.New(mrand.NewPCG(l.Seed, uint64(i)))
				for ctx.Err() == nil {
					if res := l.one(r, time.Time{}); Retryable(res) {
						sleepCtx(ctx, jitter(r, l.Backoff))
					}
				}
			})
		}
		wg.Wait()
	case "rate":
		if l.Rate <= 0 {
			return fmt.Errorf("rate must be positive")
		}
		var wg sync.WaitGroup
		interval := time.Duration(float64(time.Second) / l.Rate)
		start := time.Now()
		var n int64
		seq := uint64(0)
		for ctx.Err() == nil {
			due := int64(time.Since(start) / interval)
			for ; n < due; n++ {
				scheduled := start.Add(time.Duration(n) * interval)
				if l.MaxInFlight > 0 && l.inFlight.Load() >= int64(l.MaxInFlight) {
					l.Shed.Add(1)
					continue
				}
				seq++
				stream := seq
				wg.Go(func() {
					r := mrand.New(mrand.NewPCG(l.Seed, stream))
					l.one(r, scheduled)
				})
			}
			sleepCtx(ctx, time.Millisecond)
		}
		wg.Wait()
	default:
		return fmt.Errorf("mode must be closed or rate, not %q", l.Mode)
	}
	return nil
}

// Deliver sends pending submissions of the ledger again, with the same id and body,
// until each is acknowledged or refused, or ctx ends; backoff separates the attempts
// for one id. With limit > 0 it retries only that many of them (a sample). It returns
// how many of those it took on remain unacknowledged.
func Deliver(ctx context.Context, c *Client, led *Ledger, stats *Stats, workers int, backoff time.Duration, limit int) int {
	type item struct {
		id   string
		body []byte
	}
	var chosen map[string]bool
	if limit > 0 {
		chosen = map[string]bool{}
		for id := range led.Pending() {
			if len(chosen) == limit {
				break
			}
			chosen[id] = true
		}
	}
	left := func() map[string][]byte {
		p := led.Pending()
		if chosen != nil {
			for id := range p {
				if !chosen[id] {
					delete(p, id)
				}
			}
		}
		return p
	}
	for ctx.Err() == nil {
		pending := left()
		if len(pending) == 0 {
			return 0
		}
		queue := make(chan item, len(pending))
		for id, body := range pending {
			queue <- item{id, body}
		}
		close(queue)
		var wg sync.WaitGroup
		for i := range min(workers, len(pending)) {
			wg.Go(func() {
				r := mrand.New(mrand.NewPCG(uint64(time.Now().UnixNano()), uint64(i)))
				for it := range queue {
					if ctx.Err() != nil {
						return
					}
					res := c.Post("/api/v1/responses", "", it.body)
					if stats != nil {
						stats.Add(res)
					}
					led.Record(it.id, it.body, res)
					if Retryable(res) {
						sleepCtx(ctx, jitter(r, backoff))
					}
				}
			})
		}
		wg.Wait()
	}
	return len(left())
}

func jitter(r *mrand.Rand, d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return d/2 + time.Duration(r.Int64N(int64(d)))
}

func sleepCtx(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
