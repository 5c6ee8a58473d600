package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/chorus-voice/chorus/server/chorus"
)

// Review of free text: facilitators (with advisory-board members beside them) read
// a survey's answers theme by theme, confirm, remove or add themes, approve quotes,
// see how well the codebook agrees with people, and the words no theme covers yet.
// Every page works without JavaScript; every page that shows a child's words is
// audited first.
func (s *Server) registerReviewRoutes() {
	s.app.Get("/review", s.handleReviewIndex)
	s.app.Post("/review/reload", s.handleReviewReload)
	s.app.Get("/review/:survey", s.handleReviewPage)
	s.app.Post("/review/:survey/answers", s.handleReviewAnswer)
	s.app.Get("/review/:survey/codebook", s.handleCodebookChanges)
	s.app.Get("/review/:survey/codebook/changed", s.handleCodebookChanged)
}

// reviewPageSize is how many answers a review page shows.
const reviewPageSize = 20

// reviewMessages are the notes shown after a change (post/redirect/get).
var reviewMessages = map[string]string{
	"confirmed": "Themes confirmed.",
	"removed":   "Theme removed.",
	"added":     "Theme added.",
	"quoted":    "Quote approved. It can now appear in briefings and on the young people's page.",
	"withdrawn": "Quote withdrawn. It no longer appears anywhere outside Chorus.",
	"reloaded":  "Surveys and codebooks reloaded. Answers are re-tagged in the background wherever a codebook changed.",
	"reviewed":  "Marked as reviewed.",
}

type jobView struct {
	State, Label     string
	Done, Total, Pct int
	Running          bool
	Error            string
}

func jobViewOf(j *chorus.RetagJob) *jobView {
	if j == nil {
		return nil
	}
	v := &jobView{State: j.State, Done: j.Done, Total: j.Total, Pct: j.Percent(), Running: j.State != chorus.JobDone, Error: j.Error}
	switch j.State {
	case chorus.JobPending:
		v.Label = "Waiting to re-tag answers with the new codebook."
	case chorus.JobRunning:
		v.Label = fmt.Sprintf("Re-tagging answers with the new codebook: %d of %d responses (%d%%).", j.Done, j.Total, v.Pct)
	case chorus.JobRecount:
		v.Label = "Answers re-tagged; recounting the results."
	case chorus.JobDone:
		v.Label = fmt.Sprintf("All answers tagged with this codebook (%d responses, finished %s).", j.Done, j.FinishedAt.UTC().Format("2 Jan 2006 15:04 UTC"))
	}
	return v
}

func (s *Server) retagJob(c *fiber.Ctx, survey string) (*jobView, error) {
	j, err := s.svc.Jobs.FindRetagJob(c.UserContext(), survey)
	switch chorus.ErrorCode(err) {
	case "":
		return jobViewOf(j), nil
	case chorus.ENOTFOUND:
		return nil, nil
	}
	return nil, err
}

type reviewSurveyView struct {
	ID, Title, Status string
	Codebook          bool
	Revision          string
	Themes            int
	Job               *jobView
}

type reviewIndexPage struct {
	staffPage
	Surveys []reviewSurveyView
	Done    string
	Errors  *staffErrors
	// Problems are the file:line messages of a failed reload.
	Problems []string
}

// handleReviewIndex lists the surveys with their codebooks and re-tag jobs, and has
// the action that reloads surveys and codebooks.
func (s *Server) handleReviewIndex(c *fiber.Ctx) error {
	return s.renderReviewIndex(c, fiber.StatusOK, nil)
}

func (s *Server) renderReviewIndex(c *fiber.Ctx, status int, reloadErr error) error {
	ctx := c.UserContext()
	p := &reviewIndexPage{staffPage: s.staffPage(c, "Free text"), Done: reviewMessages[c.Query("done")]}
	for _, sv := range s.surveysForStaff(ctx) {
		v := reviewSurveyView{ID: sv.ID, Title: sv.Title.In("en"), Status: sv.Status}
		if cb, err := s.svc.Codebooks.FindCodebook(ctx, sv.ID); err == nil {
			v.Codebook, v.Revision, v.Themes = true, cb.Revision, len(cb.Themes)
		}
		job, err := s.retagJob(c, sv.ID)
		if err != nil {
			return err
		}
		v.Job = job
		p.Surveys = append(p.Surveys, v)
	}
	if reloadErr != nil {
		p.Title = "Error: " + p.Title
		p.Errors = &staffErrors{Summary: "The files have errors, so nothing was reloaded: the running surveys and codebooks were kept.", Fields: map[string]string{}}
		msg := chorus.ErrorMessage(reloadErr)
		for _, line := range strings.Split(msg, "\n")[1:] {
			if line = strings.TrimSpace(line); line != "" {
				p.Problems = append(p.Problems, line)
			}
		}
		if len(p.Problems) == 0 {
			p.Problems = []string{msg}
		}
	}
	return s.render(c.Status(status), "review-index", p)
}

// handleReviewReload reads the survey and codebook files again; changed codebooks
// start re-tag jobs.
func (s *Server) handleReviewReload(c *fiber.Ctx) error {
	err := s.svc.Surveys.Reload(c.UserContext())
	detail := "reloaded"
	if err != nil {
		detail = "reload refused: the files have errors"
	}
	if aerr := s.audit(c, chorus.ActionSurveysReload, "surveys", detail); aerr != nil {
		s.log.Error("audit survey reload", "id", requestIDOf(c), "err", aerr)
	}
	switch chorus.ErrorCode(err) {
	case "":
		return c.Redirect("/review?done=reloaded", fiber.StatusSeeOther)
	case chorus.EINVALID:
		return s.renderReviewIndex(c, fiber.StatusUnprocessableEntity, err)
	}
	return err
}

type themeLink struct {
	ID, Label, Href string
	Count           int
	Current         bool
}

type chipView struct{ ID, Label string }

type answerView struct {
	// Anchor is the id of the answer's element: forms come back to it.
	Anchor                 string
	N                      int
	ResponseID, Question   string
	QuestionText, Text     string
	Day, Version           string
	Themes                 []chipView
	Machine                string
	Reviewed               bool
	Quotable               bool
	AddOptions             []option
	QuoteOptions           []option
	ExcerptError, AddError string
	Excerpt                string
}

type agreementView struct {
	Label                         string
	Both, MachineOnly, ReviewOnly int
	// Precision rests on Tagged reviewed answers (the codebook gave the theme),
	// Recall on Given (people gave it), Kappa on all Reviewed.
	Precision, Recall, Kappa string
	Tagged, Given, Reviewed  int
}

type scopeView struct {
	ID, Label, Includes, Excludes string
	Borderline                    []string
}

type termView struct {
	Text  string
	Count int
}

type reviewPage struct {
	staffPage
	SurveyID, SurveyTitle string
	HasCodebook           bool
	Themes                []themeLink
	Theme, ThemeLabel     string
	Answers               []answerView
	Total, From, To, Page int
	Start                 int
	Prev, Next            string
	AsOf                  string
	Agreement             []agreementView
	Reviewed              int
	// Scope is the scope note of the theme shown (nil for all or uncoded);
	// Scopes are every theme's.
	Scope     *scopeView
	Scopes    []scopeView
	Terms     []termView
	TermsAsOf string
	Job       *jobView
	Done      string
	Errors    *staffErrors
	// FormTheme and FormPage bring forms back to this view.
	FormTheme string
	FormPage  int
}

func themeLabel(cb *chorus.Codebook, id string) string {
	if id == chorus.ThemeUncoded {
		return "Uncoded"
	}
	if cb != nil {
		if t, ok := cb.Theme(id); ok {
			return t.LabelAdult
		}
	}
	return id
}

func kappaOf(v float64, ok bool) string {
	if !ok {
		return "–"
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// reviewHrefQuery encodes query parameters.
func reviewHrefQuery(kv map[string]string) string {
	q := url.Values{}
	for k, v := range kv {
		q.Set(k, v)
	}
	return q.Encode()
}

func percentOf(v float64, ok bool) string {
	if !ok {
		return "–"
	}
	return strconv.Itoa(int(v*100+0.5)) + "%"
}

// reviewHref is the address of a review page.
func reviewHref(survey, theme string, page int, extra url.Values) string {
	q := url.Values{}
	for k, v := range extra {
		q[k] = v
	}
	if theme != "" {
		q.Set("theme", theme)
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	h := "/review/" + url.PathEscape(survey)
	if len(q) > 0 {
		h += "?" + q.Encode()
	}
	return h
}

func answerAnchor(responseID, question string) string { return "a-" + responseID + "-" + question }

// handleReviewPage lists a survey's answers for a theme (or all, or uncoded).
func (s *Server) handleReviewPage(c *fiber.Ctx) error {
	page, _ := strconv.Atoi(c.Query("page"))
	return s.renderReview(c, fiber.StatusOK, c.Query("theme"), page, nil, "")
}

// renderReview renders the review page; formErr (with the anchor of the answer whose
// form failed) is shown with its fields.
func (s *Server) renderReview(c *fiber.Ctx, status int, theme string, page int, formErr error, errAnchor string) error {
	ctx := c.UserContext()
	sv, err := s.svc.Surveys.FindSurvey(ctx, c.Params("survey"))
	if err != nil {
		return err
	}
	cb, err := s.svc.Codebooks.FindCodebook(ctx, sv.ID)
	if err != nil && chorus.ErrorCode(err) != chorus.ENOTFOUND {
		return err
	}
	if theme != "" && theme != chorus.ThemeUncoded {
		if _, ok := cb.Theme(theme); cb == nil || !ok {
			return chorus.Errorf(chorus.ENOTFOUND, "This survey's codebook has no theme %q.", theme)
		}
	}
	page = max(page, 1)
	ap, err := s.svc.Reviews.FindAnswers(ctx, chorus.AnswerFilter{Survey: sv.ID, Theme: theme, Offset: (page - 1) * reviewPageSize, Limit: reviewPageSize})
	if err != nil {
		return err
	}
	if len(ap.Answers) > 0 {
		detail := fmt.Sprintf("review page %d of %s answers", page, themeLabel(cb, theme))
		if theme == "" {
			detail = fmt.Sprintf("review page %d of all answers", page)
		}
		if err := s.audit(c, chorus.ActionFreeTextRead, "survey:"+sv.ID, detail); err != nil {
			return err
		}
	}
	title := sv.Title.In("en")
	p := &reviewPage{staffPage: s.staffPage(c, "Review answers: "+title), SurveyID: sv.ID, SurveyTitle: title,
		HasCodebook: cb != nil, Theme: theme, ThemeLabel: "All answers", Total: ap.Total, Page: page,
		AsOf: ap.AsOf.UTC().Format("15:04 UTC"), Done: reviewMessages[c.Query("done")], FormTheme: theme, FormPage: page}
	if theme != "" {
		p.ThemeLabel = themeLabel(cb, theme)
	}
	if page > 1 {
		p.Title += fmt.Sprintf(" (page %d)", page)
	}
	p.Themes = append(p.Themes, themeLink{Label: "All answers", Href: reviewHref(sv.ID, "", 1, nil), Count: ap.Counts[""], Current: theme == ""})
	var allThemes []option
	if cb != nil {
		for _, t := range cb.Themes {
			sc := scopeView{ID: t.ID, Label: t.LabelAdult, Includes: t.ScopeIncludes, Excludes: t.ScopeExcludes, Borderline: t.Borderline}
			if sc.Includes != "" || sc.Excludes != "" || len(sc.Borderline) > 0 {
				p.Scopes = append(p.Scopes, sc)
			}
			p.Themes = append(p.Themes, themeLink{ID: t.ID, Label: t.LabelAdult, Href: reviewHref(sv.ID, t.ID, 1, nil), Count: ap.Counts[t.ID], Current: theme == t.ID})
			allThemes = append(allThemes, option{Value: t.ID, Label: t.LabelAdult})
		}
	}
	for i := range p.Scopes {
		if p.Scopes[i].ID == theme {
			p.Scope = &p.Scopes[i]
		}
	}
	p.Themes = append(p.Themes, themeLink{ID: chorus.ThemeUncoded, Label: "Uncoded", Href: reviewHref(sv.ID, chorus.ThemeUncoded, 1, nil),
		Count: ap.Counts[chorus.ThemeUncoded], Current: theme == chorus.ThemeUncoded})

	p.Start = (page-1)*reviewPageSize + 1
	p.From, p.To = p.Start, p.Start+len(ap.Answers)-1
	if page > 1 {
		p.Prev = reviewHref(sv.ID, theme, page-1, nil)
	}
	if p.To < ap.Total {
		p.Next = reviewHref(sv.ID, theme, page+1, nil)
	}
	if formErr != nil {
		p.Title = "Error: " + p.Title
		p.Errors = &staffErrors{Summary: chorus.ErrorMessage(formErr), Fields: map[string]string{}}
	}
	for i, a := range ap.Answers {
		v := answerView{Anchor: answerAnchor(a.ResponseID, a.Question), N: p.Start + i, ResponseID: a.ResponseID, Question: a.Question,
			Text: a.Text, Day: a.Day, Version: a.Version, Reviewed: a.IsReviewed, Quotable: !a.Risky}
		if q := sv.Question(a.Question); q != nil {
			v.QuestionText = q.TextFor(a.Version, "en")
		}
		if vv := sv.Version(a.Version); vv != nil {
			v.Version = vv.Label.In("en")
		}
		has := map[string]bool{}
		for _, t := range a.Themes() {
			has[t] = true
			v.Themes = append(v.Themes, chipView{ID: t, Label: themeLabel(cb, t)})
		}
		if a.IsReviewed {
			var labels []string
			for _, t := range a.Machine {
				labels = append(labels, themeLabel(cb, t))
			}
			v.Machine = "none"
			if len(labels) > 0 {
				v.Machine = strings.Join(labels, ", ")
			}
		}
		for _, o := range allThemes {
			if !has[o.Value] {
				v.AddOptions = append(v.AddOptions, o)
			}
			qo := o
			qo.Selected = o.Value == theme || theme == "" && len(a.Themes()) > 0 && a.Themes()[0] == o.Value
			v.QuoteOptions = append(v.QuoteOptions, qo)
		}
		if formErr != nil && v.Anchor == errAnchor {
			fields := chorus.ErrorFields(formErr)
			v.ExcerptError, v.AddError = fields["excerpt"], fields["theme"]
			v.Excerpt = c.FormValue("excerpt")
			switch {
			case v.ExcerptError != "":
				p.Errors.List = append(p.Errors.List, staffFieldError{Field: "excerpt-" + v.Anchor, Message: v.ExcerptError})
			case v.AddError != "" && c.FormValue("kind") == "quote":
				v.AddError = ""
				p.Errors.List = append(p.Errors.List, staffFieldError{Field: "qtheme-" + v.Anchor, Message: fields["theme"]})
			case v.AddError != "":
				p.Errors.List = append(p.Errors.List, staffFieldError{Field: "add-" + v.Anchor, Message: v.AddError})
			}
		}
		p.Answers = append(p.Answers, v)
	}

	agr, n, err := s.svc.Reviews.Agreement(ctx, sv.ID)
	if err != nil {
		return err
	}
	p.Reviewed = n
	for _, a := range agr {
		pr, pok := a.Precision()
		rc, rok := a.Recall()
		k, kok := a.Kappa()
		p.Agreement = append(p.Agreement, agreementView{Label: themeLabel(cb, a.Theme), Both: a.Both, MachineOnly: a.MachineOnly,
			ReviewOnly: a.ReviewOnly, Precision: percentOf(pr, pok), Recall: percentOf(rc, rok), Kappa: kappaOf(k, kok),
			Tagged: a.Both + a.MachineOnly, Given: a.Both + a.ReviewOnly, Reviewed: a.Reviewed()})
	}
	terms, at, err := s.svc.Reviews.EmergingTerms(ctx, sv.ID, 20)
	if err != nil {
		return err
	}
	for _, t := range terms {
		p.Terms = append(p.Terms, termView{Text: t.Text, Count: t.Count})
	}
	p.TermsAsOf = at.UTC().Format("15:04 UTC")
	if p.Job, err = s.retagJob(c, sv.ID); err != nil {
		return err
	}
	return s.render(c.Status(status), "review", p)
}

// formView reads the review page a form came from.
func formView(c *fiber.Ctx) (theme string, page int) {
	page, _ = strconv.Atoi(c.FormValue("f_page"))
	return c.FormValue("f_theme"), max(page, 1)
}

// handleReviewAnswer confirms, removes or adds a theme on one answer.
func (s *Server) handleReviewAnswer(c *fiber.Ctx) error {
	survey := c.Params("survey")
	theme, page := formView(c)
	ch := chorus.ReviewChange{Survey: survey, ResponseID: c.FormValue("response"), Question: c.FormValue("question"),
		Action: c.FormValue("action"), Theme: c.FormValue("theme"), By: currentUser(c).ID}
	anchor := answerAnchor(ch.ResponseID, ch.Question)
	if _, err := s.svc.Reviews.Review(c.UserContext(), ch); err != nil {
		if chorus.ErrorCode(err) == chorus.EINVALID {
			return s.renderReview(c, fiber.StatusUnprocessableEntity, theme, page, err, anchor)
		}
		return err
	}
	detail := ch.Action + " themes"
	if ch.Action != chorus.ReviewConfirm {
		detail = ch.Action + " theme " + ch.Theme
	}
	if err := s.audit(c, chorus.ActionAnswerReview, "survey:"+survey, detail+" on answer "+ch.ResponseID+"/"+ch.Question); err != nil {
		s.log.Error("audit review", "id", requestIDOf(c), "err", err)
	}
	done := map[string]string{chorus.ReviewConfirm: "confirmed", chorus.ReviewRemove: "removed", chorus.ReviewAdd: "added"}[ch.Action]
	return c.Redirect(reviewHref(survey, theme, page, url.Values{"done": {done}})+"#"+anchor, fiber.StatusSeeOther)
}

// timeOf formats a staff-facing time.
func timeOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2 Jan 2006") // reviews, quotes and cases keep only the day
}
