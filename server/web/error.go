package web

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/chorus-voice/chorus/server/chorus"
)

// statusOf maps each domain error code to its HTTP status. This is the only place
// where error codes become statuses.
var statusOf = map[string]int{
	chorus.EINVALID:      fiber.StatusUnprocessableEntity,
	chorus.ENOTFOUND:     fiber.StatusNotFound,
	chorus.ECONFLICT:     fiber.StatusConflict,
	chorus.EUNAUTHORIZED: fiber.StatusUnauthorized,
	chorus.EFORBIDDEN:    fiber.StatusForbidden,
	chorus.ETOOMANY:      fiber.StatusTooManyRequests,
	chorus.EUNAVAILABLE:  fiber.StatusServiceUnavailable,
	chorus.EINTERNAL:     fiber.StatusInternalServerError,
}

// errorBody is the JSON shape of every API error.
type errorBody struct {
	Error     string            `json:"error"`
	Errors    map[string]string `json:"errors,omitempty"`
	RequestID string            `json:"request_id"`
}

// handleError is Fiber's ErrorHandler: JSON for /api, an HTML page otherwise.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status := fiber.StatusInternalServerError
	message := chorus.ErrorMessage(err)
	var fe *fiber.Error
	if errors.As(err, &fe) {
		status, message = fe.Code, fe.Message
	} else if code := chorus.ErrorCode(err); code != "" {
		status = statusOf[code]
	}
	id := requestIDOf(c)
	switch {
	case status == fiber.StatusInternalServerError:
		s.log.Error("internal error", "request_id", id, "err", err)
		message = "Something went wrong."
	case status == fiber.StatusServiceUnavailable:
		s.log.Warn("unavailable", "request_id", id, "err", err)
		c.Set(fiber.HeaderRetryAfter, "5")
	case status == fiber.StatusTooManyRequests:
		c.Set(fiber.HeaderRetryAfter, "10")
	}
	if strings.HasPrefix(c.Path(), "/api/") {
		return c.Status(status).JSON(errorBody{Error: message, Errors: chorus.ErrorFields(err), RequestID: id})
	}
	page := s.page(c, titleForStatus(status))
	// A child's survey page keeps the quick exit and the help note when it fails.
	page.Respondent = strings.HasPrefix(c.Path(), "/s/")
	return s.render(c.Status(status), "error", &errorPage{
		Page:    page,
		Status:  status,
		Message: message,
	})
}

type errorPage struct {
	Page
	Status  int
	Message string
}

func titleForStatus(status int) string {
	switch status {
	case fiber.StatusNotFound:
		return "Page not found"
	case fiber.StatusServiceUnavailable:
		return "Please try again soon"
	case fiber.StatusTooManyRequests:
		return "Too many tries"
	case fiber.StatusUnauthorized, fiber.StatusForbidden:
		return "Not allowed"
	default:
		return "Something went wrong"
	}
}
