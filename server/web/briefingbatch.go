package web

import (
	"bytes"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/chorus-voice/chorus/server/chorus"
)

// Every MP at once: a batch of briefings, one per Westminster constituency, made in
// the background by the briefing service from one release, as one ZIP of PDFs.
func (s *Server) registerBriefingBatchRoutes() {
	s.app.Post("/api/v1/briefings/batch", s.handleBatchCreate)
	// The .zip route comes first: /batch/:id would match it too.
	s.app.Get("/api/v1/briefings/batch/:id.zip", s.handleBatchZIP)
	s.app.Get("/api/v1/briefings/batch/:id", s.handleBatchStatus)
	s.app.Post("/briefings/batch", s.handleBatchForm)
	s.app.Get("/briefings/batch/:id", s.handleBatchPage)
}

type batchRequest struct {
	Survey string `json:"survey"`
	Level  string `json:"level"`
	Lang   string `json:"lang"`
}

type batchStatus struct {
	ID      string `json:"id"`
	State   string `json:"state"`
	Done    int    `json:"done"`
	Total   int    `json:"total"`
	Release string `json:"release,omitempty"`
	Error   string `json:"error,omitempty"`
}

func batchStatusOf(b *chorus.BriefingBatch) batchStatus {
	return batchStatus{ID: b.ID, State: b.State, Done: b.Done, Total: b.Total, Release: b.Release, Error: b.Error}
}

// handleBatchCreate starts a batch: 202 {"id"}.
func (s *Server) handleBatchCreate(c *fiber.Ctx) error {
	var req batchRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	b, err := s.briefings().StartBatch(c.UserContext(), currentUser(c), req.Survey, req.Level, req.Lang)
	if err != nil {
		return err
	}
	c.Location("/api/v1/briefings/batch/" + url.PathEscape(b.ID))
	return c.Status(fiber.StatusAccepted).JSON(briefingCreated{ID: b.ID})
}

// handleBatchStatus reports a batch's progress.
func (s *Server) handleBatchStatus(c *fiber.Ctx) error {
	b, err := s.briefings().FindBatch(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(batchStatusOf(b))
}

// handleBatchZIP sends a finished batch's ZIP; 409 until it is done.
func (s *Server) handleBatchZIP(c *fiber.Ctx) error {
	var buf bytes.Buffer
	id := c.Params("id")
	if err := s.briefings().WriteZIP(c.UserContext(), id, &buf); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="briefings-`+id+`.zip"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// handleBatchForm starts a batch from the briefings page and shows its progress.
func (s *Server) handleBatchForm(c *fiber.Ctx) error {
	survey := c.FormValue("survey")
	b, err := s.briefings().StartBatch(c.UserContext(), currentUser(c), survey, c.FormValue("level"), c.FormValue("lang"))
	switch chorus.ErrorCode(err) {
	case "":
		return c.Redirect("/briefings/batch/"+url.PathEscape(b.ID), fiber.StatusSeeOther)
	case chorus.EINVALID:
		return s.renderBriefingList(c, fiber.StatusUnprocessableEntity, survey, "", err)
	default:
		return err
	}
}

type batchPage struct {
	staffPage
	B       batchStatus
	Running bool
	ZIPHref string
}

// handleBatchPage shows a batch's progress, with the ZIP once it is done.
func (s *Server) handleBatchPage(c *fiber.Ctx) error {
	b, err := s.briefings().FindBatch(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	p := &batchPage{staffPage: s.staffPage(c, "Briefings for every constituency"), B: batchStatusOf(b),
		Running: b.State == chorus.BatchRunning, ZIPHref: "/api/v1/briefings/batch/" + url.PathEscape(b.ID) + ".zip"}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, "briefing-batch", p)
}
