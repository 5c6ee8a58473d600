package mongodb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chorus-voice/chorus/server/chorus"
)

func init() {
	registerIndexes("aggregate_deltas",
		mongo.IndexModel{Keys: bson.D{{Key: "survey", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("survey_id")},
		mongo.IndexModel{Keys: bson.D{{Key: "day", Value: 1}}, Options: options.Index().SetName("day")})
}

// AggregateStore keeps the results counts' records — one delta document per stored
// batch and survey in aggregate_deltas, one snapshot per survey in aggregate_snapshots
// — and reads the responses they count. It stores and reads records as they are; the
// counting, caching and coordination are the results package's (results.Counter).
type AggregateStore struct {
	db                           *DB
	deltas, snapshots, responses *mongo.Collection
}

// NewAggregateStore returns the aggregate records kept in db.
func NewAggregateStore(db *DB) *AggregateStore {
	return &AggregateStore{db: db, deltas: db.db.Collection("aggregate_deltas"),
		snapshots: db.db.Collection("aggregate_snapshots"), responses: db.db.Collection("responses")}
}

// deltaDoc is one batch's counts for one survey. Its id says only the day (dayID).
type deltaDoc struct {
	ID     bson.ObjectID `bson:"_id"`
	Survey string        `bson:"survey"`
	Layout int           `bson:"layout"`
	N      int64         `bson:"n"`
	Slots  []string      `bson:"slots"`
	Keys   []string      `bson:"keys"`
	Data   []byte        `bson:"data"`
	// Day is the UTC day it was written: the poll reads deltas by it (ids carry
	// nothing finer than the day, and do not sort by time within it).
	Day string `bson:"day"`
}

func (d *deltaDoc) record() *chorus.DeltaRecord {
	return &chorus.DeltaRecord{ID: d.ID.Hex(), At: d.ID.Timestamp(), Survey: d.Survey, Layout: d.Layout, N: d.N,
		Slots: d.Slots, Keys: d.Keys, Data: d.Data}
}

// snapshotDoc is a survey's counts up to the deltas it covers.
type snapshotDoc struct {
	Survey string          `bson:"_id"`
	Gen    int64           `bson:"gen"`
	Layout int             `bson:"layout"`
	N      int64           `bson:"n"`
	Covers []bson.ObjectID `bson:"covers"`
	Slots  []string        `bson:"slots"`
	Keys   []string        `bson:"keys"`
	Data   []byte          `bson:"data"`
	At     time.Time       `bson:"at"`
}

func (d *snapshotDoc) record() *chorus.SnapshotRecord {
	covers := make([]string, len(d.Covers))
	for i, id := range d.Covers {
		covers[i] = id.Hex()
	}
	return &chorus.SnapshotRecord{Survey: d.Survey, Gen: d.Gen, Layout: d.Layout, N: d.N, Covers: covers,
		Slots: d.Slots, Keys: d.Keys, Data: d.Data, At: d.At}
}

// objectIDs parses delta ids; ids that are not ObjectIds name no delta and are left out.
func objectIDs(ids []string) []bson.ObjectID {
	out := make([]bson.ObjectID, 0, len(ids))
	for _, s := range ids {
		if id, err := bson.ObjectIDFromHex(s); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// Shared reports whether other instances may write to the store: not to the embedded
// store, which lives inside this process.
func (s *AggregateStore) Shared() bool { return !s.db.Embedded() }

// WaitReady returns once the store answers.
func (s *AggregateStore) WaitReady(ctx context.Context) error { return s.db.WaitReady(ctx) }

// InsertDelta stores a delta and sets its id and time.
func (s *AggregateStore) InsertDelta(ctx context.Context, d *chorus.DeltaRecord) error {
	now := time.Now()
	doc := &deltaDoc{ID: dayID(now), Survey: d.Survey, Layout: d.Layout, N: d.N, Slots: d.Slots, Keys: d.Keys, Data: d.Data,
		Day: day(now).Format(time.DateOnly)}
	if _, err := s.deltas.InsertOne(ctx, doc); err != nil {
		return translate("insert aggregate delta", err)
	}
	d.ID, d.At = doc.ID.Hex(), doc.ID.Timestamp()
	return nil
}

func (s *AggregateStore) eachDelta(ctx context.Context, filter bson.D, fn func(*chorus.DeltaRecord) error) error {
	cur, err := s.deltas.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetBatchSize(200))
	if err != nil {
		return translate("find aggregate deltas", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var doc deltaDoc
		if err := cur.Decode(&doc); err != nil {
			return fmt.Errorf("decode aggregate delta: %w", err)
		}
		if err := fn(doc.record()); err != nil {
			return err
		}
	}
	return translate("read aggregate deltas", cur.Err())
}

// EachDelta calls fn with each delta of survey ("" for all), oldest first.
func (s *AggregateStore) EachDelta(ctx context.Context, survey string, fn func(*chorus.DeltaRecord) error) error {
	filter := bson.D{}
	if survey != "" {
		filter = bson.D{{Key: "survey", Value: survey}}
	}
	return s.eachDelta(ctx, filter, fn)
}

// EachDeltaSince calls fn with each delta written at or after since, oldest first.
func (s *AggregateStore) EachDeltaSince(ctx context.Context, since time.Time, fn func(*chorus.DeltaRecord) error) error {
	return s.eachDelta(ctx, bson.D{{Key: "day", Value: bson.D{{Key: "$gte", Value: day(since).Format(time.DateOnly)}}}}, fn)
}

// DeltaIDs returns the ids of a survey's deltas.
func (s *AggregateStore) DeltaIDs(ctx context.Context, survey string) ([]string, error) {
	cur, err := s.deltas.Find(ctx, bson.D{{Key: "survey", Value: survey}}, options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, translate("find aggregate deltas", err)
	}
	var docs []struct {
		ID bson.ObjectID `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate("read aggregate deltas", err)
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID.Hex()
	}
	return ids, nil
}

// DeltaSurveys returns the surveys with deltas.
func (s *AggregateStore) DeltaSurveys(ctx context.Context) ([]string, error) {
	return distinct(ctx, s.deltas, "survey")
}

// DeleteDeltas deletes the deltas with those ids.
func (s *AggregateStore) DeleteDeltas(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.deltas.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: objectIDs(ids)}}}})
	return translate("delete aggregate deltas", err)
}

// Snapshots returns the snapshot of survey, or of every survey for "".
func (s *AggregateStore) Snapshots(ctx context.Context, survey string) ([]*chorus.SnapshotRecord, error) {
	filter := bson.D{}
	if survey != "" {
		filter = bson.D{{Key: "_id", Value: survey}}
	}
	return findAll(ctx, s.snapshots, "aggregate snapshots", filter, (*snapshotDoc).record)
}

// SnapshotGens returns each survey's snapshot generation.
func (s *AggregateStore) SnapshotGens(ctx context.Context) (map[string]int64, error) {
	cur, err := s.snapshots.Find(ctx, bson.D{}, options.Find().SetProjection(bson.D{{Key: "gen", Value: 1}}))
	if err != nil {
		return nil, translate("find aggregate snapshots", err)
	}
	var heads []struct {
		Survey string `bson:"_id"`
		Gen    int64  `bson:"gen"`
	}
	if err := cur.All(ctx, &heads); err != nil {
		return nil, translate("read aggregate snapshots", err)
	}
	gens := make(map[string]int64, len(heads))
	for _, h := range heads {
		gens[h.Survey] = h.Gen
	}
	return gens, nil
}

// errStale means the snapshot changed under a replacement.
var errStale = chorus.Errorf(chorus.ECONFLICT, "The counts changed meanwhile.")

// ReplaceSnapshot stores rec if its survey's snapshot is still at generation gen (0:
// there is none; -1: whatever there is), and sets rec.Gen; ECONFLICT otherwise.
func (s *AggregateStore) ReplaceSnapshot(ctx context.Context, rec *chorus.SnapshotRecord, gen int64) error {
	doc := &snapshotDoc{Survey: rec.Survey, Gen: max(gen, 0) + 1, Layout: rec.Layout, N: rec.N, Covers: objectIDs(rec.Covers),
		Slots: rec.Slots, Keys: rec.Keys, Data: rec.Data, At: day(rec.At)}
	switch {
	case gen < 0:
		var cur struct {
			Gen int64 `bson:"gen"`
		}
		err := s.snapshots.FindOne(ctx, bson.D{{Key: "_id", Value: rec.Survey}}).Decode(&cur)
		if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return translate("find aggregate snapshot", err)
		}
		doc.Gen = cur.Gen + 1
		if _, err = s.snapshots.ReplaceOne(ctx, bson.D{{Key: "_id", Value: rec.Survey}}, doc, options.Replace().SetUpsert(true)); err != nil {
			return translate("replace aggregate snapshot", err)
		}
	case gen == 0:
		_, err := s.snapshots.InsertOne(ctx, doc)
		if mongo.IsDuplicateKeyError(err) {
			return errStale
		}
		if err != nil {
			return translate("insert aggregate snapshot", err)
		}
	default:
		res, err := s.snapshots.ReplaceOne(ctx, bson.D{{Key: "_id", Value: rec.Survey}, {Key: "gen", Value: gen}}, doc)
		if err != nil {
			return translate("replace aggregate snapshot", err)
		}
		if res.MatchedCount == 0 {
			return errStale
		}
	}
	rec.Gen = doc.Gen
	return nil
}

// Lease takes a lease (see DB.Lease).
func (s *AggregateStore) Lease(ctx context.Context, name string, d time.Duration) (func(), bool, error) {
	return s.db.Lease(ctx, name, d)
}

// ResponseSurveys returns the surveys with stored responses.
func (s *AggregateStore) ResponseSurveys(ctx context.Context) ([]string, error) {
	return distinct(ctx, s.responses, "survey")
}

// CountResponses returns the number of a survey's stored responses.
func (s *AggregateStore) CountResponses(ctx context.Context, survey string) (int64, error) {
	n, err := s.responses.CountDocuments(ctx, bson.D{{Key: "survey", Value: survey}})
	return n, translate("count responses", err)
}

// EachResponse streams a survey's stored responses.
func (s *AggregateStore) EachResponse(ctx context.Context, survey string, fn func(*chorus.Response) error) error {
	return eachResponse(ctx, s.responses, survey, fn)
}

func distinct(ctx context.Context, coll *mongo.Collection, field string) ([]string, error) {
	// FerretDB v1 refuses the maxTimeMS the driver adds to distinct under a deadline.
	res := coll.Distinct(context.WithoutCancel(ctx), field, bson.D{})
	if err := res.Err(); err != nil {
		return nil, translate("distinct "+field, err)
	}
	var out []string
	if err := res.Decode(&out); err != nil {
		return nil, fmt.Errorf("decode distinct %s: %w", field, err)
	}
	return out, nil
}
