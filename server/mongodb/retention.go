package mongodb

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chorus-voice/chorus/server/chorus"
)

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

// RetentionStore implements chorus.RetentionStore.
type RetentionStore struct {
	responses, safeguarding, reviews, quotes, state *mongo.Collection
}

// NewRetentionStore returns the retention store on db.
func NewRetentionStore(db *DB) *RetentionStore {
	c := db.db.Collection
	return &RetentionStore{responses: c("responses"), safeguarding: c("safeguarding"), reviews: c("reviews"),
		quotes: c("quotes"), state: c("retention")}
}

var _ chorus.RetentionStore = (*RetentionStore)(nil)

// ResponseSurveys implements chorus.RetentionStore.
func (s *RetentionStore) ResponseSurveys(ctx context.Context) ([]string, error) {
	res := s.responses.Distinct(context.WithoutCancel(ctx), "survey", bson.D{}) // FerretDB v1 refuses maxTimeMS here
	var surveys []string
	if err := res.Err(); err != nil {
		return nil, translate("distinct surveys", err)
	}
	if err := res.Decode(&surveys); err != nil {
		return nil, fmt.Errorf("decode surveys: %w", err)
	}
	return surveys, nil
}

// ExpiredResponses implements chorus.RetentionStore.
func (s *RetentionStore) ExpiredResponses(ctx context.Context, survey, before string, limit int) ([]*chorus.Response, error) {
	return findAll(ctx, s.responses, "expired responses",
		bson.D{{Key: "survey", Value: survey}, {Key: "day", Value: bson.D{{Key: "$lt", Value: before}}}},
		fromResponseDoc, options.Find().SetLimit(int64(limit)))
}

// DeleteResponses implements chorus.RetentionStore.
func (s *RetentionStore) DeleteResponses(ctx context.Context, submissionIDs []string) error {
	if len(submissionIDs) == 0 {
		return nil
	}
	bySub := bson.D{{Key: "submission_id", Value: bson.D{{Key: "$in", Value: submissionIDs}}}}
	for _, c := range []*mongo.Collection{s.safeguarding, s.reviews, s.quotes, s.responses} {
		if _, err := c.DeleteMany(ctx, bySub); err != nil {
			return translate("delete expired "+c.Name(), err)
		}
	}
	return nil
}

// OldestResponseDay implements chorus.RetentionStore.
func (s *RetentionStore) OldestResponseDay(ctx context.Context, survey string) (string, error) {
	var oldest responseDoc
	err := s.responses.FindOne(ctx, bson.D{{Key: "survey", Value: survey}},
		options.FindOne().SetSort(bson.D{{Key: "day", Value: 1}}).SetProjection(bson.D{{Key: "day", Value: 1}})).Decode(&oldest)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", nil
	}
	return oldest.Day, translate("find oldest response", err)
}

// StoreRetentionStatus implements chorus.RetentionStore.
func (s *RetentionStore) StoreRetentionStatus(ctx context.Context, st *chorus.RetentionStatus) error {
	d := retentionDoc{Survey: st.Survey, Days: st.Days, LastRun: st.LastRun, Deleted: st.Deleted, Oldest: st.Oldest, NextDeletion: st.NextDeletion}
	_, err := s.state.ReplaceOne(ctx, bson.D{{Key: "_id", Value: st.Survey}}, d, options.Replace().SetUpsert(true))
	return translate("store retention status", err)
}

// FindRetentionStatus implements chorus.RetentionStore.
func (s *RetentionStore) FindRetentionStatus(ctx context.Context, survey string) (*chorus.RetentionStatus, error) {
	var d retentionDoc
	if err := s.state.FindOne(ctx, bson.D{{Key: "_id", Value: survey}}).Decode(&d); err != nil {
		return nil, translate("find retention status", err)
	}
	return &chorus.RetentionStatus{Survey: d.Survey, Days: d.Days, LastRun: d.LastRun, Deleted: d.Deleted,
		Oldest: d.Oldest, NextDeletion: d.NextDeletion}, nil
}
