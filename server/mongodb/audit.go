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
	registerIndexes("audit",
		mongo.IndexModel{Keys: bson.D{{Key: "time", Value: -1}}, Options: options.Index().SetName("time")},
		mongo.IndexModel{Keys: bson.D{{Key: "action", Value: 1}, {Key: "time", Value: -1}}, Options: options.Index().SetName("action_time")},
		mongo.IndexModel{Keys: bson.D{{Key: "object", Value: 1}, {Key: "time", Value: -1}}, Options: options.Index().SetName("object_time")})
}

// AuditService stores the audit log in the audit collection.
type AuditService struct{ db *DB }

// NewAuditService returns an AuditService on db.
func NewAuditService(db *DB) *AuditService { return &AuditService{db: db} }

var _ chorus.AuditService = (*AuditService)(nil)

type auditDoc struct {
	ID      bson.ObjectID `bson:"_id"`
	Time    time.Time     `bson:"time"`
	ActorID string        `bson:"actor_id,omitempty"`
	Via     string        `bson:"via"`
	Action  string        `bson:"action"`
	Object  string        `bson:"object,omitempty"`
	Detail  string        `bson:"detail,omitempty"`
}

// RecordAudit stores e, setting its ID and, if zero, its Time.
func (s *AuditService) RecordAudit(ctx context.Context, e *chorus.AuditEntry) error {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	id := bson.NewObjectID()
	if e.Time.Equal(day(e.Time)) {
		id = dayID(e.Time) // an entry kept to the day (it names a response) gets an id without the time
	}
	d := auditDoc{ID: id, Time: e.Time.UTC().Truncate(time.Millisecond), ActorID: e.ActorID,
		Via: e.Via, Action: e.Action, Object: e.Object, Detail: e.Detail}
	if _, err := s.db.db.Collection("audit").InsertOne(ctx, d); err != nil {
		return translate("insert audit entry", err)
	}
	e.ID, e.Time = d.ID.Hex(), d.Time
	return nil
}

// FindAudit returns the entries matching f, newest first.
func (s *AuditService) FindAudit(ctx context.Context, f chorus.AuditFilter) ([]*chorus.AuditEntry, error) {
	filter := bson.D{}
	eq := func(key, v string) {
		if v != "" {
			filter = append(filter, bson.E{Key: key, Value: bson.D{{Key: "$eq", Value: v}}})
		}
	}
	eq("action", f.Action)
	eq("actor_id", f.ActorID)
	eq("object", f.Object)
	opts := options.Find().SetSort(bson.D{{Key: "time", Value: -1}, {Key: "_id", Value: -1}})
	switch {
	case !f.Before.IsZero() && f.SeenAtBefore > 0:
		// Newest first, so the entries at Before come first: skip those already seen.
		filter = append(filter, bson.E{Key: "time", Value: bson.D{{Key: "$lte", Value: f.Before.UTC()}}})
		opts.SetSkip(int64(f.SeenAtBefore))
	case !f.Before.IsZero():
		filter = append(filter, bson.E{Key: "time", Value: bson.D{{Key: "$lt", Value: f.Before.UTC()}}})
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	return findAll(ctx, s.db.db.Collection("audit"), "audit entries", filter, func(d *auditDoc) *chorus.AuditEntry {
		return &chorus.AuditEntry{ID: d.ID.Hex(), Time: d.Time, ActorID: d.ActorID, Via: d.Via,
			Action: d.Action, Object: d.Object, Detail: d.Detail}
	}, opts.SetLimit(int64(limit)))
}
