package chorus

import "context"

// Submission is what a child sends: the answers to one version of a survey, with an id
// the client made so that retries store one response.
type Submission struct {
	Survey       string
	Version      string
	Lang         string
	SubmissionID string
	Answers      Answers
	// Token is the submit token a survey that needs an access code requires (see
	// AccessCode); it is ignored by surveys open to anyone.
	Token string
}

// Receipt is what a child gets back. Code is derived from the submission id alone, so
// it is the same on a retry and links to nothing stored.
type Receipt struct {
	Code string
	// Created is false for an identical repeat of a stored submission.
	Created bool
	// ShowHelp is true when the answers suggest the child may be at risk or very unhappy.
	ShowHelp bool
	// Level is the safeguarding level of the answers ("" when ShowHelp is false): it
	// decides which help the child sees first.
	Level string
}

// Response is a stored response: anonymous by construction. It holds no address, user
// agent, cookie or precise time; free text is redacted before it gets here.
type Response struct {
	SubmissionID string
	Survey       string
	Version      string
	Lang         string
	// Revision is the survey file's revision the child answered.
	Revision string
	// Day is the submission date, coarsened to the day (YYYY-MM-DD).
	Day     string
	Answers Answers
	// Themes holds the machine theme tags of each free-text answer, by question id.
	Themes map[string][]string
	// Flags holds the safeguarding categories of each flagged free-text answer.
	Flags map[string][]string
	// Risky is true when a closed answer or a free-text flag suggests risk.
	Risky bool
	// Level is the safeguarding level of a risky response (LevelUrgent, LevelConcern or
	// LevelClosed); "" for responses stored before levels (see SafeguardingLevel).
	Level string
	// Digest is a hash of the survey, version and cleaned answers: an identical repeat
	// has the same digest.
	Digest string
	// GroupSession is the opaque id of the access code (a group session, never a
	// person) the answers came through; empty for surveys open to anyone.
	GroupSession string
}

// SurveyService finds the surveys loaded from files.
type SurveyService interface {
	// OpenSurveys returns the surveys children can answer now.
	OpenSurveys(ctx context.Context) []*Survey
	// FindSurvey returns ENOTFOUND if no survey has that id.
	FindSurvey(ctx context.Context, id string) (*Survey, error)
	// Reload reads the survey files again; on any error the running surveys are kept
	// and the error lists every problem as file:line: message.
	Reload(ctx context.Context) error
}

// ResponseService takes children's responses.
type ResponseService interface {
	// Submit validates, redacts and stores a submission once. It returns ENOTFOUND for
	// an unknown survey or version, EINVALID with per-question Fields for bad answers or
	// a closed survey, EINVALID with Fields["token"] when the survey needs an access code
	// and the submission has no valid submit token for it (nothing is stored), ECONFLICT when the submission id was stored with other answers,
	// and EUNAVAILABLE when the store cannot take it now (nothing was stored).
	Submit(ctx context.Context, s *Submission) (*Receipt, error)
}

// ResponseStore keeps responses. The mongodb package implements it.
type ResponseStore interface {
	// InsertResponse stores r. It returns ECONFLICT if a response with the same
	// submission id exists (whatever its answers) and EUNAVAILABLE if the store
	// cannot take it; it returns only once r is durably stored.
	InsertResponse(ctx context.Context, r *Response) error
	// FindResponseDigest returns the digest stored for a submission id, or ENOTFOUND.
	FindResponseDigest(ctx context.Context, submissionID string) (string, error)
}

// SafeguardingLevel returns the response's safeguarding level, "" when it is not risky.
// Responses stored before levels existed get LevelConcern for a free-text flag and
// LevelClosed for closed answers alone.
func (r *Response) SafeguardingLevel() string {
	return levelOf(r.Level, len(r.Flags) > 0, r.Risky)
}
