// Command fault proves that Chorus never loses or duplicates an acknowledged response,
// with a bounded number of requests, all on loopback:
//
//   - crash: SIGKILL the server at random points during 10,000 submissions, restart it
//     on the same data, retry everything unacknowledged with the same ids, and check
//     every acknowledged id is stored exactly once (and, if the build can recount them,
//     that the aggregates equal a recount);
//   - outage: put the store behind a proxy, stall it and then cut it, and check the
//     server answers 503 with Retry-After within its deadline, /readyz says 503,
//     nothing unstored is acknowledged, and it recovers by itself;
//   - overload: offer five times the measured capacity and check only 2xx/429/503 come
//     back, memory stays bounded, and service is normal within 10 s afterwards;
//   - badinput: slow clients, bodies at and over the size limit and thousands of
//     distinct invalid submissions, all refused correctly and none stored, while good
//     clients carry on.
//
// Usage:
//
//	go run ./scripts/fault            # the full run (a few minutes)
//	go run ./scripts/fault -short     # under 2 minutes once built; scripts/test runs this
//	go run ./scripts/fault -only crash,outage
//
// It builds the server into a temporary directory, exits non-zero with a message for
// every violation, and keeps the temporary directory (with each server's log) when
// anything fails.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/chorus-voice/chorus/scripts/load/loadgen"
)

type runner struct {
	short  bool
	bin    string
	tmp    string
	seed   uint64
	maxRSS int64
	gen    *loadgen.Generator

	mu       sync.Mutex
	problems []string
}

func (r *runner) say(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Printf(format+"\n", args...)
}

func (r *runner) fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.problems = append(r.problems, msg)
	fmt.Println("  FAIL:", msg)
}

var scenarios = []string{"crash", "outage", "overload", "badinput"}

func main() {
	os.Exit(run())
}

func run() int {
	r := &runner{}
	var only, bin string
	var keep bool
	var maxRSS int
	flag.BoolVar(&r.short, "short", false, "a short run (under 2 minutes once built): 2,000 submissions and 2 kills, short outages and overload")
	flag.StringVar(&only, "only", strings.Join(scenarios, ","), "scenarios to run, comma-separated: "+strings.Join(scenarios, ", "))
	flag.StringVar(&bin, "bin", "", "server binary to test (default: build ./server)")
	flag.BoolVar(&keep, "keep", false, "keep the temporary directory (data and server logs) even when everything passes")
	flag.Uint64Var(&r.seed, "seed", uint64(time.Now().UnixNano()), "random seed (kill points, answers)")
	flag.IntVar(&maxRSS, "max-rss", 500, "overload: most server memory (RSS) allowed, in MB")
	flag.Parse()
	r.maxRSS = int64(maxRSS) << 20
	var chosen []string
	for s := range strings.SplitSeq(only, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if !slices.Contains(scenarios, s) {
			fmt.Fprintf(os.Stderr, "fault: unknown scenario %q (have %s)\n", s, strings.Join(scenarios, ", "))
			return 2
		}
		chosen = append(chosen, s)
	}

	root, err := repoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "fault:", err)
		return 2
	}
	if err := os.Chdir(root); err != nil {
		fmt.Fprintln(os.Stderr, "fault:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	r.tmp, err = os.MkdirTemp("", "chorus-fault-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "fault:", err)
		return 2
	}
	fmt.Printf("command: go run ./scripts/fault %s\n", strings.Join(os.Args[1:], " "))
	fmt.Printf("fault: %s; seed %d; work in %s\n", loadgen.Machine(), r.seed, r.tmp)
	r.bin = bin
	if r.bin == "" {
		t0 := time.Now()
		r.bin = filepath.Join(r.tmp, "chorus")
		cmd := exec.CommandContext(ctx, "go", "build", "-o", r.bin, "./server")
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "fault: build the server:", err)
			return 2
		}
		fmt.Printf("built the server in %s\n", time.Since(t0).Round(time.Millisecond))
	}
	if r.gen, err = loadgen.NewGenerator("surveys", "your-life-your-voice"); err != nil {
		fmt.Fprintln(os.Stderr, "fault:", err)
		return 2
	}
	r.gen.Pool(rand.New(rand.NewPCG(r.seed, 0)), 2000)

	start := time.Now()
	for _, s := range chosen {
		if ctx.Err() != nil {
			break
		}
		t0 := time.Now()
		fmt.Println()
		var err error
		switch s {
		case "crash":
			err = r.crash(ctx)
		case "outage":
			err = r.outage(ctx)
		case "overload":
			err = r.overload(ctx)
		case "badinput":
			err = r.badInput(ctx)
		}
		if err != nil {
			r.fail("%s: %v", s, err)
		}
		r.say("%s: %s", s, time.Since(t0).Round(100*time.Millisecond))
	}
	if ctx.Err() != nil {
		r.fail("interrupted")
	}
	fmt.Println()
	if len(r.problems) > 0 {
		fmt.Printf("fault: FAILED with %d problems in %s (logs kept in %s):\n", len(r.problems), time.Since(start).Round(time.Second), r.tmp)
		for _, p := range r.problems {
			fmt.Println("  -", p)
		}
		return 1
	}
	if !keep {
		_ = os.RemoveAll(r.tmp)
	}
	fmt.Printf("fault: all passed (%s) in %s: no acknowledged response lost or duplicated\n", strings.Join(chosen, ", "), time.Since(start).Round(time.Second))
	return 0
}

// badInput runs the bad-input scenario against a fresh server.
func (r *runner) badInput(ctx context.Context) error {
	deadline, invalid, slow := 10*time.Second, 10000, 500
	if r.short {
		deadline, invalid, slow = 3*time.Second, 3000, 100
	}
	r.say("badinput: %d distinct invalid submissions, %d slow clients, bodies at and over the limit; read timeout %s", invalid, slow, deadline)
	srv, err := newServer(r.bin, filepath.Join(r.tmp, "badinput"), "CHORUS_REQUEST_TIMEOUT="+deadline.String())
	if err != nil {
		return err
	}
	defer srv.kill()
	if err := srv.start(ctx); err != nil {
		return err
	}
	store, err := loadgen.OpenStore(ctx, srv.mongoURI, "chorus")
	if err != nil {
		return err
	}
	defer store.Close()
	b := &loadgen.BadInput{
		URL: srv.url(), Gen: r.gen, Store: store, Out: os.Stdout,
		Invalid: invalid, Workers: 16, Slow: slow, SlowGiveUp: deadline + 10*time.Second,
		BodyLimit: 65536, AtLimit: 10, OverLimit: 20, GoodClients: 8, Baseline: 2 * time.Second,
	}
	problems, err := b.Run(ctx)
	for _, p := range problems {
		r.mu.Lock()
		r.problems = append(r.problems, "badinput: "+p)
		r.mu.Unlock()
	}
	if err != nil {
		return err
	}
	return srv.stop()
}

// repoRoot finds the module's root from the working directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.Contains(string(b), "module github.com/chorus-voice/chorus\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run this inside the chorus repository")
		}
		dir = parent
	}
}
