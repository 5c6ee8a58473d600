// Package web is the only package that imports Fiber: routes, handlers, middleware,
// the one error handler and the view models of every page.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/chorus-voice/chorus/server/auth"
	"github.com/chorus-voice/chorus/server/briefing"
	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/geo"
	"github.com/chorus-voice/chorus/server/intake"
	"github.com/chorus-voice/chorus/server/results"
)

// Config holds what the web layer needs from the program's configuration.
type Config struct {
	// RequestTimeout bounds every request's work, including store calls.
	RequestTimeout time.Duration
	// BodyLimit is the largest request body accepted, in bytes.
	BodyLimit int
	// TrustedProxies are the addresses of reverse proxies whose X-Forwarded-* headers
	// are believed. HSTS is sent only for requests that came through one over HTTPS.
	TrustedProxies []string
	// Version is shown in /metrics and the version command.
	Version string
	// SubmitsPerMinute limits submissions per client address (in memory); 0 is no limit.
	SubmitsPerMinute int
	// PublicURL is where people reach Chorus (scheme, host, any path prefix, no
	// trailing slash): every absolute link is built on it, never on the Host header.
	PublicURL string
	// MetricsToken, when set, lets a caller that is not on loopback read /metrics by
	// sending it as a bearer token.
	MetricsToken string
	// Now is the clock dates on pages and links are worked out from; nil is time.Now.
	Now func() time.Time
}

// Readier reports whether the store answers: Ready returns nil when the store answers
// within ctx, EUNAVAILABLE otherwise. (An alias, so that app.Handlers converts.)
type Readier = interface {
	Ready(ctx context.Context) error
}

// Services are the services the handlers call, all required; New refuses a nil one.
// app.Handlers has the same fields: web.Services(svc.Handlers).
type Services struct {
	Store     Readier
	Surveys   *intake.Catalog
	Responses chorus.ResponseService

	// Staff accounts (see auth.go, authz.go): the account service, token signing, and
	// the stores the pages read.
	Auth       *auth.Service
	Tokens     *auth.Tokens
	Users      chorus.UserService
	Audit      chorus.AuditService
	ShareLinks chorus.ShareLinkService
	// AccessCodes are the group access codes of surveys that need one, and the submit
	// tokens they grant (see accesscode.go).
	AccessCodes *auth.AccessCodes

	// Results and reports (see dashboard.go, briefing.go, youngpeople.go): the results
	// publisher every figure comes from; saved briefings; whether each survey's page for
	// young people is published; and the geography areas are named and rolled up by.
	Results      *results.Service
	Briefings    chorus.BriefingService
	Publications chorus.PublicationService
	Geo          *geo.Geography
	// Briefs makes briefings and runs batches of them.
	Briefs *briefing.Service
	// Releases makes the releases every figure comes from (see release.go).
	Releases *results.Releaser

	// Free text (see review.go, quote.go, safeguarding.go): codebooks, human review of
	// themes, the re-tag jobs, approved quotes and the safeguarding queue.
	Codebooks    chorus.CodebookService
	Reviews      chorus.ReviewService
	Jobs         chorus.JobService
	Quotes       chorus.QuoteService
	Safeguarding chorus.SafeguardingService
	// Retention deletes answers older than their survey keeps them (see retention.go).
	Retention chorus.RetentionService
}

// Server serves every page and API route with the services it was built with.
type Server struct {
	app     *fiber.App
	cfg     Config
	log     *slog.Logger
	views   *views
	metrics *metrics
	proxies proxySet
	// svc is every service the handlers use, set once by New.
	svc Services
}

// check returns an error naming the first missing service.
func (svc *Services) check() error {
	v := reflect.ValueOf(svc).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.IsNil() {
			return fmt.Errorf("web: the %s service is missing", v.Type().Field(i).Name)
		}
	}
	return nil
}

// New builds the Fiber app with its middleware and routes on svc, every one of which
// is required.
func New(cfg Config, log *slog.Logger, reg prometheus.Registerer, svc Services) (*Server, error) {
	if err := svc.check(); err != nil {
		return nil, err
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 10 * time.Second
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = 64 << 10
	}
	if cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/"); cfg.PublicURL == "" {
		cfg.PublicURL = "http://localhost" // main always sets it (CHORUS_PUBLIC_URL)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	v, err := loadViews()
	if err != nil {
		return nil, err
	}
	proxies, err := parseProxies(cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: log, views: v, metrics: newMetrics(reg), proxies: proxies, svc: svc}
	s.app = fiber.New(fiber.Config{
		AppName:               "chorus",
		ErrorHandler:          s.handleError,
		BodyLimit:             cfg.BodyLimit,
		ReadTimeout:           cfg.RequestTimeout,
		WriteTimeout:          cfg.RequestTimeout,
		IdleTimeout:           60 * time.Second,
		ReadBufferSize:        16 << 10,
		StreamRequestBody:     false,
		Immutable:             true,
		DisableStartupMessage: true,
		// ProxyHeader is only believed from the trusted proxies.
		ProxyHeader:             proxyHeader(cfg.TrustedProxies),
		EnableTrustedProxyCheck: len(cfg.TrustedProxies) > 0,
		TrustedProxies:          cfg.TrustedProxies,
	})
	s.app.Use(s.requestID, s.observe, s.recoverPanic, s.securityHeaders, s.deadline)
	s.app.Use(compress.New(compress.Config{
		Level: compress.LevelBestSpeed,
		Next: func(c *fiber.Ctx) bool {
			return c.Method() != fiber.MethodGet || strings.HasPrefix(c.Path(), "/static/")
		},
	}))
	s.routes()
	if err := s.guardRoutes(); err != nil {
		return nil, err
	}
	return s, nil
}

func proxyHeader(trusted []string) string {
	if len(trusted) == 0 {
		return ""
	}
	return fiber.HeaderXForwardedFor
}

// routes registers every route. Each noun has its own register function.
func (s *Server) routes() {
	s.registerHealthRoutes()
	s.registerStaticRoutes()
	s.app.Get("/", s.handleHome)
	s.registerSurveyRoutes()
	s.registerResponseRoutes()
	s.registerYoungPeopleRoutes() // before the respondent routes: /s/:survey/:version would match /s/:survey/results
	s.registerRespondentRoutes()
	s.registerAuthRoutes()
	s.registerUserRoutes()
	s.registerAuditRoutes()
	s.registerDashboardRoutes()
	s.registerBriefingRoutes()
	s.registerResultRoutes()
	s.registerReleaseRoutes()
	s.registerReviewRoutes()
	s.registerQuoteRoutes()
	s.registerSafeguardingRoutes()
	s.registerAccessCodeRoutes()
}

// now is the time by the server's clock.
func (s *Server) now() time.Time { return s.cfg.Now() }

// App returns the Fiber app, for tests that call app.Test.
func (s *Server) App() *fiber.App { return s.app }

// Serve serves HTTP on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error { return s.app.Listener(ln) }

// Shutdown stops accepting connections and waits for in-flight requests until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error { return s.app.ShutdownWithContext(ctx) }

// requestID gives each request a random id that reveals nothing about the client.
func (s *Server) requestID(c *fiber.Ctx) error {
	var b [8]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	c.Locals(localRequestID, id)
	c.Set("X-Request-Id", id)
	return c.Next()
}

type localKey int

const (
	localRequestID localKey = iota
)

func requestIDOf(c *fiber.Ctx) string {
	id, _ := c.Locals(localRequestID).(string)
	return id
}

// deadline puts a per-request deadline on the user context that services receive.
func (s *Server) deadline(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.RequestTimeout)
	defer cancel()
	c.SetUserContext(ctx)
	return c.Next()
}

// recoverPanic turns a panic in a handler into a 500 with the request id, logged once.
func (s *Server) recoverPanic(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic", "request_id", requestIDOf(c), "panic", r)
			err = fiber.ErrInternalServerError
		}
	}()
	return c.Next()
}

// securityHeaders sets the headers every response carries.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "+
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "no-referrer")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Set("Cross-Origin-Resource-Policy", "same-origin")
	c.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
	if len(s.cfg.TrustedProxies) > 0 && c.IsProxyTrusted() && c.Get(fiber.HeaderXForwardedProto) == "https" {
		c.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	}
	return c.Next()
}

// observe logs each request (method, route pattern, status, duration, id — never an
// address, a path with tokens in it, or a body) and records metrics.
func (s *Server) observe(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := s.app.ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	route := c.Route().Path
	if c.Route().Method == "USE" || route == "/" && c.Path() != "/" {
		route = "unmatched"
	}
	status := c.Response().StatusCode()
	d := time.Since(start)
	s.metrics.requests.WithLabelValues(c.Method(), route, strconv.Itoa(status)).Inc()
	s.metrics.latency.WithLabelValues(c.Method(), route).Observe(d.Seconds())
	if route != "/metrics" && route != "/healthz" && route != "/readyz" {
		s.log.Info("request", "id", requestIDOf(c), "method", c.Method(), "route", route,
			"status", status, "ms", float64(d.Microseconds())/1000)
	}
	return nil
}
