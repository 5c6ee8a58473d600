package auth

import (
	"fmt"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	l := NewLimiter(3, time.Minute)
	l.Now = func() time.Time { return now }
	for i := range 3 {
		if ok, _ := l.Allowed("k"); !ok {
			t.Fatalf("event %d refused under the limit", i+1)
		}
		l.Add("k")
		now = now.Add(10 * time.Second)
	}
	ok, wait := l.Allowed("k")
	if ok {
		t.Fatal("4th event in the window allowed")
	}
	if wait != 30*time.Second {
		t.Errorf("retry after %v, want 30s (until the oldest event leaves the window)", wait)
	}
	if ok, _ := l.Allowed("other"); !ok {
		t.Error("another key is limited too")
	}
	now = now.Add(30 * time.Second)
	if ok, _ := l.Allowed("k"); !ok {
		t.Error("still refused after the oldest event left the window: that is a lockout")
	}
	l.Add("k")
	l.Add("k")
	l.Reset("k")
	if ok, _ := l.Allowed("k"); !ok {
		t.Error("refused after Reset")
	}
}

func TestLimiterBounded(t *testing.T) {
	l := NewLimiter(2, time.Minute)
	l.maxKeys = 100
	for i := range 1000 {
		l.Add(fmt.Sprint("key", i))
	}
	if n := len(l.hits); n > 101 {
		t.Errorf("limiter holds %d keys, want at most about 100", n)
	}
	for range 50 {
		l.Add("hot")
	}
	if n := len(l.hits[limiterKey("hot")]); n > 2 {
		t.Errorf("one key holds %d events, want at most the limit", n)
	}
}
