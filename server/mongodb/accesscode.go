package mongodb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chorus-voice/chorus/server/chorus"
)

func init() {
	registerIndexes("access_codes",
		mongo.IndexModel{Keys: bson.D{{Key: "session", Value: 1}}, Options: options.Index().SetUnique(true).SetName("session_unique")},
		mongo.IndexModel{Keys: bson.D{{Key: "survey", Value: 1}, {Key: "created_at", Value: -1}}, Options: options.Index().SetName("survey_created")})
}

// AccessCodeService stores group access codes in the access_codes collection.
type AccessCodeService struct{ db *DB }

// NewAccessCodeService returns an AccessCodeService on db.
func NewAccessCodeService(db *DB) *AccessCodeService { return &AccessCodeService{db: db} }

var _ chorus.AccessCodeService = (*AccessCodeService)(nil)

// accessCodeDoc is a stored access code. Its _id is the code itself: children's codes
// are looked up by it, and FerretDB answers only _id lookups from an index (the other
// lookups are by staff, on a small collection). The unique _id also refuses a code
// drawn twice.
type accessCodeDoc struct {
	Code      string    `bson:"_id"`
	Session   string    `bson:"session"`
	Survey    string    `bson:"survey"`
	Label     string    `bson:"label"`
	CreatedBy string    `bson:"created_by"`
	CreatedAt time.Time `bson:"created_at"`
	ExpiresAt time.Time `bson:"expires_at"`
	RevokedAt time.Time `bson:"revoked_at,omitempty"`
}

func (d *accessCodeDoc) code() *chorus.AccessCode {
	return &chorus.AccessCode{ID: d.Session, Survey: d.Survey, Code: d.Code, Label: d.Label, CreatedBy: d.CreatedBy,
		CreatedAt: d.CreatedAt, ExpiresAt: d.ExpiresAt, RevokedAt: d.RevokedAt}
}

func (s *AccessCodeService) coll() *mongo.Collection { return s.db.db.Collection("access_codes") }

// newSessionID returns 16 random hex characters: opaque, unlike an ObjectID, which
// carries its creation time.
func newSessionID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// CreateAccessCode stores c and sets its ID and CreatedAt; ECONFLICT if the code is
// taken.
func (s *AccessCodeService) CreateAccessCode(ctx context.Context, c *chorus.AccessCode) error {
	d := accessCodeDoc{Code: c.Code, Session: newSessionID(), Survey: c.Survey, Label: c.Label, CreatedBy: c.CreatedBy,
		CreatedAt: time.Now().UTC().Truncate(time.Millisecond), ExpiresAt: c.ExpiresAt.UTC()}
	if _, err := s.coll().InsertOne(ctx, d); err != nil {
		return translate("insert access code", err)
	}
	c.ID, c.CreatedAt = d.Session, d.CreatedAt
	return nil
}

// FindAccessCode returns ENOTFOUND if no code has that id.
func (s *AccessCodeService) FindAccessCode(ctx context.Context, id string) (*chorus.AccessCode, error) {
	return s.findOne(ctx, "session", id)
}

// FindAccessCodeByCode returns ENOTFOUND if no code is code.
func (s *AccessCodeService) FindAccessCodeByCode(ctx context.Context, code string) (*chorus.AccessCode, error) {
	return s.findOne(ctx, "_id", code)
}

func (s *AccessCodeService) findOne(ctx context.Context, field, value string) (*chorus.AccessCode, error) {
	var d accessCodeDoc
	err := s.coll().FindOne(ctx, bson.D{{Key: field, Value: bson.D{{Key: "$eq", Value: value}}}}).Decode(&d)
	if err = translate("find access code", err); chorus.ErrorCode(err) == chorus.ENOTFOUND {
		return nil, chorus.Errorf(chorus.ENOTFOUND, "No such code.")
	} else if err != nil {
		return nil, err
	}
	return d.code(), nil
}

// FindAccessCodes returns a survey's codes, newest first.
func (s *AccessCodeService) FindAccessCodes(ctx context.Context, survey string) ([]*chorus.AccessCode, error) {
	return findAll(ctx, s.coll(), "access codes", bson.D{{Key: "survey", Value: bson.D{{Key: "$eq", Value: survey}}}},
		(*accessCodeDoc).code, options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}}))
}

// RevokeAccessCode stops a code working; ENOTFOUND if there is no such code.
func (s *AccessCodeService) RevokeAccessCode(ctx context.Context, id string, at time.Time) error {
	c, err := s.FindAccessCode(ctx, id)
	if err != nil || !c.RevokedAt.IsZero() {
		return err
	}
	_, err = s.coll().UpdateOne(ctx, bson.D{{Key: "_id", Value: c.Code}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revoked_at", Value: at.UTC().Truncate(time.Millisecond)}}}})
	return translate("revoke access code", err)
}

// FindRevokedAccessCodes returns the ids of revoked codes that expire after after.
func (s *AccessCodeService) FindRevokedAccessCodes(ctx context.Context, after time.Time) ([]string, error) {
	return findAll(ctx, s.coll(), "revoked access codes", bson.D{
		{Key: "revoked_at", Value: bson.D{{Key: "$exists", Value: true}}},
		{Key: "expires_at", Value: bson.D{{Key: "$gt", Value: after.UTC()}}},
	}, func(d *accessCodeDoc) string { return d.Session }, options.Find().SetProjection(bson.D{{Key: "session", Value: 1}}))
}
