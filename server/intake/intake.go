package intake

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"slices"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
)

// Service implements chorus.ResponseService.
type Service struct {
	Surveys chorus.SurveyService
	Store   chorus.ResponseStore
	// Areas reports whether a council code is known.
	Areas func(code string) bool
	// Redact removes personal details from free text; it runs before anything is stored.
	Redact func(text string) string
	// Detect returns the safeguarding categories a free-text answer suggests (none: safe)
	// and their level (chorus.LevelUrgent or LevelConcern). It sees the words before
	// redaction so that nothing is missed.
	Detect func(text string) (categories []string, level string)
	// Tag returns the theme ids of a redacted free-text answer for a survey.
	Tag func(survey, text string) []string
	// Now is the clock; the stored date is coarsened to the day.
	Now func() time.Time
	// GroupSession checks the submit token of a survey that needs an access code (see
	// access.go); nil refuses every such survey.
	GroupSession func(ctx context.Context, survey, token string) (string, error)
}

var submissionIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}$`)

// Submit implements chorus.ResponseService.
func (s *Service) Submit(ctx context.Context, sub *chorus.Submission) (*chorus.Receipt, error) {
	if !submissionIDPattern.MatchString(sub.SubmissionID) {
		return nil, chorus.Invalid("The submission id must be 8 to 64 letters, digits, - or _.",
			map[string]string{"submission_id": "must be 8 to 64 letters, digits, - or _"})
	}
	survey, err := s.Surveys.FindSurvey(ctx, sub.Survey)
	if err != nil {
		return nil, err
	}
	version := survey.Version(sub.Version)
	if version == nil {
		return nil, chorus.Errorf(chorus.ENOTFOUND, "This survey has no version called %q.", sub.Version)
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	if !survey.IsOpen(now()) {
		return nil, chorus.Errorf(chorus.EINVALID, "This survey is closed. Thank you for wanting to take part.")
	}
	session, err := s.groupSession(ctx, survey, sub.Token)
	if err != nil {
		return nil, err
	}
	lang := sub.Lang
	if !slices.Contains(survey.Languages, lang) {
		lang = survey.Languages[0]
	}
	areas := s.Areas
	if areas == nil {
		areas = func(string) bool { return false }
	}
	clean, fields := version.Validate(survey, sub.Answers, areas)
	if fields != nil {
		return nil, chorus.Invalid("Some answers need checking.", fields)
	}

	r := &chorus.Response{
		SubmissionID: sub.SubmissionID, Survey: survey.ID, Version: version.ID, Lang: lang,
		Revision: survey.Revision, Day: now().UTC().Format(time.DateOnly), Answers: clean,
		Risky: survey.Risky(clean), GroupSession: session,
	}
	for _, q := range survey.Questions {
		text, ok := clean[q.ID].(string)
		if !ok || (q.Kind != chorus.KindShortText && q.Kind != chorus.KindLongText) || text == chorus.PreferNot {
			continue
		}
		if s.Detect != nil {
			if cats, level := s.Detect(text); len(cats) > 0 {
				if r.Flags == nil {
					r.Flags = map[string][]string{}
				}
				r.Flags[q.ID] = cats
				r.Risky = true
				r.Level = chorus.MoreUrgent(r.Level, level)
			}
		}
		if s.Redact != nil {
			text = s.Redact(text)
			clean[q.ID] = text
		}
		if s.Tag != nil {
			if themes := s.Tag(survey.ID, text); len(themes) > 0 {
				if r.Themes == nil {
					r.Themes = map[string][]string{}
				}
				r.Themes[q.ID] = themes
			}
		}
	}
	if r.Risky && r.Level == "" {
		r.Level = chorus.LevelClosed
	}
	r.Digest = digest(r)

	receipt := &chorus.Receipt{Code: ReceiptCode(sub.SubmissionID), Created: true, ShowHelp: r.Risky, Level: r.Level}
	err = s.Store.InsertResponse(ctx, r)
	if chorus.ErrorCode(err) == chorus.ECONFLICT {
		stored, ferr := s.Store.FindResponseDigest(ctx, sub.SubmissionID)
		if ferr != nil {
			return nil, ferr
		}
		if stored != r.Digest {
			return nil, chorus.Errorf(chorus.ECONFLICT, "These answers were already sent with different words. Please start the survey again.")
		}
		receipt.Created = false
		return receipt, nil
	}
	if err != nil {
		return nil, err
	}
	return receipt, nil
}

// digest hashes what makes two submissions the same: survey, version and answers.
// encoding/json sorts map keys, so the encoding is canonical.
func digest(r *chorus.Response) string {
	b, _ := json.Marshal(struct {
		S, V string
		A    chorus.Answers
	}{r.Survey, r.Version, r.Answers})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

var receiptEncoding = base32.NewEncoding("ABCDEFGHJKLMNPQRSTUVWXYZ23456789").WithPadding(base32.NoPadding)

// ReceiptCode derives the receipt a child sees from the submission id alone: the same on
// every retry, stored nowhere, and revealing nothing about the child.
func ReceiptCode(submissionID string) string {
	sum := sha256.Sum256([]byte("chorus-receipt\x00" + submissionID))
	code := receiptEncoding.EncodeToString(sum[:5])
	return code[:4] + "-" + code[4:8]
}
