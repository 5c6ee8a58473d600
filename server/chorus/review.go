package chorus

import (
	"context"
	"slices"
	"sort"
	"time"
)

// CodebookTheme is one theme of a survey's codebook, as people see it.
type CodebookTheme struct {
	ID string
	// LabelYoung is the label shown to children and young people, and LabelYoungCY
	// the same in Welsh (empty: none).
	LabelYoung, LabelYoungCY string
	// LabelAdult is the label shown to facilitators, boards and MPs.
	LabelAdult  string
	Description string
	// ScopeIncludes and ScopeExcludes say what belongs in the theme and what does
	// not, and Borderline are hard cases with how to call them: the scope note shown
	// to people reviewing tags.
	ScopeIncludes, ScopeExcludes string
	Borderline                   []string
}

// Codebook is the set of themes that a survey's free-text answers are tagged with.
type Codebook struct {
	Survey string
	// Revision changes whenever the codebook file does; answers tagged under another
	// revision are re-tagged by a background job.
	Revision string
	Themes   []CodebookTheme
	// LoadedAt is when this instance loaded the file.
	LoadedAt time.Time
}

// Theme returns the theme with the id.
func (cb *Codebook) Theme(id string) (CodebookTheme, bool) {
	for _, t := range cb.Themes {
		if t.ID == id {
			return t, true
		}
	}
	return CodebookTheme{}, false
}

// CodebookService finds the codebooks loaded with the surveys.
type CodebookService interface {
	// FindCodebook returns ENOTFOUND if the survey has no codebook loaded.
	FindCodebook(ctx context.Context, survey string) (*Codebook, error)
	// ProposeChanges suggests changes to the survey's codebook file from answers
	// people have reviewed, best first. It never changes the file. It returns
	// ENOTFOUND if the survey has no codebook loaded.
	ProposeChanges(ctx context.Context, survey string, reviewed []*Answer) ([]CodebookChange, error)
}

// Kinds of CodebookChange.
const (
	ChangeAddTerm    = "add"
	ChangeRemoveTerm = "remove"
)

// CodebookChange is a change to a codebook file suggested by people's reviews,
// for a facilitator to accept by saving the changed file.
type CodebookChange struct {
	Theme string
	// Change is ChangeAddTerm or ChangeRemoveTerm; Term is the term as written.
	Change, Term string
	// Fixes counts reviewed answers whose tag for Theme the change puts right;
	// Breaks those it makes wrong.
	Fixes, Breaks int
	// File is the whole codebook file with the change, named FileName; Diff shows
	// the change. File is nil when the change must be made by hand.
	File     []byte
	FileName string
	Diff     string
}

// IsTextQuestion reports whether q takes free text.
func IsTextQuestion(q *Question) bool {
	return q.Kind == KindShortText || q.Kind == KindLongText
}

// Answer is one stored free-text answer (a question of a response), redacted, with
// its machine and reviewed themes.
type Answer struct {
	// ResponseID is an opaque id of the stored response within its survey; with
	// Question it names the answer on staff pages. It is not the submission id the
	// child's device made (from which the child's receipt code is worked out).
	ResponseID string
	Survey     string
	Version    string
	Question   string
	Day        string
	// Text is the answer as stored: redacted.
	Text string
	// Machine are the codebook's tags.
	Machine []string
	// Reviewed are the themes a person settled on; they count instead of Machine
	// when IsReviewed.
	Reviewed   []string
	IsReviewed bool
	ReviewedBy string
	ReviewedAt time.Time
	// Risky is true when the response is in the safeguarding queue: the answer can
	// never be quoted.
	Risky bool
}

// Themes returns the themes that count: the reviewed ones once a person has reviewed
// the answer, the machine tags before.
func (a *Answer) Themes() []string {
	if a.IsReviewed {
		return a.Reviewed
	}
	return a.Machine
}

// AnswerFilter selects free-text answers of a survey.
type AnswerFilter struct {
	Survey string
	// Theme is a theme id, ThemeUncoded for answers with no theme, or "" for all.
	Theme string
	// Offset and Limit page through the answers; Limit 0 means 20.
	Offset, Limit int
}

// AnswerPage is one page of answers with the counts of the whole survey.
type AnswerPage struct {
	Answers []*Answer
	// Total is how many answers match the filter.
	Total int
	// Counts holds the number of answers per theme (reviewed tags winning), with
	// ThemeUncoded for answers no theme covers and "" for all answers.
	Counts map[string]int
	// AsOf is when the answers were last read from the store; newer answers from this
	// instance are included as they arrive.
	AsOf time.Time
}

// Review actions on one answer's themes. Each one stores the answer's themes as
// reviewed: confirm keeps the themes that count now, remove takes one out, add puts
// one in.
const (
	ReviewConfirm = "confirm"
	ReviewRemove  = "remove"
	ReviewAdd     = "add"
)

// ReviewChange is a person's decision about one answer's themes.
type ReviewChange struct {
	Survey     string
	ResponseID string
	Question   string
	// Action is ReviewConfirm, ReviewRemove or ReviewAdd; Theme is the theme removed
	// or added.
	Action string
	Theme  string
	// By is the user id of the reviewer.
	By string
}

// Review is the themes a person gave one free-text answer (a question of a
// response), the outcome of every review of it. Reviewed themes win over the
// machine's in every count.
type Review struct {
	Survey       string
	SubmissionID string
	Question     string
	// Themes is empty when the person took every theme off the answer.
	Themes []string
	By     string
	// At is kept to the day.
	At time.Time
}

// ApplyReview returns the themes an answer has after action, from the themes that
// count now (current), sorted and without repeats.
func ApplyReview(current []string, action, theme string) ([]string, error) {
	out := slices.Clone(current)
	switch action {
	case ReviewConfirm:
	case ReviewRemove:
		out = slices.DeleteFunc(out, func(t string) bool { return t == theme })
	case ReviewAdd:
		if theme == "" || theme == ThemeUncoded {
			return nil, Invalid("Choose a theme to add.", map[string]string{"theme": "Choose a theme to add."})
		}
		out = append(out, theme)
	default:
		return nil, Errorf(EINVALID, "Unknown review action %q.", action)
	}
	sort.Strings(out)
	out = slices.Compact(out)
	if out == nil {
		out = []string{}
	}
	return out, nil
}

// ThemeAgreement compares the machine tags with people's reviews for one theme, over
// the answers people have reviewed.
type ThemeAgreement struct {
	Theme string
	// Both counts reviewed answers that the machine and the reviewer both gave the
	// theme; MachineOnly those the machine tagged and the reviewer did not (false
	// alarms); ReviewOnly those the reviewer tagged and the machine missed; Neither
	// those that neither gave it.
	Both, MachineOnly, ReviewOnly, Neither int
}

// Reviewed is how many reviewed answers the figures rest on.
func (a ThemeAgreement) Reviewed() int {
	return a.Both + a.MachineOnly + a.ReviewOnly + a.Neither
}

// F1 is the harmonic mean of precision and recall; ok is false when neither the
// machine nor reviewers gave any reviewed answer the theme.
func (a ThemeAgreement) F1() (f float64, ok bool) {
	n := 2*a.Both + a.MachineOnly + a.ReviewOnly
	if n == 0 {
		return 0, false
	}
	return 2 * float64(a.Both) / float64(n), true
}

// Kappa is Cohen's kappa between the machine and reviewers on whether answers have
// the theme: 1 is full agreement, 0 no better than chance. ok is false when chance
// agreement is total (all reviewed answers fall one way for both), where kappa is
// undefined.
func (a ThemeAgreement) Kappa() (k float64, ok bool) {
	n := float64(a.Reviewed())
	if n == 0 {
		return 0, false
	}
	po := float64(a.Both+a.Neither) / n
	machine, review := float64(a.Both+a.MachineOnly)/n, float64(a.Both+a.ReviewOnly)/n
	pe := machine*review + (1-machine)*(1-review)
	if pe >= 1 {
		return 0, false
	}
	return (po - pe) / (1 - pe), true
}

// Precision is the share of the machine's tags that reviewers kept; ok is false when
// the machine tagged no reviewed answer with the theme.
func (a ThemeAgreement) Precision() (p float64, ok bool) {
	n := a.Both + a.MachineOnly
	if n == 0 {
		return 0, false
	}
	return float64(a.Both) / float64(n), true
}

// Recall is the share of reviewers' tags that the machine found; ok is false when
// reviewers gave no answer the theme.
func (a ThemeAgreement) Recall() (r float64, ok bool) {
	n := a.Both + a.ReviewOnly
	if n == 0 {
		return 0, false
	}
	return float64(a.Both) / float64(n), true
}

// Agreement works out per-theme agreement over reviewed answers, for the codebook's
// themes in order (themes reviewers used that the codebook no longer has come last).
// It returns also the number of reviewed answers.
func Agreement(themes []string, reviewed []*Answer) ([]ThemeAgreement, int) {
	by := map[string]*ThemeAgreement{}
	out := make([]*ThemeAgreement, 0, len(themes))
	get := func(t string) *ThemeAgreement {
		if a := by[t]; a != nil {
			return a
		}
		a := &ThemeAgreement{Theme: t}
		by[t] = a
		out = append(out, a)
		return a
	}
	for _, t := range themes {
		get(t)
	}
	n := 0
	for _, a := range reviewed {
		if !a.IsReviewed {
			continue
		}
		n++
		for _, t := range a.Machine {
			if slices.Contains(a.Reviewed, t) {
				get(t).Both++
			} else {
				get(t).MachineOnly++
			}
		}
		for _, t := range a.Reviewed {
			if !slices.Contains(a.Machine, t) {
				get(t).ReviewOnly++
			}
		}
	}
	res := make([]ThemeAgreement, len(out))
	for i, a := range out {
		res[i] = *a
		res[i].Neither = n - a.Both - a.MachineOnly - a.ReviewOnly
	}
	return res, n
}

// Term is a word or two-word phrase frequent in answers no theme covers: a candidate
// theme.
type Term struct {
	Text string
	// Count is how many uncoded answers contain it.
	Count int
	// Score is how strongly it stands out against all answers (log-likelihood).
	Score float64
}

// ReviewService lets facilitators (and advisory-board members through them) check
// and correct the themes of free-text answers. Answers of responses with a
// safeguarding flag on their free text are never listed: they are in the
// safeguarding queue.
type ReviewService interface {
	// FindAnswers returns a page of a survey's answers, newest first, with the
	// survey's counts. It returns EUNAVAILABLE while the answers are first being read.
	FindAnswers(ctx context.Context, f AnswerFilter) (*AnswerPage, error)
	// FindAnswer returns one answer; ENOTFOUND if the response has no such free-text
	// answer, and also for a flagged one.
	FindAnswer(ctx context.Context, survey, responseID, question string) (*Answer, error)
	// Review applies a change and returns the answer as it now is. It returns
	// ENOTFOUND for an unknown answer and EINVALID for an unknown action or a theme
	// not in the survey's codebook.
	Review(ctx context.Context, ch ReviewChange) (*Answer, error)
	// Agreement returns per-theme agreement between machine tags and reviews, and
	// how many answers have been reviewed.
	Agreement(ctx context.Context, survey string) ([]ThemeAgreement, int, error)
	// ReviewedAnswers returns every reviewed answer of a survey with its text, its
	// machine tags and its reviewed themes (no flagged answers).
	ReviewedAnswers(ctx context.Context, survey string) ([]*Answer, error)
	// EmergingTerms returns up to n candidate themes from the answers no theme
	// covers, and when they were worked out.
	EmergingTerms(ctx context.Context, survey string, n int) ([]Term, time.Time, error)
}

// ReviewStore keeps theme reviews and reads the responses they are of. The mongodb
// package implements it; the review service decides what they mean.
type ReviewStore interface {
	// FindReviews returns every review of every survey.
	FindReviews(ctx context.Context) ([]*Review, error)
	// StoreReview stores r in place of any review of the same answer, keeping At
	// to the day.
	StoreReview(ctx context.Context, r *Review) error
	// FindResponse returns a stored response, or ENOTFOUND.
	FindResponse(ctx context.Context, submissionID string) (*Response, error)
	// EachTextResponse streams a survey's responses with what the review pages need:
	// submission id, version, day, answers, themes, flags and risk.
	EachTextResponse(ctx context.Context, survey string, fn func(*Response) error) error
	// Secret returns the random value stored under name, made the first time it is
	// asked for; every instance gets the same one.
	Secret(ctx context.Context, name string) ([]byte, error)
}

// States of a re-tag job.
const (
	JobPending = "pending" // waiting for an instance to pick it up
	JobRunning = "running" // re-tagging answers
	JobRecount = "recount" // answers done; the survey's results are being recounted
	JobDone    = "done"
)

// RetagJob re-tags every stored free-text answer of a survey after its codebook
// changed. Exactly one instance runs it at a time (it holds a lease it renews), and
// it resumes where it stopped after a restart.
type RetagJob struct {
	Survey   string
	Revision string
	State    string
	// Done and Total count responses; Answers counts free-text answers re-tagged.
	Done, Total, Answers int
	// Changed counts responses whose tags changed.
	Changed    int
	StartedAt  time.Time
	FinishedAt time.Time
	Error      string
}

// Percent is how far the job has got, from 0 to 100.
func (j *RetagJob) Percent() int {
	switch {
	case j.State == JobDone || j.State == JobRecount:
		return 100
	case j.Total <= 0:
		return 0
	}
	return min(100, j.Done*100/j.Total)
}

// JobService reports the background jobs.
type JobService interface {
	// FindRetagJob returns the survey's re-tag job, or ENOTFOUND if it never had one.
	FindRetagJob(ctx context.Context, survey string) (*RetagJob, error)
}
