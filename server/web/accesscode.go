package web

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/disclosure"
	"github.com/chorus-voice/chorus/server/results"
)

// Group access codes: facilitators make a code for one group session of a survey that
// needs one (access: code in its file), print it, and revoke it; children type it on
// the survey's start page (respondent.go) and get a submit token for their answers.
func (s *Server) registerAccessCodeRoutes() {
	s.app.Get("/dashboard/:survey/codes", s.handleAccessCodesPage)
	s.app.Post("/dashboard/:survey/codes", s.handleAccessCodeForm)
	s.app.Get("/dashboard/:survey/codes/:id", s.handleAccessCodePage)
	s.app.Post("/dashboard/:survey/codes/:id/revoke", s.handleAccessCodeRevokeForm)
	s.app.Get("/api/v1/surveys/:survey/codes", s.handleAccessCodeList)
	s.app.Post("/api/v1/surveys/:survey/codes", s.handleAccessCodeCreate)
	s.app.Post("/api/v1/surveys/:survey/codes/:id/revoke", s.handleAccessCodeRevoke)
}

// grantSubmit turns a code a child typed into a submit token for sv (see
// auth.AccessCodes.Grant). Wrong guesses are limited per client address, in memory.
func (s *Server) grantSubmit(c *fiber.Ctx, sv *chorus.Survey, code string) (string, error) {
	token, _, err := s.svc.AccessCodes.Grant(c.UserContext(), sv, code, s.clientIP(c))
	return token, err
}

// verifySubmit checks a submit token for sv: nil, EINVALID on "token", or EUNAVAILABLE.
func (s *Server) verifySubmit(c *fiber.Ctx, sv *chorus.Survey, token string) error {
	_, err := s.svc.AccessCodes.Verify(c.UserContext(), sv.ID, token)
	return err
}

// accessCode finds the survey in the path, and the code when the path names one.
func (s *Server) accessCode(c *fiber.Ctx) (*chorus.Survey, *chorus.AccessCode, error) {
	sv, err := s.svc.Surveys.FindSurvey(c.UserContext(), c.Params("survey"))
	if err != nil {
		return nil, nil, err
	}
	if c.Params("id") == "" {
		return sv, nil, nil
	}
	ac, err := s.svc.AccessCodes.Find(c.UserContext(), sv.ID, c.Params("id"))
	return sv, ac, err
}

// createAccessCode makes a code and records it in the audit log: never the code itself.
func (s *Server) createAccessCode(c *fiber.Ctx, sv *chorus.Survey, label string, days int) (*chorus.AccessCode, error) {
	ac, err := s.svc.AccessCodes.Create(c.UserContext(), sv, label, days, currentUser(c).ID)
	if err != nil {
		return nil, err
	}
	return ac, s.audit(c, chorus.ActionCodeCreate, "access_code:"+ac.ID,
		"survey "+sv.ID+", until "+ac.ExpiresAt.UTC().Format(time.DateOnly))
}

// revokeAccessCode stops a code (and its submit tokens) and records it.
func (s *Server) revokeAccessCode(c *fiber.Ctx, sv *chorus.Survey, id string) (*chorus.AccessCode, error) {
	ac, err := s.svc.AccessCodes.Revoke(c.UserContext(), sv.ID, id)
	if err != nil {
		return nil, err
	}
	return ac, s.audit(c, chorus.ActionCodeRevoke, "access_code:"+ac.ID, "survey "+sv.ID)
}

// codeCounts returns a survey's codes, newest first, with the responses given through
// each, those given without one, and all of them, as results publishes them.
func (s *Server) codeCounts(ctx context.Context, sv *chorus.Survey) ([]*chorus.AccessCode, *results.GroupCounts, error) {
	list, err := s.svc.AccessCodes.List(ctx, sv.ID)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]string, len(list))
	for i, ac := range list {
		ids[i] = ac.ID
	}
	counts, err := s.svc.Results.PublishGroupSessions(ctx, sv.ID, ids)
	if err != nil {
		return nil, nil, err
	}
	return list, counts, nil
}

// surveyCodeLink is the start page with the code filled in, for a printed QR code or a
// message to the group.
func surveyCodeLink(ac *chorus.AccessCode) string {
	return surveyPath(ac.Survey) + "?code=" + url.QueryEscape(ac.Code)
}

// codeStatus names a code's state for staff.
func codeStatus(ac *chorus.AccessCode, now time.Time) string {
	switch {
	case !ac.RevokedAt.IsZero():
		return "Revoked"
	case !ac.Active(now):
		return "Expired"
	default:
		return "Works"
	}
}

// accessCodeJSON is one code in the API.
type accessCodeJSON struct {
	ID        string     `json:"id"`
	Survey    string     `json:"survey"`
	Code      string     `json:"code"`
	Label     string     `json:"label"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	Active    bool       `json:"active"`
	// Link is the start page with the code filled in.
	Link string `json:"link"`
	// Responses given through the code: a number or {"suppressed":true}. Only lists
	// have it.
	Responses *disclosure.Value `json:"responses,omitempty"`
}

func accessCodeJSONOf(ac *chorus.AccessCode, now time.Time) accessCodeJSON {
	out := accessCodeJSON{ID: ac.ID, Survey: ac.Survey, Code: ac.Display(), Label: ac.Label,
		CreatedAt: ac.CreatedAt.UTC(), ExpiresAt: ac.ExpiresAt.UTC(), Active: ac.Active(now), Link: surveyCodeLink(ac)}
	if !ac.RevokedAt.IsZero() {
		t := ac.RevokedAt.UTC()
		out.RevokedAt = &t
	}
	return out
}

// accessCodeList is GET /api/v1/surveys/{survey}/codes.
type accessCodeList struct {
	Survey string           `json:"survey"`
	Access string           `json:"access"`
	Codes  []accessCodeJSON `json:"codes"`
	// Responses is every response to the survey, WithoutCode those given without a
	// code; both as numbers or {"suppressed":true}, absent when no results are kept.
	Responses   *disclosure.Value `json:"responses,omitempty"`
	WithoutCode *disclosure.Value `json:"without_code,omitempty"`
}

// handleAccessCodeList lists a survey's codes, newest first, with the responses given
// through each, through disclosure control.
func (s *Server) handleAccessCodeList(c *fiber.Ctx) error {
	sv, _, err := s.accessCode(c)
	if err != nil {
		return err
	}
	list, counts, err := s.codeCounts(c.UserContext(), sv)
	if err != nil {
		return err
	}
	out := accessCodeList{Survey: sv.ID, Access: sv.Access, Codes: make([]accessCodeJSON, len(list)),
		Responses: &counts.All, WithoutCode: &counts.WithoutCode}
	now := s.now()
	for i, ac := range list {
		out.Codes[i] = accessCodeJSONOf(ac, now)
		out.Codes[i].Responses = &counts.PerCode[i]
	}
	return c.JSON(out)
}

// accessCodeRequest is the body of POST /api/v1/surveys/{survey}/codes. Days 0 (or
// left out) means 14.
type accessCodeRequest struct {
	Label string `json:"label"`
	Days  int    `json:"days"`
}

// handleAccessCodeCreate makes a code: 201 with the code; 422 on "label" or "days",
// or for a survey that takes no codes.
func (s *Server) handleAccessCodeCreate(c *fiber.Ctx) error {
	sv, _, err := s.accessCode(c)
	if err != nil {
		return err
	}
	var req accessCodeRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ac, err := s.createAccessCode(c, sv, req.Label, req.Days)
	if err != nil {
		return err
	}
	c.Location("/api/v1/surveys/" + url.PathEscape(sv.ID) + "/codes")
	return c.Status(fiber.StatusCreated).JSON(accessCodeJSONOf(ac, s.now()))
}

// handleAccessCodeRevoke stops a code at once: 200 with the code as it now is.
func (s *Server) handleAccessCodeRevoke(c *fiber.Ctx) error {
	sv, _, err := s.accessCode(c)
	if err != nil {
		return err
	}
	ac, err := s.revokeAccessCode(c, sv, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(accessCodeJSONOf(ac, s.now()))
}

// accessCodeView is one code on the staff pages.
type accessCodeView struct {
	ID, Code, Label, Created, Expires, Status, Responses, Link string
	Active                                                     bool
}

type accessCodesPage struct {
	staffPage
	SurveyID, SurveyTitle string
	// NeedsCode is false for a survey open to anyone: it takes no codes.
	NeedsCode              bool
	Codes                  []accessCodeView
	Responses, WithoutCode string
	Threshold              int
	// Label and Days are the form's values, kept when it fails.
	Label, Days string
	Errors      *staffErrors
}

// handleAccessCodesPage lists a survey's codes with the form to make one.
func (s *Server) handleAccessCodesPage(c *fiber.Ctx) error {
	sv, _, err := s.accessCode(c)
	if err != nil {
		return err
	}
	return s.renderAccessCodes(c, fiber.StatusOK, sv, "", strconv.Itoa(chorus.DefaultAccessCodeDays), nil)
}

func (s *Server) renderAccessCodes(c *fiber.Ctx, status int, sv *chorus.Survey, label, days string, formErr error) error {
	list, counts, err := s.codeCounts(c.UserContext(), sv)
	if err != nil {
		return err
	}
	p := &accessCodesPage{staffPage: s.staffPage(c, "Group codes: "+sv.Title.In("en")), SurveyID: sv.ID,
		SurveyTitle: sv.Title.In("en"), NeedsCode: sv.NeedsCode(), Threshold: sv.Threshold,
		Label: label, Days: days, Errors: newStaffErrors(formErr, "label", "days")}
	if formErr != nil {
		p.Title = "Error: " + p.Title
	}
	shown := func(v disclosure.Value) string {
		if v.Suppressed() {
			return "hidden"
		}
		return v.String()
	}
	p.Responses, p.WithoutCode = shown(counts.All), shown(counts.WithoutCode)
	now := s.now()
	for i, ac := range list {
		v := accessCodeView{ID: ac.ID, Code: ac.Display(), Label: ac.Label, Link: surveyCodeLink(ac),
			Created: ac.CreatedAt.UTC().Format("2 Jan 2006"), Expires: ac.ExpiresAt.UTC().Format("2 Jan 2006 15:04 UTC"),
			Status: codeStatus(ac, now), Active: ac.Active(now)}
		v.Responses = shown(counts.PerCode[i])
		p.Codes = append(p.Codes, v)
	}
	return s.render(c.Status(status), "access-codes", p)
}

// handleAccessCodeForm makes a code from the form on the codes page, then shows it
// ready to print (post/redirect/get).
func (s *Server) handleAccessCodeForm(c *fiber.Ctx) error {
	sv, _, err := s.accessCode(c)
	if err != nil {
		return err
	}
	label, days := c.FormValue("label"), strings.TrimSpace(c.FormValue("days"))
	n, convErr := strconv.Atoi(days)
	if days == "" {
		n, convErr = 0, nil
	}
	var ac *chorus.AccessCode
	if convErr != nil {
		err = chorus.Invalid("The code was not made. Check the form.", map[string]string{"days": "Enter a number of days from 1 to 90."})
	} else {
		ac, err = s.createAccessCode(c, sv, label, n)
	}
	switch chorus.ErrorCode(err) {
	case "":
		return c.Redirect(accessCodesPath(sv.ID, ac.ID), fiber.StatusSeeOther)
	case chorus.EINVALID:
		return s.renderAccessCodes(c, fiber.StatusUnprocessableEntity, sv, label, days, err)
	default:
		return err
	}
}

func accessCodesPath(survey string, id ...string) string {
	p := "/dashboard/" + url.PathEscape(survey) + "/codes"
	for _, s := range id {
		p += "/" + url.PathEscape(s)
	}
	return p
}

type accessCodePage struct {
	staffPage
	SurveyID, SurveyTitle string
	C                     accessCodeView
	// StartURL is the survey's start page; CodeURL has the code filled in.
	StartURL, CodeURL string
}

// handleAccessCodePage shows one code ready to print for the group: the code, where to
// type it, and until when it works.
func (s *Server) handleAccessCodePage(c *fiber.Ctx) error {
	sv, ac, err := s.accessCode(c)
	if err != nil {
		return err
	}
	now := s.now()
	p := &accessCodePage{staffPage: s.staffPage(c, "Group code "+ac.Display()), SurveyID: sv.ID, SurveyTitle: sv.Title.In("en"),
		C: accessCodeView{ID: ac.ID, Code: ac.Display(), Label: ac.Label, Status: codeStatus(ac, now), Active: ac.Active(now),
			Expires: ac.ExpiresAt.UTC().Format("Monday 2 January 2006, 15:04 UTC")},
		StartURL: s.absURL(surveyPath(sv.ID)), CodeURL: s.absURL(surveyCodeLink(ac))}
	return s.render(c, "access-code", p)
}

// handleAccessCodeRevokeForm revokes a code from the codes page.
func (s *Server) handleAccessCodeRevokeForm(c *fiber.Ctx) error {
	sv, _, err := s.accessCode(c)
	if err != nil {
		return err
	}
	if _, err := s.revokeAccessCode(c, sv, c.Params("id")); err != nil {
		return err
	}
	return c.Redirect(accessCodesPath(sv.ID), fiber.StatusSeeOther)
}
