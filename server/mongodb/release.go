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
	registerIndexes("releases",
		mongo.IndexModel{Keys: bson.D{{Key: "survey", Value: 1}, {Key: "seq", Value: 1}},
			Options: options.Index().SetUnique(true).SetName("survey_seq_unique")})
}

// Releases stores results releases (the results package's Releaser makes them) in the releases collection:
// one document per release, never changed once written. A document holds only counts
// (a packed cube, a few hundred kilobytes at most whatever the number of responses) and
// the hour it was made.
type Releases struct{ db *DB }

// NewReleases returns the releases kept in db.
func NewReleases(db *DB) *Releases { return &Releases{db: db} }

type releaseDoc struct {
	ID        string            `bson:"_id"`
	Survey    string            `bson:"survey"`
	Seq       int               `bson:"seq"`
	At        time.Time         `bson:"at"`
	Responses int64             `bson:"responses"`
	Slots     []string          `bson:"slots,omitempty"`
	Keys      []string          `bson:"keys,omitempty"`
	Data      []byte            `bson:"data,omitempty"`
	Frozen    map[string]string `bson:"frozen,omitempty"`
}

func (s *Releases) coll() *mongo.Collection { return s.db.db.Collection("releases") }

func (d *releaseDoc) domain() *chorus.ReleaseRecord {
	return &chorus.ReleaseRecord{ID: d.ID, Survey: d.Survey, Seq: d.Seq, At: d.At.UTC(), Responses: d.Responses,
		Slots: d.Slots, Keys: d.Keys, Data: d.Data, Frozen: d.Frozen}
}

// InsertRelease stores a release; ECONFLICT if the survey has a release
// with that number already.
func (s *Releases) InsertRelease(ctx context.Context, r *chorus.ReleaseRecord) error {
	_, err := s.coll().InsertOne(ctx, releaseDoc{ID: r.ID, Survey: r.Survey, Seq: r.Seq,
		At: r.At.UTC().Truncate(time.Hour), Responses: r.Responses,
		Slots: r.Slots, Keys: r.Keys, Data: r.Data, Frozen: r.Frozen})
	return translate("insert release", err)
}

// LatestRelease stores a release.
func (s *Releases) LatestRelease(ctx context.Context, survey string) (*chorus.ReleaseRecord, error) {
	var d releaseDoc
	err := s.coll().FindOne(ctx, bson.D{{Key: "survey", Value: bson.D{{Key: "$eq", Value: survey}}}},
		options.FindOne().SetSort(bson.D{{Key: "seq", Value: -1}})).Decode(&d)
	if err != nil {
		return nil, translate("find latest release", err)
	}
	return d.domain(), nil
}

// FindRelease stores a release.
func (s *Releases) FindRelease(ctx context.Context, id string) (*chorus.ReleaseRecord, error) {
	var d releaseDoc
	if err := s.coll().FindOne(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$eq", Value: id}}}}).Decode(&d); err != nil {
		return nil, translate("find release", err)
	}
	return d.domain(), nil
}

// ListReleases stores a release.
func (s *Releases) ListReleases(ctx context.Context, survey string) ([]*chorus.ReleaseRecord, error) {
	return findAll(ctx, s.coll(), "releases", bson.D{{Key: "survey", Value: bson.D{{Key: "$eq", Value: survey}}}},
		(*releaseDoc).domain, options.Find().SetSort(bson.D{{Key: "seq", Value: -1}}).
			SetProjection(bson.D{{Key: "slots", Value: 0}, {Key: "keys", Value: 0}, {Key: "data", Value: 0}, {Key: "frozen", Value: 0}}))
}
