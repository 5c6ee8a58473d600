package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chorus-voice/chorus/server/chorus"
)

func init() {
	registerIndexes("quotes",
		mongo.IndexModel{Keys: bson.D{{Key: "survey", Value: 1}}, Options: options.Index().SetName("survey")})
}

// quoteDoc is an approved quote, kept after it is withdrawn.
type quoteDoc struct {
	ID           bson.ObjectID `bson:"_id"`
	Survey       string        `bson:"survey"`
	Theme        string        `bson:"theme"`
	Question     string        `bson:"question"`
	SubmissionID string        `bson:"submission_id"`
	Text         string        `bson:"text"`
	ApprovedBy   string        `bson:"approved_by"`
	ApprovedAt   time.Time     `bson:"approved_at"`
	Withdrawn    bool          `bson:"withdrawn"`
	WithdrawnBy  string        `bson:"withdrawn_by,omitempty"`
	WithdrawnAt  time.Time     `bson:"withdrawn_at,omitempty"`
}

func (d *quoteDoc) domain() *chorus.QuoteRecord {
	r := &chorus.QuoteRecord{SubmissionID: d.SubmissionID, Quote: chorus.Quote{ID: d.ID.Hex(), Survey: d.Survey,
		Theme: d.Theme, Question: d.Question, Text: d.Text, ApprovedBy: d.ApprovedBy, ApprovedAt: d.ApprovedAt}}
	if d.Withdrawn {
		r.WithdrawnBy, r.WithdrawnAt = d.WithdrawnBy, d.WithdrawnAt
		if r.WithdrawnAt.IsZero() {
			r.WithdrawnAt = time.Unix(1, 0) // withdrawn before the day was kept
		}
	}
	return r
}

// QuoteStore implements chorus.QuoteStore.
type QuoteStore struct {
	coll *mongo.Collection
}

// NewQuoteStore returns the quote store on db.
func NewQuoteStore(db *DB) *QuoteStore { return &QuoteStore{coll: db.db.Collection("quotes")} }

var _ chorus.QuoteStore = (*QuoteStore)(nil)

// InsertQuote implements chorus.QuoteStore. The id, like the approval time, says
// nothing finer than the day.
func (s *QuoteStore) InsertQuote(ctx context.Context, r *chorus.QuoteRecord) error {
	d := &quoteDoc{ID: dayID(r.ApprovedAt), Survey: r.Survey, Theme: r.Theme, Question: r.Question,
		SubmissionID: r.SubmissionID, Text: r.Text, ApprovedBy: r.ApprovedBy, ApprovedAt: day(r.ApprovedAt)}
	if _, err := s.coll.InsertOne(ctx, d); err != nil {
		return translate("insert quote", err)
	}
	*r = *d.domain()
	return nil
}

// FindQuoteRecords implements chorus.QuoteStore.
func (s *QuoteStore) FindQuoteRecords(ctx context.Context, survey string) ([]*chorus.QuoteRecord, error) {
	return findAll(ctx, s.coll, "quotes", bson.D{{Key: "survey", Value: survey}}, (*quoteDoc).domain)
}

// FindQuoteRecord implements chorus.QuoteStore.
func (s *QuoteStore) FindQuoteRecord(ctx context.Context, survey, id string) (*chorus.QuoteRecord, error) {
	return findByID(ctx, s.coll, "quote", id, "That quote does not exist in this survey.", (*quoteDoc).domain,
		bson.E{Key: "survey", Value: survey})
}

// WithdrawQuoteRecord implements chorus.QuoteStore.
func (s *QuoteStore) WithdrawQuoteRecord(ctx context.Context, id, by string, at time.Time) error {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return chorus.Errorf(chorus.ENOTFOUND, "That quote does not exist.")
	}
	_, err = s.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: oid}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "withdrawn", Value: true}, {Key: "withdrawn_by", Value: by}, {Key: "withdrawn_at", Value: day(at)}}}})
	return translate("withdraw quote", err)
}
