package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"sync"
	"time"
)

// Limiter counts events per key over a sliding window, in memory. A key over its
// limit is refused until its oldest event leaves the window: nothing locks for good.
// Keys are hashed with a key made at start and kept only in memory (HMAC-SHA-256), so
// the limiter holds no email address or IP address, nor a hash anyone could match
// against a list of them.
type Limiter struct {
	max     int
	window  time.Duration
	maxKeys int
	// Now is the clock; tests move it.
	Now func() time.Time

	mu        sync.Mutex
	hits      map[[16]byte][]time.Time
	lastSweep time.Time
}

// NewLimiter allows max events per key in any window.
func NewLimiter(max int, window time.Duration) *Limiter {
	return &Limiter{max: max, window: window, maxKeys: 100_000, Now: time.Now, hits: map[[16]byte][]time.Time{}}
}

// limiterSecret keys the hashes of limiter keys; it lives as long as the process.
var limiterSecret = func() []byte {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return b
}()

func limiterKey(key string) [16]byte {
	m := hmac.New(sha256.New, limiterSecret)
	m.Write([]byte(key))
	sum := m.Sum(nil)
	var k [16]byte
	copy(k[:], sum[:])
	return k
}

// Allowed reports whether key may have another event now, and if not, how long until
// it may. It does not count an event.
func (l *Limiter) Allowed(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	k := limiterKey(key)
	events := l.prune(k, now)
	if len(events) < l.max {
		return true, 0
	}
	return false, events[0].Add(l.window).Sub(now)
}

// Add counts one event for key.
func (l *Limiter) Add(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	k := limiterKey(key)
	events := l.prune(k, now)
	if len(events) >= l.max {
		events = events[1:] // keep the slice bounded; the key stays at its limit
	}
	l.hits[k] = append(events, now)
	l.sweep(now)
}

// Reset forgets key's events.
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.hits, limiterKey(key))
}

// prune drops key's events older than the window and returns the rest.
func (l *Limiter) prune(k [16]byte, now time.Time) []time.Time {
	events := l.hits[k]
	i := 0
	for i < len(events) && !events[i].After(now.Add(-l.window)) {
		i++
	}
	if i == len(events) {
		delete(l.hits, k)
		return nil
	}
	events = events[i:]
	l.hits[k] = events
	return events
}

// sweep drops idle keys once a window, and the excess if too many keys are live
// (a spray of distinct keys must not grow memory without bound).
func (l *Limiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < l.window && len(l.hits) <= l.maxKeys {
		return
	}
	l.lastSweep = now
	for k := range l.hits {
		l.prune(k, now)
	}
	for k := range l.hits {
		if len(l.hits) <= l.maxKeys {
			break
		}
		delete(l.hits, k)
	}
}
