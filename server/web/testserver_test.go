package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/chorus-voice/chorus/server/geo"
	"github.com/chorus-voice/chorus/server/intake"
	"github.com/chorus-voice/chorus/server/mongodb"
	"github.com/chorus-voice/chorus/server/mongodb/mongodbtest"
	"github.com/chorus-voice/chorus/server/redact"
)

// testServer is a Server on the real embedded store with the shipped surveys.
type testServer struct {
	*Server
	DB        *mongodb.DB
	Responses *mongodb.ResponseStore
	Catalog   *intake.Catalog
	Logs      *bytes.Buffer
}

// newTestServer builds a Server with real services on a fresh database.
func newTestServer(t testing.TB) *testServer {
	t.Helper()
	logs := &bytes.Buffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	db := mongodbtest.Open(t)
	s, err := New(Config{RequestTimeout: 10 * time.Second, SubmitsPerMinute: 0}, log, prometheus.NewRegistry())
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	g, err := geo.Load()
	if err != nil {
		t.Fatal(err)
	}
	catalog := intake.NewCatalog("../../surveys", g.Areas(), log)
	store := db.NewResponseStore(0, 0)
	t.Cleanup(func() { _ = store.Close(context.Background()) })
	s.Store = db
	s.Surveys = catalog
	s.Responses = &intake.Service{
		Surveys: catalog, Store: store, Redact: redact.Redact,
		Areas: func(code string) bool { _, ok := g.Area(code); return ok },
	}
	return &testServer{Server: s, DB: db, Responses: store, Catalog: catalog, Logs: logs}
}

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
