package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/chorus-voice/chorus/server/chorus"
)

// behindProxy is the code fixture's services on a server configured with cfg.
func (f *codeFixture) behindProxy(cfg Config) *Server {
	f.t.Helper()
	cfg.RequestTimeout = 10 * time.Second
	cfg.Now = testNow
	s, err := New(cfg, slog.New(slog.DiscardHandler), prometheus.NewRegistry(), f.svc)
	if err != nil {
		f.t.Fatal(err)
	}
	return s
}

// TestRateLimitsBehindProxy: behind a trusted proxy, a client that puts a different
// address at the left of X-Forwarded-For each time is still one client, the address
// the proxy appended, for sign-in, submissions and group codes.
func TestRateLimitsBehindProxy(t *testing.T) {
	f := newCodeFixture(t)
	// app.Test requests come from 0.0.0.0: that is the proxy. 10.0.0.0/8 is a second,
	// inner proxy whose own entry must be skipped too.
	s := f.behindProxy(Config{TrustedProxies: []string{"0.0.0.0", "10.0.0.0/8"}, SubmitsPerMinute: 5})
	send := func(i int, method, path, ctype, body string) int {
		t.Helper()
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("192.0.2.%d, 203.0.113.7, 10.1.2.3", i))
		resp, err := s.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	firstLimited := func(n int, try func(i int) int) int {
		t.Helper()
		for i := range n {
			if st := try(i); st == 429 {
				return i + 1
			} else if st >= 500 {
				t.Fatalf("attempt %d: %d", i+1, st)
			}
		}
		return 0
	}

	t.Run("SignIn", func(t *testing.T) {
		body, _ := json.Marshal(map[string]string{"email": "facilitator@example.org", "password": "not the password at all"})
		if at := firstLimited(12, func(i int) int { return send(i, "POST", "/api/v1/auth/login", "application/json", string(body)) }); at == 0 || at > 6 {
			t.Errorf("12 wrong passwords with spoofed X-Forwarded-For: first 429 at attempt %d, want by the 6th", at)
		}
	})
	t.Run("Submissions", func(t *testing.T) {
		if at := firstLimited(8, func(i int) int {
			body, _ := json.Marshal(responseRequest{Survey: "group-open", Version: "all", SubmissionID: fmt.Sprintf("proxy-%04d", i),
				Answers: chorus.Answers{"feel": "good"}})
			return send(i, "POST", "/api/v1/responses", "application/json", string(body))
		}); at != 6 {
			t.Errorf("submissions past a limit of 5 a minute: first 429 at %d, want 6", at)
		}
	})
	t.Run("GroupCodes", func(t *testing.T) {
		if at := firstLimited(60, func(i int) int { return send(i, "GET", "/s/group-voice?code=ZZZZ-ZZZ"+string(rune('A'+i%26)), "", "") }); at == 0 {
			t.Error("60 wrong group codes with spoofed X-Forwarded-For were never limited")
		}
	})
	t.Run("RealClientsStillApart", func(t *testing.T) {
		// A different client behind the same proxy is not limited by the first one.
		req := httptest.NewRequest("GET", "/s/group-voice?code=ZZZZ-ZZZZ", nil)
		req.Header.Set("X-Forwarded-For", "203.0.113.8")
		resp, err := s.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode == 429 {
			t.Error("another client behind the proxy was limited")
		}
	})
}

// TestPublicURL: printed group-code pages build their links on CHORUS_PUBLIC_URL,
// whatever Host the request named.
func TestPublicURL(t *testing.T) {
	f := newCodeFixture(t)
	ac := f.makeCode(groupVoice, "Printed for Oakfield")
	s := f.behindProxy(Config{PublicURL: "https://chorus.example.org/voice/"})
	req := httptest.NewRequest("GET", "/dashboard/group-voice/codes/"+ac.ID, nil)
	req.Host = "attacker.example"
	req.Header.Set("Cookie", sessionCookie+"="+f.bearer["facilitator"])
	resp, err := s.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(body), "https://chorus.example.org/voice/s/group-voice") ||
		strings.Contains(string(body), "attacker.example") {
		t.Errorf("group-code page %d: links not on CHORUS_PUBLIC_URL, or built from the Host header:\n%.2000s", resp.StatusCode, body)
	}
}

// TestMetricsAccess: /metrics answers a direct caller on loopback, or anyone with the
// bearer token; nobody else learns it exists.
func TestMetricsAccess(t *testing.T) {
	f := newCodeFixture(t)
	const token = "metrics-token-0123456789"
	s := f.behindProxy(Config{MetricsToken: token, TrustedProxies: []string{"127.0.0.1"}})
	get := func(auth string) int {
		req := httptest.NewRequest("GET", "/metrics", nil) // from 0.0.0.0: not loopback
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := s.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode
	}
	for auth, want := range map[string]int{"": 404, "Bearer wrong-token-0123456789": 404, "Bearer " + token: 200, token: 404} {
		if got := get(auth); got != want {
			t.Errorf("/metrics from elsewhere with Authorization %q: %d, want %d", auth, got, want)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { _ = s.Shutdown(context.Background()) })
	for xff, want := range map[string]int{"": 200, "198.51.100.4": 404} {
		req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+"/metrics", nil)
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff) // through a proxy on this machine
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("/metrics on loopback, X-Forwarded-For %q: %d, want %d", xff, resp.StatusCode, want)
		}
	}
}
