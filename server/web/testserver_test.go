package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/chorus-voice/chorus/server/app"
	"github.com/chorus-voice/chorus/server/auth"
	"github.com/chorus-voice/chorus/server/intake"
	"github.com/chorus-voice/chorus/server/mongodb"
	"github.com/chorus-voice/chorus/server/mongodb/mongodbtest"
)

// testEpoch is the web tests' today: inside the example survey's dates, whatever the
// real date. The tests' clock starts there and moves with real time, so that durations
// (rate limits, session renewal) still pass.
var testEpoch = time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)

var testStart = time.Now()

// testNow is the clock of every test server.
func testNow() time.Time { return testEpoch.Add(time.Since(testStart)) }

// testServer is a Server on the real embedded store with every real service, built by
// app.Build as the program builds them.
type testServer struct {
	*Server
	Svc       *app.Services
	DB        *mongodb.DB
	Responses *mongodb.ResponseStore
	Catalog   *intake.Catalog
	Logs      *lockedBuffer
	// Secret signs the server's tokens.
	Secret []byte
}

// testOptions vary a test server: the web configuration and the survey directory
// (default the shipped surveys).
type testOptions struct {
	cfg     Config
	surveys string
	now     func() time.Time
}

// newTestServer builds a Server with real services on a fresh database, with the
// reviews and the counts loaded (nothing runs in the background).
func newTestServer(t testing.TB, opts ...func(*testOptions)) *testServer {
	t.Helper()
	o := testOptions{cfg: Config{RequestTimeout: 10 * time.Second}, surveys: "../../surveys", now: testNow}
	for _, f := range opts {
		f(&o)
	}
	o.cfg.Now = o.now
	logs := &lockedBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	db := mongodbtest.Open(t)
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	ctx := context.Background()
	svc, err := app.Build(ctx, app.Config{SurveysDir: o.surveys, Secret: secret, Hasher: auth.NewHasher(64, 1, 1, 4)}, db, o.now, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Close(context.Background()) })
	if err := svc.Load(ctx); err != nil {
		t.Fatal(err)
	}
	s, err := New(o.cfg, log, prometheus.NewRegistry(), Services(svc.Handlers))
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	return &testServer{Server: s, Svc: svc, DB: db, Responses: svc.Writer, Catalog: svc.Surveys, Logs: logs, Secret: secret}
}

// withClock gives the test server another clock than testNow.
func withClock(now func() time.Time) func(*testOptions) { return func(o *testOptions) { o.now = now } }

// withConfig gives the test server cfg (its clock is set by withClock).
func withConfig(cfg Config) func(*testOptions) { return func(o *testOptions) { o.cfg = cfg } }

// withSurveys loads the surveys of dir instead of the shipped ones.
func withSurveys(dir string) func(*testOptions) { return func(o *testOptions) { o.surveys = dir } }

// do sends a request through the app and returns the response with its body read.
// An API call is checked against openapi.json on the way (checkAPIExchange).
func (ts *testServer) do(t testing.TB, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	reqBody := recordAPI(req)
	resp, err := ts.app.Test(req, 30_000)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	checkAPIExchange(t, req.Method, req.URL.String(), req.Header.Get("Content-Type"), reqBody, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	return resp, body
}

// postJSON sends v (or raw bytes) as a JSON body.
func (ts *testServer) postJSON(t testing.TB, path string, v any) (*http.Response, []byte) {
	t.Helper()
	var b []byte
	if raw, ok := v.([]byte); ok {
		b = raw
	} else {
		b, _ = json.Marshal(v)
	}
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	return ts.do(t, req)
}

// listen serves the app on a loopback port for tests that need real HTTP.
func (ts *testServer) listen(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = ts.Serve(ln) }()
	t.Cleanup(func() { _ = ts.Shutdown(context.Background()) })
	return "http://" + ln.Addr().String()
}

// TestClock: the server decides from the clock it is given, not the machine's, whether
// a survey is open, so that no test depends on today's date.
func TestClock(t *testing.T) {
	sub := func(id string) map[string]any {
		return map[string]any{"survey": "your-life-your-voice", "version": "13-17", "submission_id": id,
			"answers": map[string]any{"better": "more football"}}
	}
	ts := newTestServer(t)
	if resp, body := ts.postJSON(t, "/api/v1/responses", sub("clock-open-1")); resp.StatusCode != http.StatusCreated {
		t.Fatalf("submit on %s: %d %s; want 201 (the example survey is open then)", testNow().Format(time.DateOnly), resp.StatusCode, body)
	}
	closes := time.Date(2027, 8, 31, 0, 0, 0, 0, time.UTC)
	later := newTestServer(t, withClock(func() time.Time { return closes.AddDate(0, 0, 2) }))
	if resp, body := later.postJSON(t, "/api/v1/responses", sub("clock-closed-1")); resp.StatusCode != http.StatusUnprocessableEntity || !bytes.Contains(body, []byte("closed")) {
		t.Errorf("submit two days after the survey closes: %d %s; want 422, closed", resp.StatusCode, body)
	}
	resp, body := later.do(t, httptest.NewRequest(http.MethodGet, "/s/your-life-your-voice", nil))
	if resp.StatusCode != http.StatusOK || !bytes.Contains(bytes.ToLower(body), []byte("closed")) {
		t.Errorf("start page after the survey closes: %d, want it to say the survey is closed", resp.StatusCode)
	}
}
