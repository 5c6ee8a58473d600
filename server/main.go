// Command chorus serves Chorus: survey pages for children and young people, staff pages,
// and the JSON API. Run it with no arguments to start everything on an embedded store.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/chorus-voice/chorus/server/app"
	"github.com/chorus-voice/chorus/server/auth"
	"github.com/chorus-voice/chorus/server/mongodb"
	"github.com/chorus-voice/chorus/server/web"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run dispatches a subcommand and returns the process exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(stdout, stderr)
	case "user":
		return runUser(args, stdin, stdout, stderr, os.Getenv)
	case "survey":
		return runSurvey(args, stdout, stderr)
	case "results":
		return runResults(args, stdout, stderr, os.Getenv)
	case "demo":
		return runDemo(args, stdout, stderr, os.Getenv)
	case "healthcheck":
		return runHealthcheck(stderr)
	case "version":
		fmt.Fprintln(stdout, "chorus", version())
		return 0
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage())
		return 0
	default:
		fmt.Fprintf(stderr, "chorus: unknown command %q\n\n%s", cmd, usage())
		return 2
	}
}

func serve(stdout, stderr io.Writer) int {
	cfg, err := LoadConfig(os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, "chorus:", err)
		return 1
	}
	if os.Getenv("GOGC") == "" {
		// Go's default (100) spent about a fifth of the CPU collecting garbage during a
		// burst of submissions; 400 takes about a quarter more a second and the server
		// stays under 300 MB (README, "Performance and reliability").
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// A soft limit: under overload, with thousands of connections open, the heap
		// is collected sooner instead of growing to five times what is live.
		debug.SetMemoryLimit(384 << 20)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	m := NewMain(cfg, newLogger(stderr, cfg.LogLevel))
	m.Out = stdout
	if err := m.Run(ctx); err != nil {
		fmt.Fprintln(stderr, "chorus:", err)
		return 1
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for done := false; !done; {
		select {
		case <-hup:
			if err := m.Services.Surveys.Reload(ctx); err != nil {
				m.Log.Error("survey reload failed; the running surveys were kept", "errors", err.Error())
			}
		case <-ctx.Done():
			done = true
		}
	}
	m.Log.Info("shutting down")
	if err := m.Close(); err != nil {
		fmt.Fprintln(stderr, "chorus: shutdown:", err)
		return 1
	}
	return 0
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v
}

// Main is the running program: the store, the services and the HTTP server. End-to-end
// tests use it the same way main does.
type Main struct {
	Config Config
	Log    *slog.Logger
	Out    io.Writer
	// Now is the clock the services read dates from; nil is time.Now.
	Now func() time.Time

	DB       *mongodb.DB
	Services *app.Services
	HTTP     *web.Server
	// Addr is the address the HTTP server listens on, once Run returns.
	Addr string

	registry *prometheus.Registry
	ln       net.Listener
	served   chan error
	cancel   context.CancelFunc
}

// NewMain returns a Main for cfg.
func NewMain(cfg Config, log *slog.Logger) *Main {
	return &Main{Config: cfg, Log: log, Out: io.Discard}
}

// Run opens the store, builds the services, starts their background loops and starts
// serving. It returns once the server listens; the store may still be coming up (see
// /readyz). If it fails, what it started is stopped again.
func (m *Main) Run(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			_ = m.Close()
		}
	}()
	ctx, m.cancel = context.WithCancel(ctx)
	m.registry = prometheus.NewRegistry()
	m.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if err := m.startPprof(ctx, m.Config.PProf); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", net.JoinHostPort("", strconv.Itoa(m.Config.Port)))
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("PORT: port %d is already in use; stop the other program or set PORT to a free port", m.Config.Port)
		}
		return fmt.Errorf("PORT: %w", err)
	}
	m.ln = ln
	m.Addr = ln.Addr().String()

	db, err := mongodb.Open(ctx, mongodb.Options{
		URI: m.Config.MongoURI, DataDir: m.Config.DataDir, Database: m.Config.Database,
		Logger: m.Log, Registerer: m.registry,
	})
	if err != nil {
		return err
	}
	m.DB = db
	if db.Embedded() {
		fmt.Fprintf(m.Out, "Embedded store (FerretDB on SQLite in %s): %s\n", m.Config.DataDir, db.URI)
	}
	secret, err := signingSecret(m.Config)
	if err != nil {
		return err
	}
	// Pages read releases, never the live counts, so the releaser gets the latest counts
	// (no MaxStale).
	m.Services, err = app.Build(ctx, app.Config{SurveysDir: m.Config.SurveysDir, Secret: secret, ReleaseInterval: m.Config.ReleaseInterval,
		Org: m.Config.Org()}, db, m.Now, m.Log)
	if err != nil {
		return err
	}
	m.HTTP, err = web.New(web.Config{
		RequestTimeout:   m.Config.RequestTimeout,
		BodyLimit:        m.Config.BodyLimit,
		TrustedProxies:   m.Config.TrustedProxies,
		Version:          version(),
		SubmitsPerMinute: m.Config.SubmitsPerMin,
		PublicURL:        m.Config.PublicURL,
		MetricsToken:     m.Config.MetricsToken,
		Now:              m.Services.Now,
	}, m.Log, m.registry, web.Services(m.Services.Handlers))
	if err != nil {
		return err
	}
	m.Services.Start(ctx)
	accounts, port := m.Services.Auth, ln.Addr().(*net.TCPAddr).Port
	base := m.Config.PublicURL
	if base == "" || strings.HasSuffix(base, ":0") { // PORT=0: the port the system chose
		base = fmt.Sprintf("http://localhost:%d", port)
	}
	go func() {
		if err := db.WaitReady(ctx); err == nil {
			m.Log.Info("store ready")
			// Commands on this store (demo) link to this server.
			if err := db.SetSetting(ctx, mongodb.SettingServerURL, base); err != nil {
				m.Log.Warn("cannot record the server's address", "err", err)
			}
			m.ensureFirstAdmin(ctx, accounts)
		}
	}()

	for _, s := range m.Services.Surveys.OpenSurveys(ctx) {
		fmt.Fprintf(m.Out, "Survey %q: http://localhost:%d/s/%s\n", s.Title.In(""), port, s.ID)
	}
	m.served = make(chan error, 1)
	go func() { m.served <- m.HTTP.Serve(ln) }()
	fmt.Fprintf(m.Out, "Chorus is listening on http://localhost:%d\n", port)
	return nil
}

// Close stops the HTTP server (finishing in-flight requests), drains pending writes,
// stops the background loops and closes the store. It undoes as much of Run as ran,
// and may be called more than once.
func (m *Main) Close() error {
	var errs []error
	if m.served != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		errs = append(errs, m.HTTP.Shutdown(ctx))
		cancel()
		<-m.served
		m.served = nil
	} else if m.ln != nil {
		_ = m.ln.Close()
	}
	m.ln = nil
	if m.Services != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		errs = append(errs, m.Services.Close(ctx))
		cancel()
		m.Services = nil
	}
	if m.cancel != nil {
		m.cancel()
	}
	if m.DB != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		errs = append(errs, m.DB.Close(ctx))
		cancel()
		m.DB = nil
	}
	return errors.Join(errs...)
}

// signingSecret is CHORUS_JWT_SECRET or, when it is unset (the embedded store), a
// secret generated once and kept in CHORUS_DATA.
func signingSecret(cfg Config) ([]byte, error) {
	if cfg.JWTSecret != "" {
		return []byte(cfg.JWTSecret), nil
	}
	return auth.LoadOrCreateSecret(cfg.DataDir)
}

// isHelp reports whether a command's first argument asks for its usage.
func isHelp(arg string) bool {
	switch arg {
	case "help", "-h", "--help", "-help":
		return true
	}
	return false
}
