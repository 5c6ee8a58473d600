// Package retention deletes responses older than their survey keeps them, as every
// child is told it will ("We keep the answers for two years, then delete them."), and
// reports on it to facilitators.
package retention

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
)

// DefaultDays is used for responses to a survey whose file is gone.
const DefaultDays = 730

// batch is how many responses are deleted together.
const batch = 1000

// Job deletes responses older than their survey's retention_days, with their free
// text, reviews, quotes and safeguarding cases. The counts made from them (aggregates,
// published releases) stay: they are not any one child's. One instance at a time runs
// it, under a lease; each survey it deletes from is written to the audit log.
type Job struct {
	Store chorus.RetentionStore
	// Surveys gives each survey's RetentionDays.
	Surveys chorus.SurveyService
	Audit   chorus.AuditService
	// Lease takes the named lease for d if no other instance holds it.
	Lease func(ctx context.Context, name string, d time.Duration) (release func(), ok bool, err error)
	// Forget, if set, is given each batch of responses before they are deleted (the
	// counts take them out of their live figures, which would otherwise be recounted
	// without them by the consistency check).
	Forget func(ctx context.Context, gone []*chorus.Response) error
	// Now is the clock; tests move it.
	Now func() time.Time
	Log *slog.Logger
}

var _ chorus.RetentionService = (*Job)(nil)

// days is a survey's retention in days.
func (j *Job) days(ctx context.Context, survey string) int {
	if sv, err := j.Surveys.FindSurvey(ctx, survey); err == nil && sv.RetentionDays > 0 {
		return sv.RetentionDays
	}
	return DefaultDays
}

// RunOnce deletes every survey's expired responses if no other instance is doing so,
// and reports how many it deleted.
func (j *Job) RunOnce(ctx context.Context) (int, error) {
	release, ok, err := j.Lease(ctx, "retention", 30*time.Minute)
	if err != nil || !ok {
		return 0, err
	}
	defer release()
	surveys, err := j.Store.ResponseSurveys(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	var errs []error
	for _, s := range surveys {
		n, err := j.runSurvey(ctx, s)
		total += n
		if err != nil {
			errs = append(errs, fmt.Errorf("retention of %s: %w", s, err))
		}
	}
	return total, errors.Join(errs...)
}

func (j *Job) runSurvey(ctx context.Context, survey string) (int, error) {
	days := j.days(ctx, survey)
	today := j.Now().UTC().Truncate(24 * time.Hour)
	cutoff := chorus.RetentionCutoff(today, days)
	deleted := 0
	for {
		n, err := j.deleteBatch(ctx, survey, cutoff)
		deleted += n
		if err != nil {
			return deleted, err
		}
		if n < batch {
			break
		}
	}
	if deleted > 0 {
		if err := j.Audit.RecordAudit(ctx, &chorus.AuditEntry{Via: "system", Action: chorus.ActionRetentionDelete,
			Object: "survey:" + survey, Detail: fmt.Sprintf("deleted %d responses from before %s (kept %d days)", deleted, cutoff, days)}); err != nil {
			j.Log.Error("audit retention", "survey", survey, "err", err)
		}
		j.Log.Info("retention: responses deleted", "survey", survey, "responses", deleted, "before", cutoff)
	}
	st := &chorus.RetentionStatus{Survey: survey, Days: days, LastRun: today.Format(time.DateOnly), Deleted: deleted}
	oldest, err := j.Store.OldestResponseDay(ctx, survey)
	if err != nil {
		return deleted, err
	}
	if oldest != "" {
		st.Oldest = oldest
		if d, perr := time.Parse(time.DateOnly, oldest); perr == nil {
			st.NextDeletion = d.AddDate(0, 0, days+1).Format(time.DateOnly)
		}
	}
	return deleted, j.Store.StoreRetentionStatus(ctx, st)
}

// deleteBatch deletes up to batch of a survey's responses from before cutoff, with
// everything made from them, after taking them out of the counts.
func (j *Job) deleteBatch(ctx context.Context, survey, cutoff string) (int, error) {
	gone, err := j.Store.ExpiredResponses(ctx, survey, cutoff, batch)
	if err != nil || len(gone) == 0 {
		return 0, err
	}
	ids := make([]string, len(gone))
	for i, r := range gone {
		ids[i] = r.SubmissionID
	}
	if j.Forget != nil {
		if err := j.Forget(ctx, gone); err != nil {
			return 0, err
		}
	}
	if err := j.Store.DeleteResponses(ctx, ids); err != nil {
		return 0, err
	}
	return len(gone), nil
}

// RetentionStatus implements chorus.RetentionService. Before the job has looked at a
// survey it reports the survey's period only.
func (j *Job) RetentionStatus(ctx context.Context, survey string) (*chorus.RetentionStatus, error) {
	days := j.days(ctx, survey)
	st, err := j.Store.FindRetentionStatus(ctx, survey)
	switch {
	case chorus.ErrorCode(err) == chorus.ENOTFOUND:
		return &chorus.RetentionStatus{Survey: survey, Days: days}, nil
	case err != nil:
		return nil, err
	}
	st.Days = days
	return st, nil
}
