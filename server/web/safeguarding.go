package web

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/chorus-voice/chorus/server/chorus"
)

// The safeguarding queue: answers that suggest a child may be at risk, newest first,
// for facilitators to act on and mark reviewed with a note. Reading it is audited.
func (s *Server) registerSafeguardingRoutes() {
	s.app.Get("/safeguarding", s.handleSafeguardingPage)
	s.app.Post("/safeguarding/:id/review", s.handleConcernReview)
}

// concernCategories names the safeguarding categories for facilitators.
var concernCategories = map[string]string{
	"abuse":           "Abuse",
	"neglect":         "Neglect",
	"self_harm":       "Self-harm",
	"suicide":         "Suicide or wanting to die",
	"unsafe_home":     "Unsafe where they live",
	"exploitation":    "Exploitation",
	"running_away":    "Running away or going missing",
	"bullying_severe": "Serious bullying",
}

func concernCategory(c string) string {
	if l := concernCategories[c]; l != "" {
		return l
	}
	return strings.ReplaceAll(c, "_", " ")
}

const concernPageSize = 20

type concernTextView struct {
	Question, Text string
	Flags          []string
}

type concernView struct {
	ID, Anchor, Survey, Version, Day string
	Categories                       []string
	Texts                            []concernTextView
	Signals                          []string
	Reviewed                         bool
	ReviewedBy, ReviewedAt, Note     string
	NoteError, NoteValue             string
}

type safeguardingPage struct {
	staffPage
	Reviewed           bool
	Concerns           []concernView
	Open, Total, Start int
	Prev, Next         string
	OpenHref, DoneHref string
	Done               string
	Errors             *staffErrors
}

// openConcerns counts the concerns waiting for review, for the staff home page (-1 if
// unknown).
func (s *Server) openConcerns(ctx context.Context) int {
	n, err := s.Safeguarding.CountOpenConcerns(ctx)
	if err != nil {
		s.log.Warn("count safeguarding concerns", "err", err)
		return -1
	}
	return n
}

func (s *Server) handleSafeguardingPage(c *fiber.Ctx) error {
	page, _ := strconv.Atoi(c.Query("page"))
	return s.renderSafeguarding(c, fiber.StatusOK, c.Query("show") == "reviewed", page, nil, "")
}

func safeguardingHref(reviewed bool, page int, extra url.Values) string {
	q := url.Values{}
	for k, v := range extra {
		q[k] = v
	}
	if reviewed {
		q.Set("show", "reviewed")
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	if len(q) == 0 {
		return "/safeguarding"
	}
	return "/safeguarding?" + q.Encode()
}

func (s *Server) renderSafeguarding(c *fiber.Ctx, status int, reviewed bool, page int, formErr error, errID string) error {
	ctx := c.UserContext()
	page = max(page, 1)
	list, total, err := s.Safeguarding.FindConcerns(ctx, chorus.ConcernFilter{Reviewed: reviewed, Offset: (page - 1) * concernPageSize, Limit: concernPageSize})
	if err != nil {
		return err
	}
	if len(list) > 0 {
		detail := "safeguarding queue, open"
		if reviewed {
			detail = "safeguarding queue, reviewed"
		}
		if err := s.audit(c, chorus.ActionFreeTextRead, "safeguarding", detail+", page "+strconv.Itoa(page)); err != nil {
			return err
		}
	}
	p := &safeguardingPage{staffPage: s.staffPage(c, "Safeguarding queue"), Reviewed: reviewed, Total: total,
		Start: (page-1)*concernPageSize + 1, OpenHref: safeguardingHref(false, 1, nil), DoneHref: safeguardingHref(true, 1, nil),
		Done: reviewMessages[c.Query("done")]}
	if reviewed {
		p.Title = "Reviewed concerns: " + p.Title
	}
	if page > 1 {
		p.Prev = safeguardingHref(reviewed, page-1, nil)
		p.Title += " (page " + strconv.Itoa(page) + ")"
	}
	if p.Start+len(list)-1 < total {
		p.Next = safeguardingHref(reviewed, page+1, nil)
	}
	if p.Open = total; reviewed {
		p.Open = s.openConcerns(ctx)
	}
	if formErr != nil {
		p.Title = "Error: " + p.Title
		p.Errors = &staffErrors{Summary: chorus.ErrorMessage(formErr), Fields: map[string]string{}}
	}
	emails := s.userEmails(c)
	for _, cn := range list {
		v := concernView{ID: cn.ID, Anchor: "c-" + cn.ID, Day: cn.Day, Survey: cn.Survey, Version: cn.Version, Reviewed: cn.Reviewed(),
			Note: cn.Note}
		for _, cat := range cn.Categories() {
			v.Categories = append(v.Categories, concernCategory(cat))
		}
		sv, _ := s.Surveys.FindSurvey(ctx, cn.Survey)
		if sv != nil {
			v.Survey = sv.Title.In("en")
			if vv := sv.Version(cn.Version); vv != nil {
				v.Version = vv.Label.In("en")
			}
			for _, q := range sv.Questions {
				if text, ok := cn.Texts[q.ID]; ok {
					tv := concernTextView{Question: q.TextFor(cn.Version, "en"), Text: text}
					for _, f := range cn.Flags[q.ID] {
						tv.Flags = append(tv.Flags, concernCategory(f))
					}
					v.Texts = append(v.Texts, tv)
				}
			}
			for _, sig := range cn.Signals {
				v.Signals = append(v.Signals, signalText(sv, sig))
			}
		} else {
			for q, text := range cn.Texts {
				v.Texts = append(v.Texts, concernTextView{Question: q, Text: text})
			}
		}
		if v.Reviewed {
			v.ReviewedBy, v.ReviewedAt = emails(cn.ReviewedBy), timeOf(cn.ReviewedAt)
		}
		if formErr != nil && cn.ID == errID {
			v.NoteError = chorus.ErrorFields(formErr)["note"]
			v.NoteValue = c.FormValue("note")
			if v.NoteError != "" {
				p.Errors.List = append(p.Errors.List, staffFieldError{Field: "note-" + cn.ID, Message: v.NoteError})
			}
		}
		p.Concerns = append(p.Concerns, v)
	}
	return s.render(c.Status(status), "safeguarding", p)
}

// signalText describes a closed answer that is a risk signal.
func signalText(sv *chorus.Survey, sig chorus.RiskSignal) string {
	q := sv.Question(sig.Question)
	if q == nil {
		return sig.Question + ": " + sig.Option
	}
	text := q.Text.In("en")
	switch q.Kind {
	case chorus.KindGrid:
		if it := q.Item(sig.Option); it != nil {
			return text + " " + it.Text.In("en") + ": the lowest answer"
		}
	case chorus.KindScale:
		return text + ": the lowest answer"
	default:
		if o := q.Option(sig.Option); o != nil {
			return text + ": " + o.Text.In("en")
		}
	}
	return text + ": " + sig.Option
}

// handleConcernReview marks a concern reviewed with a note of the action taken.
func (s *Server) handleConcernReview(c *fiber.Ctx) error {
	id := c.Params("id")
	cn, err := s.Safeguarding.ReviewConcern(c.UserContext(), id, currentUser(c).ID, c.FormValue("note"))
	switch chorus.ErrorCode(err) {
	case "":
	case chorus.EINVALID, chorus.ECONFLICT:
		page, _ := strconv.Atoi(c.FormValue("f_page"))
		return s.renderSafeguarding(c, fiber.StatusUnprocessableEntity, false, page, err, id)
	default:
		return err
	}
	if err := s.audit(c, chorus.ActionConcernReview, "concern:"+cn.ID, "marked reviewed with a note"); err != nil {
		s.log.Error("audit safeguarding review", "id", requestIDOf(c), "err", err)
	}
	return c.Redirect(safeguardingHref(false, 1, url.Values{"done": {"reviewed"}}), fiber.StatusSeeOther)
}
