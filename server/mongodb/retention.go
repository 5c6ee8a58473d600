package mongodb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chorus-voice/chorus/server/chorus"
)

// defaultRetentionDays is used for responses to a survey whose file is gone.
const defaultRetentionDays = 730

// retentionBatch is how many responses are deleted together.
const retentionBatch = 1000

// retentionDoc is a survey's retention as the job last saw it (collection retention).
// It keeps days only.
type retentionDoc struct {
	Survey       string `bson:"_id"`
	Days         int    `bson:"days"`
	LastRun      string `bson:"last_run"`
	Deleted      int    `bson:"deleted"`
	Oldest       string `bson:"oldest,omitempty"`
	NextDeletion string `bson:"next_deletion,omitempty"`
}

// Retention deletes responses older than their survey's retention_days, with their free
// text, reviews, quotes and safeguarding cases. The counts made from them (aggregates,
// published releases) stay: they are not any one child's. One instance at a time runs
// it, under a lease (DB.Lease); each survey it deletes from is written to the audit log.
type Retention struct {
	db                                              *DB
	responses, safeguarding, reviews, quotes, state *mongo.Collection
	audit                                           *AuditService
	log                                             *slog.Logger

	// Surveys gives each survey's RetentionDays.
	Surveys chorus.SurveyService
	// Forget, if set, is given each batch of responses before they are deleted (the
	// aggregates take them out of their live counts, which would otherwise be recounted
	// without them by the consistency check).
	Forget func(ctx context.Context, gone []*chorus.Response) error
	// Now is the clock; tests move it. Every is how often the job runs (1 hour if zero).
	Now   func() time.Time
	Every time.Duration

	loop
}

// NewRetention returns the retention job on db. Set its fields, then call Start.
func (d *DB) NewRetention(surveys chorus.SurveyService) *Retention {
	c := d.db.Collection
	return &Retention{db: d, responses: c("responses"), safeguarding: c("safeguarding"), reviews: c("reviews"),
		quotes: c("quotes"), state: c("retention"), audit: NewAuditService(d),
		log: d.log, Surveys: surveys, Now: time.Now}
}

var _ chorus.RetentionService = (*Retention)(nil)

// RunOnce deletes every survey's expired responses if no other instance is doing so,
// and reports how many it deleted.
func (r *Retention) RunOnce(ctx context.Context) (int, error) {
	release, ok, err := r.db.Lease(ctx, "retention", 30*time.Minute)
	if err != nil || !ok {
		return 0, err
	}
	defer release()
	res := r.responses.Distinct(context.WithoutCancel(ctx), "survey", bson.D{}) // FerretDB v1 refuses maxTimeMS here
	var surveys []string
	if err := res.Err(); err != nil {
		return 0, translate("distinct surveys", err)
	}
	if err := res.Decode(&surveys); err != nil {
		return 0, fmt.Errorf("decode surveys: %w", err)
	}
	total := 0
	var errs []error
	for _, s := range surveys {
		n, err := r.runSurvey(ctx, s)
		total += n
		if err != nil {
			errs = append(errs, fmt.Errorf("retention of %s: %w", s, err))
		}
	}
	return total, errors.Join(errs...)
}

func (r *Retention) runSurvey(ctx context.Context, survey string) (int, error) {
	days := defaultRetentionDays
	if sv, err := r.Surveys.FindSurvey(ctx, survey); err == nil && sv.RetentionDays > 0 {
		days = sv.RetentionDays
	}
	today := day(r.Now())
	cutoff := chorus.RetentionCutoff(today, days)
	deleted := 0
	for {
		n, err := r.deleteBatch(ctx, survey, cutoff)
		deleted += n
		if err != nil {
			return deleted, err
		}
		if n < retentionBatch {
			break
		}
	}
	if deleted > 0 {
		if err := r.audit.RecordAudit(ctx, &chorus.AuditEntry{Via: "system", Action: chorus.ActionRetentionDelete,
			Object: "survey:" + survey, Detail: fmt.Sprintf("deleted %d responses from before %s (kept %d days)", deleted, cutoff, days)}); err != nil {
			r.log.Error("audit retention", "survey", survey, "err", err)
		}
		r.log.Info("retention: responses deleted", "survey", survey, "responses", deleted, "before", cutoff)
	}
	st := retentionDoc{Survey: survey, Days: days, LastRun: today.Format(time.DateOnly), Deleted: deleted}
	var oldest responseDoc
	err := r.responses.FindOne(ctx, bson.D{{Key: "survey", Value: survey}},
		options.FindOne().SetSort(bson.D{{Key: "day", Value: 1}}).SetProjection(bson.D{{Key: "day", Value: 1}})).Decode(&oldest)
	switch {
	case err == nil:
		st.Oldest = oldest.Day
		if d, perr := time.Parse(time.DateOnly, oldest.Day); perr == nil {
			st.NextDeletion = d.AddDate(0, 0, days+1).Format(time.DateOnly)
		}
	case !errors.Is(err, mongo.ErrNoDocuments):
		return deleted, translate("find oldest response", err)
	}
	_, err = r.state.ReplaceOne(ctx, bson.D{{Key: "_id", Value: survey}}, st, options.Replace().SetUpsert(true))
	return deleted, translate("store retention status", err)
}

// deleteBatch deletes up to retentionBatch of a survey's responses from before cutoff,
// with everything made from them. What points to a response goes first, so a crash
// leaves responses to find again, never a case or quote without its response.
func (r *Retention) deleteBatch(ctx context.Context, survey, cutoff string) (int, error) {
	cur, err := r.responses.Find(ctx, bson.D{{Key: "survey", Value: survey}, {Key: "day", Value: bson.D{{Key: "$lt", Value: cutoff}}}},
		options.Find().SetLimit(retentionBatch))
	if err != nil {
		return 0, translate("find expired responses", err)
	}
	var docs []responseDoc
	if err := cur.All(ctx, &docs); err != nil {
		return 0, translate("read expired responses", err)
	}
	if len(docs) == 0 {
		return 0, nil
	}
	gone := make([]*chorus.Response, len(docs))
	ids := make(bson.A, len(docs))
	for i := range docs {
		gone[i], ids[i] = fromResponseDoc(&docs[i]), docs[i].SubmissionID
	}
	if r.Forget != nil {
		if err := r.Forget(ctx, gone); err != nil {
			return 0, err
		}
	}
	bySub := bson.D{{Key: "submission_id", Value: bson.D{{Key: "$in", Value: ids}}}}
	for _, c := range []*mongo.Collection{r.safeguarding, r.reviews, r.quotes, r.responses} {
		if _, err := c.DeleteMany(ctx, bySub); err != nil {
			return 0, translate("delete expired "+c.Name(), err)
		}
	}
	return len(docs), nil
}

// RetentionStatus implements chorus.RetentionService. Before the job has looked at a
// survey it reports the survey's period only.
func (r *Retention) RetentionStatus(ctx context.Context, survey string) (*chorus.RetentionStatus, error) {
	st := &chorus.RetentionStatus{Survey: survey, Days: defaultRetentionDays}
	if sv, err := r.Surveys.FindSurvey(ctx, survey); err == nil && sv.RetentionDays > 0 {
		st.Days = sv.RetentionDays
	}
	var d retentionDoc
	err := r.state.FindOne(ctx, bson.D{{Key: "_id", Value: survey}}).Decode(&d)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return st, nil
	case err != nil:
		return nil, translate("find retention status", err)
	}
	st.LastRun, st.Deleted, st.Oldest, st.NextDeletion = d.LastRun, d.Deleted, d.Oldest, d.NextDeletion
	return st, nil
}

// Start runs the job once the store is ready and then every Every (default an hour),
// until Close.
func (r *Retention) Start(ctx context.Context) {
	r.loop.start(ctx, r.db, every(r.Every, time.Hour), nil, func(ctx context.Context) {
		if _, err := r.RunOnce(ctx); err != nil && ctx.Err() == nil {
			r.log.Error("retention", "err", err)
		}
	})
}

// Close stops the job; a run in progress stops at its next store call.
func (r *Retention) Close() { r.loop.close() }
