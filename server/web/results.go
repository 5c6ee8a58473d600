package web

import (
	"bytes"
	"context"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/results"
)

func (s *Server) registerResultRoutes() {
	s.app.Get("/api/v1/surveys/:survey/results", s.handleResultsGet)
	s.app.Get("/api/v1/surveys/:survey/results.csv", s.handleResultsCSV)
	s.app.Post("/api/v1/surveys/:survey/rebuild", s.handleResultsRebuild)
}

// resultFilters are the query parameters the results routes take.
var resultFilters = []string{"version", "age_band", "live_with", "area", "region", "constituency", "from", "to"}

var filterValue = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// resultsRequest reads the filters of a results request and applies who is asking:
// viewers get counts rounded to 5, and viewers limited to areas only their areas.
func (s *Server) resultsRequest(c *fiber.Ctx) (results.Request, error) {
	fields := map[string]string{}
	values := map[string]string{}
	c.Context().QueryArgs().VisitAll(func(k, v []byte) {
		key := string(k)
		switch {
		case !slices.Contains(resultFilters, key):
			fields[key] = "is not a filter: use " + strings.Join(resultFilters, ", ")
		case len(v) > 0 && !filterValue.MatchString(string(v)):
			fields[key] = "must be letters, digits, - or _"
		default:
			values[key] = string(v)
		}
	})
	for _, k := range []string{"from", "to"} {
		if v := values[k]; v != "" {
			if _, err := time.Parse(time.DateOnly, v); err != nil {
				fields[k] = "must be a date such as 2026-10-01"
			}
		}
	}
	if len(fields) > 0 {
		return results.Request{}, chorus.Invalid("Check the filters.", fields)
	}
	req := results.Request{
		Version: values["version"], AgeBand: values["age_band"], LiveWith: values["live_with"],
		Area: strings.ToUpper(values["area"]), Region: strings.ToUpper(values["region"]),
		Constituency: strings.ToUpper(values["constituency"]), From: values["from"], To: values["to"],
	}
	return results.RequestFor(req, currentUser(c), false), nil
}

// handleResultsGet answers GET /api/v1/surveys/:survey/results with the survey's results
// after disclosure control (results.Report as JSON): 200; 422 with the filter's field for
// a filter that would describe too few young people, combines two filters or is
// malformed; 403 for an area outside a viewer's; 404 for an unknown survey.
func (s *Server) handleResultsGet(c *fiber.Ctx) error {
	req, err := s.resultsRequest(c)
	if err != nil {
		return err
	}
	rep, err := s.publish(c.UserContext(), c.Params("survey"), req)
	if err != nil {
		return err
	}
	return c.JSON(rep)
}

// handleResultsCSV answers GET /api/v1/surveys/:survey/results.csv (facilitators): the
// same aggregated tables as the JSON, suppressed counts written "c". Raw responses are
// never exported.
func (s *Server) handleResultsCSV(c *fiber.Ctx) error {
	req, err := s.resultsRequest(c)
	if err != nil {
		return err
	}
	survey := c.Params("survey")
	rep, err := s.publish(c.UserContext(), survey, req)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := results.WriteCSV(&buf, rep); err != nil {
		return err
	}
	name := rep.Survey + "-results"
	keys := make([]string, 0, len(resultFilters))
	for _, k := range resultFilters {
		if v := c.Query(k); v != "" {
			keys = append(keys, k+"-"+v)
		}
	}
	sort.Strings(keys)
	if len(keys) > 0 {
		name += "-" + strings.Join(keys, "-")
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`.csv"`)
	return c.Send(buf.Bytes())
}

// rebuildTimeout bounds a rebuild started from the API: a million responses take a few
// minutes to read on the embedded store.
const rebuildTimeout = 30 * time.Minute

// handleResultsRebuild answers POST /api/v1/surveys/:survey/rebuild (facilitators): it
// starts recounting the survey's aggregates from its stored responses and answers 202
// {"survey","status":"started"} at once; the rebuild goes on after the request ends and
// is logged and audited.
func (s *Server) handleResultsRebuild(c *fiber.Ctx) error {
	sv, err := s.svc.Surveys.FindSurvey(c.UserContext(), c.Params("survey"))
	if err != nil {
		return err
	}
	if err := s.audit(c, chorus.ActionSurveyChange, "survey:"+sv.ID, "rebuild results"); err != nil {
		return err
	}
	id := requestIDOf(c)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), rebuildTimeout)
		defer cancel()
		start := time.Now()
		if err := s.svc.Results.Rebuild(ctx, sv.ID); err != nil {
			s.log.Error("rebuild results", "request_id", id, "survey", sv.ID, "err", err)
			return
		}
		s.log.Info("results rebuilt", "request_id", id, "survey", sv.ID, "seconds", time.Since(start).Seconds())
	}()
	return c.Status(fiber.StatusAccepted).JSON(rebuildReply{Survey: sv.ID, Status: "started"})
}

// rebuildReply is the body of a 202 from the rebuild route.
type rebuildReply struct {
	Survey string `json:"survey"`
	Status string `json:"status"`
}
