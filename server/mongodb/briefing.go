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
	registerIndexes("briefings",
		mongo.IndexModel{Keys: bson.D{{Key: "created_at", Value: -1}}, Options: options.Index().SetName("created")},
		mongo.IndexModel{Keys: bson.D{{Key: "survey", Value: 1}, {Key: "created_at", Value: -1}}, Options: options.Index().SetName("survey_created")})
}

// BriefingService stores saved briefings in the briefings collection.
type BriefingService struct{ db *DB }

// NewBriefingService returns a BriefingService on db.
func NewBriefingService(db *DB) *BriefingService { return &BriefingService{db: db} }

var _ chorus.BriefingService = (*BriefingService)(nil)

type briefingDoc struct {
	ID        bson.ObjectID `bson:"_id"`
	Survey    string        `bson:"survey"`
	Area      string        `bson:"area"`
	Level     string        `bson:"level"`
	Councils  []string      `bson:"councils"`
	Title     string        `bson:"title"`
	CreatedBy string        `bson:"created_by"`
	CreatedAt time.Time     `bson:"created_at"`
}

func (d *briefingDoc) briefing() *chorus.Briefing {
	councils := d.Councils
	if len(councils) == 0 {
		councils = nil
	}
	return &chorus.Briefing{ID: d.ID.Hex(), Survey: d.Survey, Area: d.Area, Level: d.Level, Councils: councils,
		Title: d.Title, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt}
}

func (s *BriefingService) coll() *mongo.Collection { return s.db.db.Collection("briefings") }

// CreateBriefing stores b and sets its ID and, if zero, its CreatedAt.
func (s *BriefingService) CreateBriefing(ctx context.Context, b *chorus.Briefing) error {
	created := b.CreatedAt
	if created.IsZero() {
		created = time.Now()
	}
	d := briefingDoc{ID: bson.NewObjectID(), Survey: b.Survey, Area: b.Area, Level: b.Level, Councils: b.Councils,
		Title: b.Title, CreatedBy: b.CreatedBy, CreatedAt: created.UTC().Truncate(time.Millisecond)}
	if _, err := s.coll().InsertOne(ctx, d); err != nil {
		return translate("insert briefing", err)
	}
	b.ID, b.CreatedAt = d.ID.Hex(), d.CreatedAt
	return nil
}

// FindBriefing returns ENOTFOUND if no briefing has that id.
func (s *BriefingService) FindBriefing(ctx context.Context, id string) (*chorus.Briefing, error) {
	return findByID(ctx, s.coll(), "briefing", id, "No such briefing.", (*briefingDoc).briefing)
}

// FindBriefings returns the briefings matching f, newest first.
func (s *BriefingService) FindBriefings(ctx context.Context, f chorus.BriefingFilter) ([]*chorus.Briefing, error) {
	filter := bson.D{}
	if f.Survey != "" {
		filter = append(filter, bson.E{Key: "survey", Value: bson.D{{Key: "$eq", Value: f.Survey}}})
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	return findAll(ctx, s.coll(), "briefings", filter, (*briefingDoc).briefing, options.Find().
		SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(int64(limit)))
}
