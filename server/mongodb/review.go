package mongodb

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chorus-voice/chorus/server/chorus"
)

func init() {
	registerIndexes("reviews",
		mongo.IndexModel{Keys: bson.D{{Key: "survey", Value: 1}}, Options: options.Index().SetName("survey")})
}

// reviewDoc is the reviewed themes of one free-text answer: a question of a response.
type reviewDoc struct {
	ID           string    `bson:"_id"` // submission id + "/" + question id
	Survey       string    `bson:"survey"`
	SubmissionID string    `bson:"submission_id"`
	Question     string    `bson:"question"`
	Themes       []string  `bson:"themes"`
	By           string    `bson:"by"`
	At           time.Time `bson:"at"`
}

func (d *reviewDoc) domain() *chorus.Review {
	return &chorus.Review{Survey: d.Survey, SubmissionID: d.SubmissionID, Question: d.Question,
		Themes: d.Themes, By: d.By, At: d.At}
}

// ReviewStore implements chorus.ReviewStore: the reviews collection, and the
// responses as the review pages read them.
type ReviewStore struct {
	reviews, responses, settings *mongo.Collection
}

// NewReviewStore returns the review store on db.
func NewReviewStore(db *DB) *ReviewStore {
	return &ReviewStore{reviews: db.db.Collection("reviews"), responses: db.db.Collection("responses"),
		settings: db.db.Collection("settings")}
}

var _ chorus.ReviewStore = (*ReviewStore)(nil)

// FindReviews implements chorus.ReviewStore.
func (s *ReviewStore) FindReviews(ctx context.Context) ([]*chorus.Review, error) {
	return findAll(ctx, s.reviews, "reviews", bson.D{}, (*reviewDoc).domain)
}

// StoreReview implements chorus.ReviewStore.
func (s *ReviewStore) StoreReview(ctx context.Context, r *chorus.Review) error {
	d := &reviewDoc{ID: r.SubmissionID + "/" + r.Question, Survey: r.Survey, SubmissionID: r.SubmissionID,
		Question: r.Question, Themes: slices.Clone(r.Themes), By: r.By, At: day(r.At)}
	if d.Themes == nil {
		d.Themes = []string{}
	}
	_, err := s.reviews.ReplaceOne(ctx, bson.D{{Key: "_id", Value: d.ID}}, d, options.Replace().SetUpsert(true))
	r.At = d.At
	return translate("store review", err)
}

// FindResponse implements chorus.ReviewStore: by _id, or for responses stored before
// _id was the submission id, by the submission_id field.
func (s *ReviewStore) FindResponse(ctx context.Context, submissionID string) (*chorus.Response, error) {
	var doc responseDoc
	err := s.responses.FindOne(ctx, bson.D{{Key: "_id", Value: submissionID}}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		err = s.responses.FindOne(ctx, bson.D{{Key: "submission_id", Value: submissionID}}).Decode(&doc)
	}
	if err != nil {
		return nil, translate("find response", err)
	}
	return fromResponseDoc(&doc), nil
}

// EachTextResponse implements chorus.ReviewStore. It reads only the fields the review
// pages need.
func (s *ReviewStore) EachTextResponse(ctx context.Context, survey string, fn func(*chorus.Response) error) error {
	return eachResponseWhere(ctx, s.responses, bson.D{{Key: "survey", Value: survey}}, options.Find().SetBatchSize(1000).SetProjection(
		bson.D{{Key: "_id", Value: 1}, {Key: "submission_id", Value: 1}, {Key: "survey", Value: 1}, {Key: "version", Value: 1},
			{Key: "day", Value: 1}, {Key: "answers", Value: 1}, {Key: "themes", Value: 1}, {Key: "flags", Value: 1}, {Key: "risky", Value: 1}}), fn)
}

// Secret implements chorus.ReviewStore with the settings collection.
func (s *ReviewStore) Secret(ctx context.Context, name string) ([]byte, error) {
	var doc struct {
		Value []byte `bson:"value"`
	}
	err := s.settings.FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		v := make([]byte, 32)
		_, _ = rand.Read(v)
		_, err = s.settings.InsertOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "value", Value: v}})
		if err != nil && !mongo.IsDuplicateKeyError(err) {
			return nil, translate("store "+name, err)
		}
		err = s.settings.FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Decode(&doc)
	}
	if err != nil {
		return nil, translate("find "+name, err)
	}
	if len(doc.Value) < 16 {
		return nil, fmt.Errorf("settings: %s is too short", name)
	}
	return doc.Value, nil
}
