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
	registerIndexes("safeguarding",
		mongo.IndexModel{Keys: bson.D{{Key: "submission_id", Value: 1}}, Options: options.Index().SetUnique(true).SetName("submission_id_unique")},
		mongo.IndexModel{Keys: bson.D{{Key: "reviewed", Value: 1}}, Options: options.Index().SetName("reviewed")})
}

// concernDoc is one response in the safeguarding queue.
type concernDoc struct {
	ID           bson.ObjectID       `bson:"_id"`
	SubmissionID string              `bson:"submission_id"`
	Survey       string              `bson:"survey"`
	Version      string              `bson:"version"`
	Day          string              `bson:"day"`
	Flags        map[string][]string `bson:"flags,omitempty"`
	Texts        map[string]string   `bson:"texts,omitempty"`
	Signals      []signalDoc         `bson:"signals,omitempty"`
	Level        string              `bson:"level,omitempty"`
	Reviewed     bool                `bson:"reviewed"`
	ReviewedBy   string              `bson:"reviewed_by,omitempty"`
	ReviewedAt   time.Time           `bson:"reviewed_at,omitempty"`
	Note         string              `bson:"note,omitempty"`
}

type signalDoc struct {
	Question string `bson:"question"`
	Option   string `bson:"option"`
}

func (d *concernDoc) domain() *chorus.ConcernRecord {
	c := &chorus.ConcernRecord{SubmissionID: d.SubmissionID, Concern: chorus.Concern{ID: d.ID.Hex(), Survey: d.Survey,
		Version: d.Version, Day: d.Day, Flags: d.Flags, Texts: d.Texts, ReviewedBy: d.ReviewedBy, Note: d.Note, Level: d.Level}}
	c.Level = c.LevelOf()
	if d.Reviewed {
		c.ReviewedAt = d.ReviewedAt
		if c.ReviewedAt.IsZero() {
			c.ReviewedAt = time.Unix(1, 0) // reviewed before the day was kept
		}
	}
	for _, s := range d.Signals {
		c.Signals = append(c.Signals, chorus.RiskSignal{Question: s.Question, Option: s.Option})
	}
	return c
}

// ConcernStore implements chorus.ConcernStore: the safeguarding collection.
type ConcernStore struct {
	coll, responses *mongo.Collection
}

// NewConcernStore returns the safeguarding queue's store on db.
func NewConcernStore(db *DB) *ConcernStore {
	return &ConcernStore{coll: db.db.Collection("safeguarding"), responses: db.db.Collection("responses")}
}

var _ chorus.ConcernStore = (*ConcernStore)(nil)

// InsertConcerns implements chorus.ConcernStore. A concern's id says nothing finer than
// the day of its response.
func (s *ConcernStore) InsertConcerns(ctx context.Context, rs []*chorus.ConcernRecord) error {
	if len(rs) == 0 {
		return nil
	}
	docs := make([]any, len(rs))
	for i, r := range rs {
		when, err := time.Parse(time.DateOnly, r.Day)
		if err != nil {
			when = time.Now()
		}
		d := &concernDoc{ID: dayID(when), SubmissionID: r.SubmissionID, Survey: r.Survey, Version: r.Version, Day: r.Day,
			Flags: r.Flags, Texts: r.Texts, Level: r.Level}
		for _, sig := range r.Signals {
			d.Signals = append(d.Signals, signalDoc{Question: sig.Question, Option: sig.Option})
		}
		docs[i] = d
		r.ID = d.ID.Hex()
	}
	return insertIgnoringDuplicates(ctx, s.coll, docs)
}

// FindConcernRecords implements chorus.ConcernStore.
func (s *ConcernStore) FindConcernRecords(ctx context.Context, survey string, reviewed bool) ([]*chorus.ConcernRecord, error) {
	filter := bson.D{{Key: "reviewed", Value: reviewed}}
	if survey != "" {
		filter = append(filter, bson.E{Key: "survey", Value: survey})
	}
	return findAll(ctx, s.coll, "concerns", filter, (*concernDoc).domain)
}

// FindConcernRecord implements chorus.ConcernStore.
func (s *ConcernStore) FindConcernRecord(ctx context.Context, id string) (*chorus.ConcernRecord, error) {
	return findByID(ctx, s.coll, "concern", id, "That concern does not exist.", (*concernDoc).domain)
}

// MarkConcernReviewed implements chorus.ConcernStore: one conditional update, so two
// people closing a concern at once cannot both succeed.
func (s *ConcernStore) MarkConcernReviewed(ctx context.Context, id, by, note string, at time.Time) error {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return chorus.Errorf(chorus.ENOTFOUND, "That concern does not exist.")
	}
	res, err := s.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: oid}, {Key: "reviewed", Value: false}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "reviewed", Value: true}, {Key: "reviewed_by", Value: by},
			{Key: "reviewed_at", Value: day(at)}, {Key: "note", Value: note}}}})
	if err != nil {
		return translate("review concern", err)
	}
	if res.MatchedCount == 0 {
		return chorus.Errorf(chorus.ECONFLICT, "Someone has already marked this answer as reviewed.")
	}
	return nil
}

// OpenConcernLevels implements chorus.ConcernStore.
func (s *ConcernStore) OpenConcernLevels(ctx context.Context) ([]string, error) {
	return findAll(ctx, s.coll, "concerns", bson.D{{Key: "reviewed", Value: false}},
		func(d *concernDoc) string { return d.domain().Level },
		options.Find().SetProjection(bson.D{{Key: "level", Value: 1}, {Key: "flags", Value: 1}}))
}

// Queued implements chorus.ConcernStore.
func (s *ConcernStore) Queued(ctx context.Context, submissionIDs []string) (map[string]bool, error) {
	if len(submissionIDs) == 0 {
		return map[string]bool{}, nil
	}
	return s.queued(ctx, bson.D{{Key: "submission_id", Value: bson.D{{Key: "$in", Value: submissionIDs}}}})
}

// QueuedAll implements chorus.ConcernStore.
func (s *ConcernStore) QueuedAll(ctx context.Context) (map[string]bool, error) {
	return s.queued(ctx, bson.D{})
}

func (s *ConcernStore) queued(ctx context.Context, filter bson.D) (map[string]bool, error) {
	ids, err := findAll(ctx, s.coll, "concerns", filter, func(d *concernDoc) string { return d.SubmissionID },
		options.Find().SetProjection(bson.D{{Key: "submission_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// EachRiskyResponse implements chorus.ConcernStore.
func (s *ConcernStore) EachRiskyResponse(ctx context.Context, fn func(*chorus.Response) error) error {
	return eachResponseWhere(ctx, s.responses, bson.D{{Key: "risky", Value: true}}, options.Find().SetBatchSize(500), fn)
}
