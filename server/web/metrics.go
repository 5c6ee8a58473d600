package web

import (
	"crypto/subtle"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type metrics struct {
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	submissions *prometheus.CounterVec
	gatherer    prometheus.Gatherer
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chorus_http_requests_total",
			Help: "HTTP requests by method, route pattern and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "chorus_http_request_seconds",
			Help:    "HTTP request latency by method and route pattern.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 15),
		}, []string{"method", "route"}),
		submissions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chorus_submissions_accepted_total",
			Help: "Survey responses acknowledged, by outcome (stored, repeat).",
		}, []string{"outcome"}),
	}
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	reg.MustRegister(m.requests, m.latency, m.submissions)
	if g, ok := reg.(prometheus.Gatherer); ok {
		m.gatherer = g
	} else {
		m.gatherer = prometheus.DefaultGatherer
	}
	return m
}

func (s *Server) registerHealthRoutes() {
	s.app.Get("/healthz", s.handleHealth)
	s.app.Get("/readyz", s.handleReady)
	s.app.Get("/metrics", s.metricsAllowed, adaptor.HTTPHandler(promhttp.HandlerFor(s.metrics.gatherer, promhttp.HandlerOpts{})))
}

// handleHealth answers 200 while the process runs.
func (s *Server) handleHealth(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString("ok\n")
}

// handleReady answers 200 only while the store answers.
func (s *Server) handleReady(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if err := s.svc.Store.Ready(c.UserContext()); err != nil {
		c.Set(fiber.HeaderRetryAfter, "2")
		return c.Status(fiber.StatusServiceUnavailable).SendString("store unavailable\n")
	}
	return c.SendString("ready\n")
}

// metricsAllowed lets /metrics be read from loopback by a direct caller (no proxy in
// between), or from anywhere with the bearer token CHORUS_METRICS_TOKEN. Anyone else
// gets 404, as if there were no such page.
func (s *Server) metricsAllowed(c *fiber.Ctx) error {
	if tok := s.cfg.MetricsToken; tok != "" {
		if got, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer "); ok &&
			subtle.ConstantTimeCompare([]byte(got), []byte(tok)) == 1 {
			return c.Next()
		}
	}
	direct := len(c.Request().Header.Peek(fiber.HeaderXForwardedFor)) == 0 && len(c.Request().Header.Peek("Forwarded")) == 0
	if ip, err := netip.ParseAddr(s.clientIP(c)); err == nil && ip.IsLoopback() && direct {
		return c.Next()
	}
	return fiber.ErrNotFound
}

// absURL is path on the public address (Config.PublicURL).
func (s *Server) absURL(path string) string { return s.cfg.PublicURL + path }
