package web

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"github.com/chorus-voice/chorus/server/chorus"
)

func (s *Server) registerResponseRoutes() {
	s.app.Post("/api/v1/responses", s.submitLimiter(), admitSubmissions(submissionsInFlight), s.handleResponseCreate)
}

// submissionsInFlight bounds the submissions being decoded, redacted or waiting for the
// writer at once. It is a quarter of a second of the writer's throughput on a small
// machine (about 4,000 a second on two cores), so a store that pauses for a checkpoint
// does not turn a busy minute into 503s, and it stays below the writer's queue (4096),
// so the queue never overflows. Past it, under overload, the server answers 503 at once
// instead of redacting answers it cannot store in time, and memory stays bounded.
const submissionsInFlight = 1024

// admitSubmissions answers 503 at once, before the body is decoded, when max submissions
// are already in hand: under overload, work on requests that will miss their deadline
// would starve the writer and the server would store fewer, not more.
func admitSubmissions(max int) fiber.Handler {
	slots := make(chan struct{}, max)
	return func(c *fiber.Ctx) error {
		select {
		case slots <- struct{}{}:
		default:
			return chorus.Errorf(chorus.EUNAVAILABLE, "The server is very busy. Please try again in a moment.")
		}
		defer func() { <-slots }()
		return c.Next()
	}
}

// submitLimiter limits submissions per client address, in memory only. The limit is
// generous so a children's home or school sharing one connection is not locked out;
// 0 turns it off.
func (s *Server) submitLimiter() fiber.Handler {
	if s.cfg.SubmitsPerMinute <= 0 {
		return func(c *fiber.Ctx) error { return c.Next() }
	}
	return limiter.New(limiter.Config{
		Max:          s.cfg.SubmitsPerMinute,
		Expiration:   time.Minute,
		KeyGenerator: s.clientIP,
		LimitReached: func(*fiber.Ctx) error {
			return chorus.Errorf(chorus.ETOOMANY, "Too many answers from this connection. Please wait a minute and try again.")
		},
	})
}

// responseRequest is the body of POST /api/v1/responses.
type responseRequest struct {
	Survey       string         `json:"survey"`
	Version      string         `json:"version"`
	Lang         string         `json:"lang"`
	SubmissionID string         `json:"submission_id"`
	Answers      chorus.Answers `json:"answers"`
	Token        string         `json:"token"`
}

// responseReply is the body of 201 and 200 answers.
type responseReply struct {
	Receipt  string `json:"receipt"`
	ShowHelp bool   `json:"show_help"`
}

// decodeResponseRequest parses the body of POST /api/v1/responses: 400 for JSON that
// does not parse or has a field of the wrong type, EINVALID for a missing field. The
// answers are checked later, against the survey.
func decodeResponseRequest(body []byte) (*responseRequest, error) {
	var req responseRequest
	if err := json.Unmarshal(body, &req); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return nil, fiber.NewError(fiber.StatusBadRequest, "The field "+typeErr.Field+" has the wrong type.")
		}
		return nil, fiber.NewError(fiber.StatusBadRequest, "The body is not valid JSON.")
	}
	var fields map[string]string
	for _, f := range [...]struct{ name, value string }{
		{"survey", req.Survey}, {"version", req.Version}, {"submission_id", req.SubmissionID},
	} {
		if f.value == "" {
			if fields == nil {
				fields = map[string]string{}
			}
			fields[f.name] = "is required"
		}
	}
	if fields != nil {
		return nil, chorus.Invalid("Some fields are missing.", fields)
	}
	return &req, nil
}

// handleResponseCreate stores a child's answers: 201 the first time, 200 for an
// identical repeat, 409 for the same id with other answers, 422 for bad answers.
func (s *Server) handleResponseCreate(c *fiber.Ctx) error {
	if !strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEApplicationJSON) {
		return fiber.NewError(fiber.StatusUnsupportedMediaType, "Send the answers as application/json.")
	}
	req, err := decodeResponseRequest(c.Body())
	if err != nil {
		return err
	}
	receipt, err := s.svc.Responses.Submit(c.UserContext(), &chorus.Submission{
		Survey: req.Survey, Version: req.Version, Lang: req.Lang,
		SubmissionID: req.SubmissionID, Answers: req.Answers, Token: req.Token,
	})
	if err != nil {
		return err
	}
	status, outcome := fiber.StatusCreated, "stored"
	if !receipt.Created {
		status, outcome = fiber.StatusOK, "repeat"
	}
	s.metrics.submissions.WithLabelValues(outcome).Inc()
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(responseReply{Receipt: receipt.Code, ShowHelp: receipt.ShowHelp})
}
