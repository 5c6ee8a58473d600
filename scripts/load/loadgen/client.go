package loadgen

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/valyala/fasthttp"
)

// Loopback returns host:port of a URL whose host is a loopback address (127.0.0.0/8,
// ::1, or "localhost" when every address it resolves to is loopback). These tools send
// thousands of requests a second and kill processes: they must never aim at anything
// but this machine.
func Loopback(rawURL string) (string, error) {
	if rest, ok := strings.CutPrefix(rawURL, "mongodb://%2F"); ok {
		// A Unix socket (the embedded store's): on this machine by definition.
		host, _, _ := strings.Cut(rest, "/")
		return url.PathUnescape("%2F" + host)
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("%q is not a URL", rawURL)
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		switch u.Scheme {
		case "http":
			port = "80"
		case "https":
			port = "443"
		case "mongodb":
			port = "27017"
		default:
			return "", fmt.Errorf("%q has no port", rawURL)
		}
	}
	if strings.Contains(u.Host, ",") {
		return "", fmt.Errorf("%q names several hosts; give one loopback address", rawURL)
	}
	if ip := net.ParseIP(host); ip != nil {
		if !ip.IsLoopback() {
			return "", fmt.Errorf("refusing %s: only loopback addresses (127.0.0.1, ::1) may be targeted", host)
		}
		return net.JoinHostPort(host, port), nil
	}
	if host != "localhost" {
		return "", fmt.Errorf("refusing %s: only loopback addresses (127.0.0.1, ::1, localhost) may be targeted", host)
	}
	ips, err := net.LookupIP(host)
	if err != nil || len(ips) == 0 {
		return "", fmt.Errorf("cannot resolve localhost: %v", err)
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return "", fmt.Errorf("refusing localhost: it resolves to %s, which is not loopback", ip)
		}
	}
	return net.JoinHostPort("127.0.0.1", port), nil
}

// Client posts submissions to one loopback server over keep-alive connections.
// It is built on fasthttp so that the load generator, which shares two cores with
// the server, spends as little CPU as it can.
type Client struct {
	base    string
	hc      *fasthttp.HostClient
	Timeout time.Duration
}

// NewClient returns a client for baseURL (e.g. http://127.0.0.1:8080) with at most
// conns connections and a per-request timeout.
func NewClient(baseURL string, conns int, timeout time.Duration) (*Client, error) {
	addr, err := Loopback(baseURL)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(baseURL, "https:") {
		return nil, errors.New("https is not supported: target the server's plain loopback port")
	}
	return &Client{
		base: strings.TrimRight(baseURL, "/"),
		hc: &fasthttp.HostClient{
			Addr:                          addr,
			MaxConns:                      conns,
			MaxConnWaitTimeout:            timeout,
			ReadTimeout:                   timeout,
			WriteTimeout:                  timeout,
			MaxIdleConnDuration:           30 * time.Second,
			NoDefaultUserAgentHeader:      true,
			DisableHeaderNamesNormalizing: true,
			MaxResponseBodySize:           1 << 20,
		},
		Timeout: timeout,
	}, nil
}

// Result is the outcome of one request: Status is 0 when no answer came (Err says why).
type Result struct {
	Status     int
	Body       []byte
	RetryAfter string
	Latency    time.Duration
	Err        error
}

// Post sends body to path with the given content type (application/json when empty).
// It keeps the response body only for statuses other than 200 and 201.
func (c *Client) Post(path string, contentType string, body []byte) Result {
	return c.Do(fasthttp.MethodPost, path, contentType, body)
}

// Get fetches path.
func (c *Client) Get(path string) Result {
	return c.Do(fasthttp.MethodGet, path, "", nil)
}

// Do sends one request and waits for its answer or the timeout.
func (c *Client) Do(method, path, contentType string, body []byte) Result {
	req := fasthttp.AcquireRequest()
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(c.base + path)
	req.Header.SetMethod(method)
	if method == fasthttp.MethodPost {
		if contentType == "" {
			contentType = "application/json"
		}
		req.Header.SetContentType(contentType)
		req.SetBodyRaw(body)
	}
	start := time.Now()
	err := c.hc.DoTimeout(req, resp, c.Timeout)
	res := Result{Latency: time.Since(start), Err: err}
	if err != nil {
		return res
	}
	res.Status = resp.StatusCode()
	res.RetryAfter = string(resp.Header.Peek("Retry-After"))
	if res.Status != 200 && res.Status != 201 || method == fasthttp.MethodGet {
		res.Body = append([]byte(nil), resp.Body()...)
	}
	return res
}

// CloseIdle closes idle connections (after the server was restarted, say).
func (c *Client) CloseIdle() { c.hc.CloseIdleConnections() }

// WaitReady polls /readyz until it answers 200 or ctx ends.
func (c *Client) WaitReady(ctx context.Context) error {
	for {
		if r := c.Get("/readyz"); r.Status == 200 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("server at %s not ready: %w", c.base, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// ErrorClass names a transport error briefly, for counting.
func ErrorClass(err error) string {
	var ne net.Error
	switch {
	case err == nil:
		return ""
	case errors.Is(err, fasthttp.ErrTimeout), errors.Is(err, fasthttp.ErrNoFreeConns), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, fasthttp.ErrConnectionClosed):
		return "connection closed"
	case strings.Contains(err.Error(), "connection refused"):
		return "connection refused"
	case strings.Contains(err.Error(), "reset by peer"), strings.Contains(err.Error(), "broken pipe"):
		return "connection reset"
	default:
		return "transport error"
	}
}
