package chorus

import (
	"context"
	"time"
)

// Audit actions. Add one here for each new kind of staff action worth recording.
const (
	ActionSignIn         = "auth.sign_in"
	ActionSignInFailed   = "auth.sign_in_failed"
	ActionSignOut        = "auth.sign_out"
	ActionSessionsRevoke = "auth.revoke_sessions"
	ActionPasswordChange = "auth.password_change"
	ActionUserCreate     = "user.create"
	ActionUserUpdate     = "user.update"
	ActionUserDisable    = "user.disable"
	ActionUserEnable     = "user.enable"
	ActionPasswordReset  = "user.reset_password"
	ActionShareCreate    = "share.create"
	ActionShareRevoke    = "share.revoke"
	ActionFreeTextRead   = "free_text.read"
	ActionSurveyChange   = "survey.change"
	ActionThemeChange    = "theme.change"
	ActionQuoteChange    = "quote.change"
	ActionAnswerReview   = "answer.review"
	ActionConcernReview  = "safeguarding.review"
	ActionSurveysReload  = "survey.reload"
	ActionCodeCreate     = "access_code.create"
	ActionCodeRevoke     = "access_code.revoke"
)

// AuditEntry records who did what to which object, and when. It never holds a
// password, a token, an email address or a child's words.
type AuditEntry struct {
	ID   string
	Time time.Time
	// ActorID is the user id of whoever acted; empty for the command line, the system,
	// or a failed sign-in to an unknown account.
	ActorID string
	// Via says where the action came from: "web", "api", "cli" or "system".
	Via    string
	Action string
	// Object names what was acted on as kind:id, such as "user:65f0…" or "survey:wellbeing".
	Object string
	// Detail is a short note safe to show to admins, such as "role viewer → facilitator".
	Detail string
}

// AuditFilter selects audit entries. Zero fields select everything.
type AuditFilter struct {
	Action  string
	ActorID string
	Object  string
	// Before returns entries older than this time, for paging back.
	Before time.Time
	// SeenAtBefore, with Before, says how many entries at exactly Before the previous
	// pages showed: those at Before are returned too, less that many. (Entries that
	// name a child's answer keep only their day, so many can share one time.)
	SeenAtBefore int
	// Limit caps the number of entries; 0 means 100, and at most 1000 are returned.
	Limit int
}

// AuditService stores the audit log.
type AuditService interface {
	// RecordAudit stores e, setting its ID and, if zero, its Time. It returns
	// EUNAVAILABLE if the store cannot take it; callers decide whether to go on.
	RecordAudit(ctx context.Context, e *AuditEntry) error
	// FindAudit returns the entries matching f, newest first.
	FindAudit(ctx context.Context, f AuditFilter) ([]*AuditEntry, error)
}

// Next returns the filter for the page after entries, the page f found.
func (f AuditFilter) Next(entries []*AuditEntry) AuditFilter {
	if len(entries) == 0 {
		return f
	}
	last := entries[len(entries)-1].Time
	seen := 0
	for _, e := range entries {
		if e.Time.Equal(last) {
			seen++
		}
	}
	if last.Equal(f.Before) {
		seen += f.SeenAtBefore
	}
	f.Before, f.SeenAtBefore = last, seen
	return f
}
