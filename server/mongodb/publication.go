package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chorus-voice/chorus/server/chorus"
)

// PublicationService stores, in the publications collection (one document per survey,
// keyed by the survey id), whether each survey's results page for young people is public.
type PublicationService struct{ db *DB }

// NewPublicationService returns a PublicationService on db.
func NewPublicationService(db *DB) *PublicationService { return &PublicationService{db: db} }

var _ chorus.PublicationService = (*PublicationService)(nil)

type publicationDoc struct {
	Survey    string    `bson:"_id"`
	Published bool      `bson:"published"`
	UpdatedBy string    `bson:"updated_by,omitempty"`
	UpdatedAt time.Time `bson:"updated_at"`
}

func (s *PublicationService) coll() *mongo.Collection { return s.db.db.Collection("publications") }

// FindPublication returns the survey's publication, unpublished if none is stored.
func (s *PublicationService) FindPublication(ctx context.Context, survey string) (*chorus.Publication, error) {
	var d publicationDoc
	err := s.coll().FindOne(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$eq", Value: survey}}}}).Decode(&d)
	switch code := chorus.ErrorCode(translate("", err)); {
	case err == nil:
	case code == chorus.ENOTFOUND:
		return &chorus.Publication{Survey: survey}, nil
	default:
		return nil, translate("find publication", err)
	}
	return &chorus.Publication{Survey: d.Survey, Published: d.Published, UpdatedBy: d.UpdatedBy, UpdatedAt: d.UpdatedAt}, nil
}

// SetPublication stores p, setting UpdatedAt if it is zero.
func (s *PublicationService) SetPublication(ctx context.Context, p *chorus.Publication) error {
	if p.UpdatedAt.IsZero() {
		p.UpdatedAt = time.Now()
	}
	p.UpdatedAt = p.UpdatedAt.UTC().Truncate(time.Millisecond)
	_, err := s.coll().UpdateOne(ctx, bson.D{{Key: "_id", Value: p.Survey}},
		bson.D{{Key: "$set", Value: bson.D{
			{Key: "published", Value: p.Published},
			{Key: "updated_by", Value: p.UpdatedBy},
			{Key: "updated_at", Value: p.UpdatedAt},
		}}}, options.UpdateOne().SetUpsert(true))
	return translate("set publication", err)
}
