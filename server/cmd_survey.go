package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/chorus-voice/chorus/server/geo"
	"github.com/chorus-voice/chorus/server/intake"
	"github.com/chorus-voice/chorus/server/redact"
	"github.com/chorus-voice/chorus/server/surveyfile"
)

// openSurveys loads the geography and the surveys and builds the intake service.
func (m *Main) openSurveys() error {
	g, err := geo.Load()
	if err != nil {
		return fmt.Errorf("load shipped geography: %w", err)
	}
	m.Geo = g
	m.Surveys = intake.NewCatalog(m.Config.SurveysDir, g.Areas(), m.Log)
	m.Responses = m.DB.NewResponseStore(0, 0)
	m.HTTP.Surveys = m.Surveys
	m.HTTP.Responses = &intake.Service{
		Surveys: m.Surveys,
		Store:   m.Responses,
		Areas: func(code string) bool {
			_, ok := g.Area(code)
			return ok
		},
		Redact: redact.Redact,
	}
	for _, s := range m.Surveys.OpenSurveys(context.Background()) {
		fmt.Fprintf(m.Out, "Survey %q: http://localhost:%d/s/%s\n", s.Title.In(""), m.Config.Port, s.ID)
	}
	return nil
}

// runSurvey runs `chorus survey validate [FILE...]`.
func runSurvey(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "validate" {
		fmt.Fprintln(stderr, "usage: chorus survey validate [FILE...]")
		return 2
	}
	paths := args[1:]
	if len(paths) == 0 {
		dir := os.Getenv("CHORUS_SURVEYS")
		if dir == "" {
			dir = "surveys"
		}
		paths = []string{dir}
	}
	if err := surveyfile.Validate(paths...); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "ok: %s\n", strings.Join(paths, " "))
	return 0
}

// runHealthcheck asks the local server's /readyz; container health checks use it
// because the image has no shell or curl.
func runHealthcheck(stderr io.Writer) int {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	client := http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get("http://127.0.0.1:" + port + "/readyz")
	if err != nil {
		fmt.Fprintln(stderr, "unhealthy:", err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(stderr, "unhealthy: /readyz", resp.StatusCode)
		return 1
	}
	return 0
}
