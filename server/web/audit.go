package web

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/chorus-voice/chorus/server/chorus"
)

func (s *Server) registerAuditRoutes() {
	s.app.Get("/admin/audit", s.handleAuditPage)
}

// audit records a staff action by whoever is signed in (or holds the share link).
// action is one of the chorus.Action… constants; object names what was acted on as
// kind:id ("survey:wellbeing"); detail is a short note for admins and must never hold
// a password, token, email address or a child's words. It returns the store's error
// (EUNAVAILABLE): a handler about to show free text should stop rather than show it
// unrecorded.
func (s *Server) audit(c *fiber.Ctx, action, object, detail string) error {
	e := &chorus.AuditEntry{Via: "web", Action: action, Object: object, Detail: detail}
	if action == chorus.ActionConcernReview || action == chorus.ActionQuoteChange || action == chorus.ActionAnswerReview {
		// It names a response or a record made from one, so it keeps only the day
		// (README, "Privacy"); the store gives such an entry an id without the time.
		e.Time = time.Now().UTC().Truncate(24 * time.Hour)
	}
	if isAPIRequest(c) {
		e.Via = "api"
	}
	if u := currentUser(c); u != nil {
		e.ActorID = u.ID
	} else if sh := currentShare(c); sh != nil {
		e.Via = "share:" + sh.LinkID
	}
	return s.svc.Audit.RecordAudit(c.UserContext(), e)
}

// auditActions names each action for the audit page, in the order its filter lists them.
var auditActions = []struct{ Action, Label string }{
	{chorus.ActionSignIn, "Signed in"},
	{chorus.ActionSignInFailed, "Failed sign-in"},
	{chorus.ActionSignOut, "Signed out"},
	{chorus.ActionSessionsRevoke, "Ended all sessions"},
	{chorus.ActionPasswordChange, "Changed password"},
	{chorus.ActionUserCreate, "Added user"},
	{chorus.ActionUserUpdate, "Changed user"},
	{chorus.ActionUserDisable, "Disabled user"},
	{chorus.ActionUserEnable, "Enabled user"},
	{chorus.ActionPasswordReset, "Reset password"},
	{chorus.ActionShareCreate, "Created share link"},
	{chorus.ActionShareRevoke, "Withdrew share link"},
	{chorus.ActionFreeTextRead, "Read free text"},
	{chorus.ActionSurveyChange, "Changed survey"},
	{chorus.ActionThemeChange, "Changed themes"},
	{chorus.ActionQuoteChange, "Changed quotes"},
	{chorus.ActionAnswerReview, "Reviewed themes"},
	{chorus.ActionConcernReview, "Reviewed a safeguarding concern"},
	{chorus.ActionSurveysReload, "Reloaded surveys and codebooks"},
	{chorus.ActionCodeCreate, "Made a group code"},
	{chorus.ActionCodeRevoke, "Revoked a group code"},
	{chorus.ActionRetentionDelete, "Deleted answers past their retention"},
}

func auditLabel(action string) string {
	for _, a := range auditActions {
		if a.Action == action {
			return a.Label
		}
	}
	return action
}

type auditRow struct {
	Time, Who, Action, Object, Detail string
}

type auditPage struct {
	staffPage
	Actions []struct{ Action, Label string }
	Action  string
	Rows    []auditRow
	Older   string // link to the next page back, if any
}

const auditPageSize = 100

// handleAuditPage shows the audit log, newest first, filtered by action, for admins.
func (s *Server) handleAuditPage(c *fiber.Ctx) error {
	f := chorus.AuditFilter{Limit: auditPageSize}
	for _, a := range auditActions {
		if a.Action == c.Query("action") {
			f.Action = a.Action
		}
	}
	if b := c.Query("before"); b != "" {
		t, err := time.Parse(time.RFC3339Nano, b)
		if err != nil {
			return chorus.Errorf(chorus.EINVALID, "That page of the audit log does not exist.")
		}
		f.Before = t
		f.SeenAtBefore, _ = strconv.Atoi(c.Query("seen"))
	}
	entries, err := s.svc.Audit.FindAudit(c.UserContext(), f)
	if err != nil {
		return err
	}
	users, err := s.svc.Users.FindUsers(c.UserContext())
	if err != nil {
		return err
	}
	emails := map[string]string{}
	for _, u := range users {
		emails[u.ID] = u.Email
	}
	p := &auditPage{staffPage: s.staffPage(c, "Audit log"), Actions: auditActions, Action: f.Action}
	for _, e := range entries {
		when := e.Time.UTC().Format("2006-01-02 15:04:05 UTC")
		if e.Time.Equal(e.Time.UTC().Truncate(24 * time.Hour)) {
			when = e.Time.UTC().Format("2006-01-02") + " (day only: it names a child's answer)"
		}
		p.Rows = append(p.Rows, auditRow{Time: when,
			Who: auditWho(e, emails), Action: auditLabel(e.Action), Object: auditObject(e.Object, emails), Detail: e.Detail})
	}
	if len(entries) == auditPageSize {
		next := f.Next(entries)
		q := url.Values{"before": {next.Before.UTC().Format(time.RFC3339Nano)}, "seen": {strconv.Itoa(next.SeenAtBefore)}}
		if f.Action != "" {
			q.Set("action", f.Action)
		}
		p.Older = "/admin/audit?" + q.Encode()
	}
	return s.render(c, "staff-audit", p)
}

func auditWho(e *chorus.AuditEntry, emails map[string]string) string {
	switch {
	case e.ActorID != "" && emails[e.ActorID] != "":
		return emails[e.ActorID]
	case e.ActorID != "":
		return "user " + e.ActorID
	case e.Via == "cli":
		return "command line"
	case e.Via == "system":
		return "Chorus"
	case strings.HasPrefix(e.Via, "share:"):
		return "share link"
	default:
		return "unknown"
	}
}

func auditObject(object string, emails map[string]string) string {
	if id, ok := strings.CutPrefix(object, "user:"); ok && emails[id] != "" {
		return emails[id]
	}
	return object
}
