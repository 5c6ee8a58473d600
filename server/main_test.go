package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// TestMain lets a test run this binary as the real program: with CHORUS_RUN_MAIN set,
// the test binary behaves exactly like `chorus`.
func TestMain(m *testing.M) {
	if os.Getenv("CHORUS_RUN_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// waitStatus polls url until it answers want or the deadline passes.
func waitStatus(t *testing.T, url string, want int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == want {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer %d within %s (last err %v)", url, want, within, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// startProcess runs the program in a child process with env and returns it and its output.
func startProcess(t *testing.T, dir string, env ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append([]string{"CHORUS_RUN_MAIN=1"}, env...)...)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return cmd, out
}

func TestServeFromAnEmptyDirectory(t *testing.T) {
	dir := t.TempDir()
	port := freePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	for run := 1; run <= 2; run++ {
		cmd, out := startProcess(t, dir, fmt.Sprintf("PORT=%d", port))
		waitStatus(t, base+"/readyz", 200, 60*time.Second)
		waitStatus(t, base+"/healthz", 200, time.Second)

		uri := ""
		for _, line := range strings.Split(out.String(), "\n") {
			if i := strings.Index(line, "mongodb://"); i >= 0 {
				uri = strings.TrimSpace(line[i:])
			}
		}
		if uri == "" {
			t.Fatalf("run %d: no MongoDB URI printed; output:\n%s", run, out.String())
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		client, err := mongo.Connect(options.Client().ApplyURI(uri))
		if err != nil {
			t.Fatal(err)
		}
		if err := client.Database("admin").RunCommand(ctx, bson.D{{Key: "ping", Value: 1}}).Err(); err != nil {
			t.Fatalf("run %d: ping on the printed URI %s: %v", run, uri, err)
		}
		_ = client.Disconnect(ctx)
		cancel()

		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			t.Fatalf("run %d: exit after SIGTERM: %v; output:\n%s", run, err, out.String())
		}
		if _, err := os.Stat(filepath.Join(dir, "data", "db", "chorus.sqlite")); err != nil {
			t.Fatalf("run %d: data directory not kept: %v", run, err)
		}
	}
}

func TestStoreUnreachableAtStart(t *testing.T) {
	port := freePort(t)
	closed := freePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	cmd, out := startProcess(t, t.TempDir(), fmt.Sprintf("PORT=%d", port),
		fmt.Sprintf("MONGODB_URI=mongodb://127.0.0.1:%d/?serverSelectionTimeoutMS=300", closed),
		"CHORUS_JWT_SECRET="+strings.Repeat("k", 40))
	waitStatus(t, base+"/healthz", 200, 30*time.Second)
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("/readyz with the store down: %d Retry-After %q; want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	time.Sleep(500 * time.Millisecond)
	if cmd.ProcessState != nil {
		t.Fatalf("process exited while the store was down:\n%s", out.String())
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM with the store down: %v\n%s", err, out.String())
	}
}

func TestStartRefusesBadConfig(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  []string
		want string
	}{
		{"ErrPortNotANumber", []string{"PORT=eighty"}, "PORT:"},
		{"ErrPortTooLarge", []string{"PORT=70000"}, "PORT:"},
		{"ErrPortInUse", []string{fmt.Sprintf("PORT=%d", busy.Addr().(*net.TCPAddr).Port)}, "already in use"},
		{"ErrDataDirUnusable", []string{"PORT=0", "CHORUS_DATA=" + file + "/sub"}, "CHORUS_DATA:"},
		{"ErrMalformedMongoURI", []string{"PORT=0", "MONGODB_URI=postgres://x", "CHORUS_JWT_SECRET=" + strings.Repeat("s", 32)}, "MONGODB_URI:"},
		{"ErrShortJWTSecret", []string{"PORT=0", "CHORUS_JWT_SECRET=short"}, "CHORUS_JWT_SECRET:"},
		{"ErrBadTimeout", []string{"PORT=0", "CHORUS_REQUEST_TIMEOUT=soon"}, "CHORUS_REQUEST_TIMEOUT:"},
		{"ErrPublicURLNotHTTP", []string{"PORT=0", "CHORUS_PUBLIC_URL=chorus.example.org"}, "CHORUS_PUBLIC_URL:"},
		{"ErrPublicURLWithQuery", []string{"PORT=0", "CHORUS_PUBLIC_URL=https://chorus.example.org/?a=1"}, "CHORUS_PUBLIC_URL:"},
		{"ErrShortMetricsToken", []string{"PORT=0", "CHORUS_METRICS_TOKEN=short"}, "CHORUS_METRICS_TOKEN:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd, out := startProcess(t, t.TempDir(), tt.env...)
			err := cmd.Wait()
			if err == nil {
				t.Fatalf("exit 0; want a failure. output:\n%s", out.String())
			}
			if !strings.Contains(out.String(), tt.want) {
				t.Fatalf("output %q does not name %q", out.String(), tt.want)
			}
		})
	}
}

func TestHelpListsCommandsAndEveryVariable(t *testing.T) {
	var out bytes.Buffer
	if code := run([]string{"--help"}, nil, &out, io.Discard); code != 0 {
		t.Fatalf("--help exit %d", code)
	}
	for _, s := range settings {
		if !strings.Contains(out.String(), s.name) {
			t.Errorf("--help does not list %s", s.name)
		}
	}
	for _, cmd := range []string{"serve", "version", "survey validate", "user add"} {
		if !strings.Contains(out.String(), cmd) {
			t.Errorf("--help does not list %q", cmd)
		}
	}
	if code := run([]string{"frobnicate"}, nil, io.Discard, io.Discard); code == 0 {
		t.Error("unknown command exit 0")
	}
}

// syncBuffer is a bytes.Buffer safe for a child process's writes and the test's reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
