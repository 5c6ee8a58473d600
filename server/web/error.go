package web

import (
	"errors"
	"net/url"
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

// handleError is Fiber's ErrorHandler: JSON for /api, an HTML page otherwise. A
// respondent page (under /s/) fails in the language it was shown in, with the quick exit
// and the help note; staff pages fail in English.
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
		message = errorEN.Internal
	case status == fiber.StatusServiceUnavailable:
		s.log.Warn("unavailable", "request_id", id, "err", err)
		c.Set(fiber.HeaderRetryAfter, "5")
	case status == fiber.StatusTooManyRequests:
		c.Set(fiber.HeaderRetryAfter, "10")
	}
	if strings.HasPrefix(c.Path(), "/api/") {
		return c.Status(status).JSON(errorBody{Error: message, Errors: chorus.ErrorFields(err), RequestID: id})
	}
	p := &errorPage{W: errorEN, Status: status, Message: message, StartHref: "/"}
	if childFacing(c.Path()) {
		sv, lang := s.respondentErrorLang(c)
		p.W = errorWordsFor(lang)
		p.Page = s.respondentPage(c, p.W.title(status), p.W.Lang)
		if status == fiber.StatusInternalServerError {
			p.Message = p.W.Internal
		} else {
			p.Message = localize(message, p.W.Lang) // as it is, unless the domain's words have a translation
		}
		if sv != nil {
			p.StartHref = surveyPath(sv.ID) + langQuery(sv, lang, "?")
		}
	} else {
		p.Page = s.page(c, errorEN.title(status))
	}
	return s.render(c.Status(status), "error", p)
}

// staffSegments are the first path segments of the routes that are not children's pages
// (staff pages, sign-in, the API, health and static files), from the route table.
var staffSegments = func() map[string]bool {
	out := map[string]bool{}
	for key := range routeTable {
		_, path, _ := strings.Cut(key, " ")
		seg, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
		if seg != "" && seg != "s" {
			out[seg] = true
		}
	}
	return out
}()

// childFacing reports whether an error on path is shown as a children's page, with the
// quick exit and help: the front page, the survey pages, and any path that is not staff's
// (a child who mistypes a link).
func childFacing(path string) bool {
	seg, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	return !staffSegments[seg]
}

// respondentErrorLang returns the survey of a failed respondent page (nil if unknown)
// and the language the page was asked for in: the lang query or form field, as the
// survey offers it; Welsh if asked for and the survey is unknown; else English.
func (s *Server) respondentErrorLang(c *fiber.Ctx) (*chorus.Survey, string) {
	requested := c.FormValue("lang") // the query string's, else the posted form's
	rest, _ := strings.CutPrefix(c.Path(), "/s/")
	id, _, _ := strings.Cut(rest, "/")
	if id, err := url.PathUnescape(id); err == nil {
		if sv, err := s.svc.Surveys.FindSurvey(c.UserContext(), id); err == nil {
			return sv, pickLang(sv, requested)
		}
	}
	if requested == "cy" {
		return nil, "cy"
	}
	return nil, "en"
}

type errorPage struct {
	Page
	W         *errorWords
	Status    int
	Message   string
	StartHref string
}

// errorWords are the fixed words of the error page in one language; the message comes
// from the error.
type errorWords struct {
	Lang                                               string
	NotFound, TryAgain, TooMany, NotAllowed, WentWrong string // titles by status
	Internal                                           string // the message of an internal error
	Reference, Start, Footer                           string
}

var errorEN = &errorWords{
	Lang:     "en",
	NotFound: "Page not found", TryAgain: "Please try again soon", TooMany: "Too many tries",
	NotAllowed: "Not allowed", WentWrong: "Something went wrong",
	Internal:  "Something went wrong.",
	Reference: "Reference:", Start: "Go to the start", Footer: wordsEN.Footer,
}

// errorCY is Welsh; it should be checked by a Welsh speaker.
var errorCY = &errorWords{
	Lang:     "cy",
	NotFound: "Heb ddod o hyd i'r dudalen", TryAgain: "Rho gynnig arall arni cyn bo hir", TooMany: "Gormod o gynigion",
	NotAllowed: "Dim caniatâd", WentWrong: "Aeth rhywbeth o'i le",
	Internal:  "Aeth rhywbeth o'i le.",
	Reference: "Cyfeirnod:", Start: "Mynd i'r dechrau", Footer: wordsCY.Footer,
}

func errorWordsFor(lang string) *errorWords {
	if lang == "cy" {
		return errorCY
	}
	return errorEN
}

// title names the page for a status.
func (w *errorWords) title(status int) string {
	switch status {
	case fiber.StatusNotFound:
		return w.NotFound
	case fiber.StatusServiceUnavailable:
		return w.TryAgain
	case fiber.StatusTooManyRequests:
		return w.TooMany
	case fiber.StatusUnauthorized, fiber.StatusForbidden:
		return w.NotAllowed
	default:
		return w.WentWrong
	}
}
