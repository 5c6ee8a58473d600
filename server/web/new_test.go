package web

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// TestNewRefusesAMissingService: web.New takes every service up front, so no handler
// checks for nil; a missing one is refused by name when the server is built.
func TestNewRefusesAMissingService(t *testing.T) {
	svc := newTestServer(t).svc
	svc.Retention = nil
	if _, err := New(Config{}, slog.New(slog.DiscardHandler), prometheus.NewRegistry(), svc); err == nil || !strings.Contains(err.Error(), "Retention") {
		t.Errorf("New without the retention service: %v, want an error naming it", err)
	}
}
