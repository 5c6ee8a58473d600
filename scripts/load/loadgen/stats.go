package loadgen

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Stats counts outcomes and keeps every latency of a run. It is safe for concurrent use.
type Stats struct {
	mu       sync.Mutex
	latency  []time.Duration
	statuses map[int]int
	errors   map[string]int
	started  time.Time
	ended    time.Time
}

// NewStats returns empty statistics, with the clock started.
func NewStats() *Stats {
	return &Stats{statuses: map[int]int{}, errors: map[string]int{}, started: time.Now()}
}

// Add records one request's outcome with its latency.
func (s *Stats) Add(r Result) {
	s.mu.Lock()
	s.latency = append(s.latency, r.Latency)
	if r.Err != nil {
		s.errors[ErrorClass(r.Err)]++
	} else {
		s.statuses[r.Status]++
	}
	s.mu.Unlock()
}

// Stop fixes the end of the measured interval.
func (s *Stats) Stop() {
	s.mu.Lock()
	if s.ended.IsZero() {
		s.ended = time.Now()
	}
	s.mu.Unlock()
}

// Elapsed is the measured interval (until now if not stopped).
func (s *Stats) Elapsed() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended.IsZero() {
		return time.Since(s.started)
	}
	return s.ended.Sub(s.started)
}

// Count returns how many requests ended with status (0: any transport error).
func (s *Stats) Count(status int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if status == 0 {
		n := 0
		for _, v := range s.errors {
			n += v
		}
		return n
	}
	return s.statuses[status]
}

// Total returns how many requests were recorded.
func (s *Stats) Total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.latency)
}

// Acked returns how many requests were acknowledged (201 or 200).
func (s *Stats) Acked() int { return s.Count(201) + s.Count(200) }

// Statuses returns a copy of the counts by status.
func (s *Stats) Statuses() map[int]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.statuses)
}

// Errors returns a copy of the transport error counts by class.
func (s *Stats) Errors() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.errors)
}

// Percentiles returns latency quantiles (0 < q ≤ 1) over every recorded request.
func (s *Stats) Percentiles(qs ...float64) []time.Duration {
	s.mu.Lock()
	lat := slices.Clone(s.latency)
	s.mu.Unlock()
	slices.Sort(lat)
	out := make([]time.Duration, len(qs))
	if len(lat) == 0 {
		return out
	}
	for i, q := range qs {
		k := int(q*float64(len(lat))+0.5) - 1
		out[i] = lat[min(max(k, 0), len(lat)-1)]
	}
	return out
}

// Rate returns acknowledged requests per second over the measured interval.
func (s *Stats) Rate() float64 {
	return float64(s.Acked()) / s.Elapsed().Seconds()
}

// LatencyLine formats p50, p90, p99 and max.
func (s *Stats) LatencyLine() string {
	p := s.Percentiles(0.5, 0.9, 0.99, 1)
	return fmt.Sprintf("p50 %s  p90 %s  p99 %s  max %s", Ms(p[0]), Ms(p[1]), Ms(p[2]), Ms(p[3]))
}

// StatusLine formats the counts by status and error class, e.g. "201: 9000, 503: 12".
func (s *Stats) StatusLine() string {
	st, errs := s.Statuses(), s.Errors()
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(st)) {
		parts = append(parts, strconv.Itoa(k)+": "+strconv.Itoa(st[k]))
	}
	for _, k := range slices.Sorted(maps.Keys(errs)) {
		parts = append(parts, k+": "+strconv.Itoa(errs[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// Ms formats a duration in milliseconds with sensible precision.
func Ms(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms < 10:
		return fmt.Sprintf("%.2fms", ms)
	case ms < 100:
		return fmt.Sprintf("%.1fms", ms)
	default:
		return fmt.Sprintf("%.0fms", ms)
	}
}
