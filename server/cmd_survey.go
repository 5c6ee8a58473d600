package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/geo"
	"github.com/chorus-voice/chorus/server/intake"
	"github.com/chorus-voice/chorus/server/redact"
	"github.com/chorus-voice/chorus/server/safeguard"
	"github.com/chorus-voice/chorus/server/surveyfile"
	"github.com/chorus-voice/chorus/server/surveyport"
	"github.com/chorus-voice/chorus/server/theme"
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
	responses := &intake.Service{
		Surveys: m.Surveys,
		Store:   m.Responses,
		Areas: func(code string) bool {
			_, ok := g.Area(code)
			return ok
		},
		Redact: redact.Redact,
		Detect: intake.Detect(func(text string) (bool, []string) {
			r := safeguard.Detect(text)
			return r.Flagged, r.Categories
		}),
		Tag: m.Surveys.Tag,
	}
	if m.AccessCodes != nil { // the demo command has no accounts; it loads open surveys
		responses.GroupSession = m.AccessCodes.Verify
	}
	m.HTTP.Responses = responses
	// Reviewed themes count in the results from the start (openResults reads it).
	m.Reviews = m.DB.NewReviews(m.Surveys, m.Surveys)
	m.Reviews.Emerging = emergingTerms
	for _, s := range m.Surveys.OpenSurveys(context.Background()) {
		fmt.Fprintf(m.Out, "Survey %q: http://localhost:%d/s/%s\n", s.Title.In(""), m.Config.Port, s.ID)
	}
	return nil
}

// emergingTerms adapts theme.EmergingTerms to the review service.
func emergingTerms(uncoded, all []string, n int) []chorus.Term {
	terms := theme.EmergingTerms(uncoded, all, n)
	out := make([]chorus.Term, len(terms))
	for i, t := range terms {
		out[i] = chorus.Term{Text: t.Text, Count: t.Count, Score: t.Score}
	}
	return out
}

// openFreeText starts what connects free text to the product, once the results are
// open: the safeguarding queue (fed by the response writer), human review of themes
// (whose changes the aggregates recount), the re-tag jobs (started whenever a reload
// changes a codebook), and quotes.
func (m *Main) openFreeText(ctx context.Context) {
	sg := m.DB.NewSafeguarding(m.Surveys)
	m.Safeguarding = sg
	counted := m.Responses.OnBatch
	m.Responses.OnBatch = func(ctx context.Context, stored []*chorus.Response) error {
		var errs []error
		if counted != nil {
			errs = append(errs, counted(ctx, stored))
		}
		return errors.Join(append(errs, sg.OnBatch(ctx, stored))...)
	}
	sg.Start(ctx)

	if m.Aggregates != nil {
		m.Reviews.Retag = m.Aggregates.Retag
	}
	m.Reviews.Start(ctx)

	jobs := m.DB.NewRetagger()
	jobs.Surveys, jobs.Codebooks, jobs.Tagger = m.Surveys, m.Surveys.Codebooks, m.Surveys.Tagger
	jobs.Rebuild = func(ctx context.Context, survey string) error {
		if m.HTTP.Results == nil {
			return nil
		}
		return m.HTTP.Results.Rebuild(ctx, survey)
	}
	jobs.OnDone = m.Reviews.Forget
	m.Surveys.OnReload = jobs.Kick
	jobs.Start(ctx)
	m.Retagger = jobs

	quotes := m.DB.NewQuotes(m.Reviews, sg, m.Surveys)
	quotes.Redact = redact.Redact
	m.HTTP.Codebooks, m.HTTP.Reviews, m.HTTP.Jobs, m.HTTP.Quotes, m.HTTP.Safeguarding = m.Surveys, m.Reviews, jobs, quotes, sg
}

// closeFreeText stops the background work of free text (a re-tag job stops after the
// batch it is writing, and resumes at the next start).
func (m *Main) closeFreeText() {
	if m.Retagger != nil {
		m.Retagger.Close()
	}
	if m.Reviews != nil {
		m.Reviews.Close()
	}
	if m.Safeguarding != nil {
		m.Safeguarding.Close()
	}
}

// runSurvey runs `chorus survey validate [FILE...]`, `survey import` and `survey export`.
func runSurvey(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "import" || args[0] == "export") {
		return runSurveyPort(args[0], args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "validate" {
		fmt.Fprintln(stderr, "usage: chorus survey validate [FILE...] | import FILE [--out PATH] | export --format xlsform|surveyjs [--out FILE] SURVEY")
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
	// Codebooks (*.codebook.yaml) are checked too: on their own when named, and
	// against the surveys of a directory.
	var surveyPaths, codebookPaths []string
	for _, p := range paths {
		if strings.HasSuffix(p, intake.CodebookSuffix) {
			codebookPaths = append(codebookPaths, p)
		} else {
			surveyPaths = append(surveyPaths, p)
		}
	}
	var errs []error
	if len(surveyPaths) > 0 {
		errs = append(errs, surveyfile.Validate(surveyPaths...))
	}
	for _, p := range surveyPaths {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			ids := map[string]bool{}
			list, _ := surveyfile.LoadDir(p, nil)
			for _, sv := range list {
				ids[sv.ID] = true
			}
			errs = append(errs, intake.ValidateCodebooks(ids, p))
		}
	}
	if len(codebookPaths) > 0 {
		errs = append(errs, intake.ValidateCodebooks(nil, codebookPaths...))
	}
	if err := errors.Join(errs...); err != nil {
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

// runSurveyPort runs `chorus survey import FILE [--out PATH]` and `chorus survey export
// --format xlsform|surveyjs [--out FILE] SURVEY_FILE_OR_ID` (see server/surveyport).
func runSurveyPort(cmd string, args []string, stdout, stderr io.Writer) int {
	dir := cmp.Or(os.Getenv("CHORUS_SURVEYS"), "surveys")
	c := &surveyport.Command{Dir: dir, Stdout: stdout, Stderr: stderr,
		Check: func(name string, data []byte) error { _, err := surveyfile.Load(name, data, nil); return err },
		Find: func(fileOrID string) (*chorus.Survey, error) {
			g, err := geo.Load()
			if err != nil {
				return nil, err
			}
			if fi, err := os.Stat(fileOrID); err == nil && !fi.IsDir() {
				return surveyfile.LoadFile(fileOrID, g.Areas())
			}
			list, err := surveyfile.LoadDir(dir, g.Areas())
			for _, s := range list {
				if s.ID == fileOrID {
					return s, nil
				}
			}
			return nil, errors.Join(fmt.Errorf("%s: no such file, nor a survey with that id in %s", fileOrID, dir), err)
		}}
	run := c.Export
	if cmd == "import" {
		run = c.Import
	}
	if err := run(args); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}
