package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// MetricsRSS reads process_resident_memory_bytes from the server's /metrics.
func (c *Client) MetricsRSS() (int64, error) {
	v, err := c.Metric("process_resident_memory_bytes")
	return int64(v), err
}

// Metric reads one unlabelled sample, such as go_goroutines, from the server's /metrics.
func (c *Client) Metric(name string) (float64, error) {
	r := c.Get("/metrics")
	if r.Err != nil || r.Status != 200 {
		return 0, fmt.Errorf("GET /metrics: %d %v", r.Status, r.Err)
	}
	sc := bufio.NewScanner(bytes.NewReader(r.Body))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			return strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
	}
	return 0, fmt.Errorf("no %s in /metrics", name)
}

// ProcRSS reads VmRSS of a process from /proc/<pid>/status.
func ProcRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(v)
			if len(f) < 1 {
				break
			}
			kb, err := strconv.ParseInt(f[0], 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS for pid %d", pid)
}

// Sampler records the largest value a probe returned, once a period, until stopped.
type Sampler struct {
	mu      sync.Mutex
	max     int64
	last    int64
	samples int
	stop    context.CancelFunc
	done    chan struct{}
}

// Sample starts probing every period.
func Sample(period time.Duration, probe func() (int64, error)) *Sampler {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Sampler{stop: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			if v, err := probe(); err == nil {
				s.mu.Lock()
				s.max, s.last = max(s.max, v), v
				s.samples++
				s.mu.Unlock()
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// Stop ends sampling and returns the largest and the last value (0 if none was read).
func (s *Sampler) Stop() (maxV, last int64, samples int) {
	s.stop()
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.max, s.last, s.samples
}

// Max returns the largest value so far.
func (s *Sampler) Max() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.max
}

// MB formats bytes as mebibytes.
func MB(b int64) string { return fmt.Sprintf("%.0f MB", float64(b)/(1<<20)) }

// Machine describes this machine: CPUs, memory and Go version.
func Machine() string {
	mem := "unknown memory"
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err == nil {
			mem = fmt.Sprintf("%.1f GiB memory", float64(kb)/(1<<20))
		}
	}
	model := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				model = " (" + strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":")) + ")"
				break
			}
		}
	}
	return fmt.Sprintf("%d CPUs%s, %s, %s %s/%s", runtime.NumCPU(), model, mem, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
