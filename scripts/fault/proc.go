package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/chorus-voice/chorus/scripts/load/loadgen"
)

// server is one Chorus process under test, restarted as often as the scenario needs on
// the same port and data directory.
type server struct {
	bin, dir, logPath string
	port              int
	env               []string

	cmd      *exec.Cmd
	exited   chan struct{}
	mongoURI string // the embedded store's URI, from the last start
	starts   int
}

var storeLine = regexp.MustCompile(`mongodb://(?:127\.0\.0\.1:[0-9]+|%2F[^\s/]*\.sock)/?`)

func newServer(bin, dir string, env ...string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return &server{bin: bin, dir: dir, port: port, env: env, logPath: filepath.Join(dir, "server.log")}, nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func (s *server) url() string { return "http://127.0.0.1:" + strconv.Itoa(s.port) }

func (s *server) pid() int {
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// start runs the server and waits until /readyz answers 200.
func (s *server) start(ctx context.Context) error {
	logf, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close()
	fmt.Fprintf(logf, "---- start %d\n", s.starts+1)
	cmd := exec.Command(s.bin)
	cmd.Env = append(os.Environ(),
		"PORT="+strconv.Itoa(s.port),
		"CHORUS_DATA="+filepath.Join(s.dir, "data"),
		"CHORUS_SUBMITS_PER_MINUTE=0",
		// The aggregates check compares released figures with a recount's, so releases
		// follow the counts (made on read whenever the step rule allows) instead of
		// once an hour: an hourly release cut early in a run, by a re-tag job's recount
		// on a fresh store say, would still be the one shown at the end.
		"CHORUS_RELEASE_INTERVAL=0",
	)
	cmd.Env = append(cmd.Env, s.env...)
	cmd.Stderr = logf
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	s.cmd, s.exited, s.starts = cmd, make(chan struct{}), s.starts+1
	uri := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := storeLine.FindString(sc.Text()); m != "" && strings.Contains(sc.Text(), "Embedded store") {
				select {
				case uri <- m:
				default:
				}
			}
		}
	}()
	exited := s.exited
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()

	c, err := loadgen.NewClient(s.url(), 2, 3*time.Second)
	if err != nil {
		return err
	}
	rctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	ready := make(chan error, 1)
	go func() { ready <- c.WaitReady(rctx) }()
	select {
	case err := <-ready:
		if err != nil {
			s.kill()
			return fmt.Errorf("%w\n%s", err, s.logTail())
		}
	case <-exited:
		cancel()
		return fmt.Errorf("server exited during start:\n%s", s.logTail())
	}
	select {
	case s.mongoURI = <-uri:
	default:
	}
	return nil
}

// kill sends SIGKILL and waits for the process to go.
func (s *server) kill() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
}

// stop sends SIGTERM (a graceful shutdown that drains the writer) and waits, killing
// the process if it takes longer than 30 s.
func (s *server) stop() error {
	if s.cmd == nil {
		return nil
	}
	defer func() { s.cmd = nil }()
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
		if code := s.cmd.ProcessState.ExitCode(); code != 0 {
			return fmt.Errorf("server exited %d after SIGTERM:\n%s", code, s.logTail())
		}
		return nil
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
		return errors.New("server did not stop within 30 s of SIGTERM")
	}
}

// logTail returns the last lines the server logged.
func (s *server) logTail() string {
	b, err := os.ReadFile(s.logPath)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return "  " + strings.Join(lines[max(0, len(lines)-15):], "\n  ")
}
