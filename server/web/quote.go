package web

import (
	"context"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/chorus-voice/chorus/server/briefing"
	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/report"
)

// Quotes: a facilitator approves an answer, or words from it, as a quote for a theme;
// approvals are audited and can be withdrawn. Only approved quotes, which the quote
// service checks are redacted and outside the safeguarding queue, reach briefings and
// the young people's page.
func (s *Server) registerQuoteRoutes() {
	s.app.Get("/review/:survey/quotes", s.handleQuotesPage)
	s.app.Post("/review/:survey/quotes", s.handleQuoteApprove)
	s.app.Post("/review/:survey/quotes/:id/withdraw", s.handleQuoteWithdraw)
}

// approvedQuotes returns a survey's approved quotes for briefings and dashboards (none
// without a quote service).
func (s *Server) approvedQuotes(ctx context.Context, survey string) ([]report.Quote, error) {
	return briefing.ApprovedQuotes(ctx, s.svc.Quotes, survey)
}

// handleQuoteApprove approves an answer or an excerpt of it as a quote.
func (s *Server) handleQuoteApprove(c *fiber.Ctx) error {
	survey := c.Params("survey")
	theme, page := formView(c)
	q := &chorus.Quote{Survey: survey, ResponseID: c.FormValue("response"), Question: c.FormValue("question"),
		Theme: c.FormValue("theme"), Text: c.FormValue("excerpt"), ApprovedBy: currentUser(c).ID}
	anchor := answerAnchor(q.ResponseID, q.Question)
	if err := s.svc.Quotes.ApproveQuote(c.UserContext(), q); err != nil {
		if chorus.ErrorCode(err) == chorus.EINVALID || chorus.ErrorCode(err) == chorus.ECONFLICT {
			return s.renderReview(c, fiber.StatusUnprocessableEntity, theme, page, err, anchor)
		}
		return err
	}
	if err := s.audit(c, chorus.ActionQuoteChange, "quote:"+q.ID, "approved for theme "+q.Theme+" in survey "+survey); err != nil {
		s.log.Error("audit quote approval", "id", requestIDOf(c), "err", err)
	}
	return c.Redirect(reviewHref(survey, theme, page, url.Values{"done": {"quoted"}})+"#"+anchor, fiber.StatusSeeOther)
}

type quoteView struct {
	ID, Text, Theme, Question string
	ApprovedBy, ApprovedAt    string
	WithdrawnBy, WithdrawnAt  string
	Approved                  bool
	// TooLong is true for a quote that briefings do not print (see report.MaxQuoteLen).
	TooLong bool
}

type quotesPage struct {
	staffPage
	SurveyID, SurveyTitle string
	Approved, Withdrawn   []quoteView
	Done                  string
	MaxQuoteLen           int
}

// handleQuotesPage lists a survey's quotes, approved and withdrawn.
func (s *Server) handleQuotesPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sv, err := s.svc.Surveys.FindSurvey(ctx, c.Params("survey"))
	if err != nil {
		return err
	}
	quotes, err := s.svc.Quotes.FindQuotes(ctx, sv.ID)
	if err != nil {
		return err
	}
	if len(quotes) > 0 {
		if err := s.audit(c, chorus.ActionFreeTextRead, "survey:"+sv.ID, "quotes page"); err != nil {
			return err
		}
	}
	cb, _ := s.svc.Codebooks.FindCodebook(ctx, sv.ID)
	emails := s.userEmails(c)
	p := &quotesPage{staffPage: s.staffPage(c, "Quotes: "+sv.Title.In("en")), SurveyID: sv.ID, SurveyTitle: sv.Title.In("en"),
		Done: reviewMessages[c.Query("done")], MaxQuoteLen: report.MaxQuoteLen}
	for _, q := range quotes {
		v := quoteView{ID: q.ID, Text: q.Text, Theme: themeLabel(cb, q.Theme), ApprovedBy: emails(q.ApprovedBy),
			ApprovedAt: timeOf(q.ApprovedAt), Approved: q.Approved(), TooLong: !report.FitsBriefing(q.Text)}
		if qq := sv.Question(q.Question); qq != nil {
			v.Question = qq.Text.In("en")
		}
		if q.Approved() {
			p.Approved = append(p.Approved, v)
		} else {
			v.WithdrawnBy, v.WithdrawnAt = emails(q.WithdrawnBy), timeOf(q.WithdrawnAt)
			p.Withdrawn = append(p.Withdrawn, v)
		}
	}
	return s.render(c, "review-quotes", p)
}

// userEmails returns a function naming staff by user id.
func (s *Server) userEmails(c *fiber.Ctx) func(id string) string {
	names := map[string]string{}
	if users, err := s.svc.Users.FindUsers(c.UserContext()); err == nil {
		for _, u := range users {
			names[u.ID] = u.Email
		}
	}
	return func(id string) string {
		if n := names[id]; n != "" {
			return n
		}
		if strings.TrimSpace(id) == "" {
			return "unknown"
		}
		return "user " + id
	}
}

// handleQuoteWithdraw withdraws an approval.
func (s *Server) handleQuoteWithdraw(c *fiber.Ctx) error {
	survey := c.Params("survey")
	q, err := s.svc.Quotes.WithdrawQuote(c.UserContext(), survey, c.Params("id"), currentUser(c).ID)
	if err != nil {
		return err
	}
	if err := s.audit(c, chorus.ActionQuoteChange, "quote:"+q.ID, "withdrawn in survey "+q.Survey); err != nil {
		s.log.Error("audit quote withdrawal", "id", requestIDOf(c), "err", err)
	}
	return c.Redirect("/review/"+url.PathEscape(survey)+"/quotes?done=withdrawn", fiber.StatusSeeOther)
}
