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
	registerIndexes("users",
		mongo.IndexModel{Keys: bson.D{{Key: "email", Value: 1}}, Options: options.Index().SetUnique(true).SetName("email_unique")})
	registerIndexes("share_links",
		mongo.IndexModel{Keys: bson.D{{Key: "briefing_id", Value: 1}}, Options: options.Index().SetName("briefing")})
}

// UserService stores staff accounts in the users collection.
type UserService struct{ db *DB }

// NewUserService returns a UserService on db.
func NewUserService(db *DB) *UserService { return &UserService{db: db} }

var _ chorus.UserService = (*UserService)(nil)

type userDoc struct {
	ID                 bson.ObjectID `bson:"_id"`
	Email              string        `bson:"email"`
	Name               string        `bson:"name"`
	Role               string        `bson:"role"`
	Areas              []string      `bson:"areas"`
	Disabled           bool          `bson:"disabled"`
	MustChangePassword bool          `bson:"must_change_password"`
	PasswordHash       string        `bson:"password_hash"`
	TokensValidAfter   time.Time     `bson:"tokens_valid_after,omitempty"`
	CreatedAt          time.Time     `bson:"created_at"`
	UpdatedAt          time.Time     `bson:"updated_at"`
	LastSignIn         time.Time     `bson:"last_sign_in,omitempty"`
}

func (d *userDoc) user() *chorus.User {
	areas := d.Areas
	if len(areas) == 0 {
		areas = nil
	}
	return &chorus.User{
		ID: d.ID.Hex(), Email: d.Email, Name: d.Name, Role: chorus.Role(d.Role), Areas: areas,
		Disabled: d.Disabled, MustChangePassword: d.MustChangePassword, PasswordHash: d.PasswordHash,
		TokensValidAfter: d.TokensValidAfter, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, LastSignIn: d.LastSignIn,
	}
}

func (s *UserService) coll() *mongo.Collection { return s.db.db.Collection("users") }

// FindUserByID returns ENOTFOUND if no user has that id.
func (s *UserService) FindUserByID(ctx context.Context, id string) (*chorus.User, error) {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return nil, chorus.Errorf(chorus.ENOTFOUND, "No such user.")
	}
	return s.findOne(ctx, bson.D{{Key: "_id", Value: oid}})
}

// FindUserByEmail normalises email and returns ENOTFOUND if no user has it.
func (s *UserService) FindUserByEmail(ctx context.Context, email string) (*chorus.User, error) {
	return s.findOne(ctx, bson.D{{Key: "email", Value: bson.D{{Key: "$eq", Value: chorus.NormalizeEmail(email)}}}})
}

func (s *UserService) findOne(ctx context.Context, filter bson.D) (*chorus.User, error) {
	var d userDoc
	if err := s.coll().FindOne(ctx, filter).Decode(&d); err != nil {
		if err = translate("find user", err); chorus.ErrorCode(err) == chorus.ENOTFOUND {
			return nil, chorus.Errorf(chorus.ENOTFOUND, "No such user.")
		}
		return nil, err
	}
	return d.user(), nil
}

// FindUsers returns every user, ordered by email.
func (s *UserService) FindUsers(ctx context.Context) ([]*chorus.User, error) {
	return findAll(ctx, s.coll(), "users", bson.D{}, (*userDoc).user, options.Find().SetSort(bson.D{{Key: "email", Value: 1}}))
}

// CountUsers returns how many users there are.
func (s *UserService) CountUsers(ctx context.Context) (int, error) {
	n, err := s.coll().CountDocuments(ctx, bson.D{})
	return int(n), translate("count users", err)
}

// CreateUser stores u and sets its ID and times; ECONFLICT if the email is taken.
func (s *UserService) CreateUser(ctx context.Context, u *chorus.User) error {
	now := time.Now().UTC().Truncate(time.Millisecond)
	areas := u.Areas
	if areas == nil {
		areas = []string{}
	}
	d := userDoc{
		ID: bson.NewObjectID(), Email: chorus.NormalizeEmail(u.Email), Name: u.Name, Role: string(u.Role),
		Areas: areas, Disabled: u.Disabled, MustChangePassword: u.MustChangePassword,
		PasswordHash: u.PasswordHash, TokensValidAfter: u.TokensValidAfter, CreatedAt: now, UpdatedAt: now,
	}
	if _, err := s.coll().InsertOne(ctx, d); err != nil {
		// The driver's duplicate-key message quotes the email: keep only the code.
		if mongo.IsDuplicateKeyError(err) {
			return chorus.Errorf(chorus.ECONFLICT, "There is already an account with this email.")
		}
		return translate("insert user", err)
	}
	u.ID, u.Email, u.CreatedAt, u.UpdatedAt = d.ID.Hex(), d.Email, now, now
	return nil
}

// UpdateUser applies upd and returns the user as it now is; ENOTFOUND if no such user.
func (s *UserService) UpdateUser(ctx context.Context, id string, upd chorus.UserUpdate) (*chorus.User, error) {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return nil, chorus.Errorf(chorus.ENOTFOUND, "No such user.")
	}
	set := bson.D{{Key: "updated_at", Value: time.Now().UTC()}}
	add := func(key string, v any) { set = append(set, bson.E{Key: key, Value: v}) }
	if upd.Name != nil {
		add("name", *upd.Name)
	}
	if upd.Role != nil {
		add("role", string(*upd.Role))
	}
	if upd.Areas != nil {
		areas := *upd.Areas
		if areas == nil {
			areas = []string{}
		}
		add("areas", areas)
	}
	if upd.Disabled != nil {
		add("disabled", *upd.Disabled)
	}
	if upd.MustChangePassword != nil {
		add("must_change_password", *upd.MustChangePassword)
	}
	if upd.PasswordHash != nil {
		add("password_hash", *upd.PasswordHash)
	}
	if upd.TokensValidAfter != nil {
		add("tokens_valid_after", upd.TokensValidAfter.UTC())
	}
	if upd.LastSignIn != nil {
		add("last_sign_in", upd.LastSignIn.UTC())
	}
	var d userDoc
	err = s.coll().FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: oid}}, bson.D{{Key: "$set", Value: set}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
	if err != nil {
		if err = translate("update user", err); chorus.ErrorCode(err) == chorus.ENOTFOUND {
			return nil, chorus.Errorf(chorus.ENOTFOUND, "No such user.")
		}
		return nil, err
	}
	return d.user(), nil
}

// ShareLinkService stores briefing share links in the share_links collection.
type ShareLinkService struct{ db *DB }

// NewShareLinkService returns a ShareLinkService on db.
func NewShareLinkService(db *DB) *ShareLinkService { return &ShareLinkService{db: db} }

var _ chorus.ShareLinkService = (*ShareLinkService)(nil)

type shareLinkDoc struct {
	ID         bson.ObjectID `bson:"_id"`
	BriefingID string        `bson:"briefing_id"`
	CreatedBy  string        `bson:"created_by"`
	CreatedAt  time.Time     `bson:"created_at"`
	ExpiresAt  time.Time     `bson:"expires_at"`
	RevokedAt  time.Time     `bson:"revoked_at,omitempty"`
}

func (d *shareLinkDoc) link() *chorus.ShareLink {
	return &chorus.ShareLink{ID: d.ID.Hex(), BriefingID: d.BriefingID, CreatedBy: d.CreatedBy,
		CreatedAt: d.CreatedAt, ExpiresAt: d.ExpiresAt, RevokedAt: d.RevokedAt}
}

func (s *ShareLinkService) coll() *mongo.Collection { return s.db.db.Collection("share_links") }

// CreateShareLink stores l and sets its ID and CreatedAt.
func (s *ShareLinkService) CreateShareLink(ctx context.Context, l *chorus.ShareLink) error {
	d := shareLinkDoc{ID: bson.NewObjectID(), BriefingID: l.BriefingID, CreatedBy: l.CreatedBy,
		CreatedAt: time.Now().UTC().Truncate(time.Millisecond), ExpiresAt: l.ExpiresAt.UTC()}
	if _, err := s.coll().InsertOne(ctx, d); err != nil {
		return translate("insert share link", err)
	}
	l.ID, l.CreatedAt = d.ID.Hex(), d.CreatedAt
	return nil
}

// FindShareLink returns ENOTFOUND if no link has that id.
func (s *ShareLinkService) FindShareLink(ctx context.Context, id string) (*chorus.ShareLink, error) {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return nil, chorus.Errorf(chorus.ENOTFOUND, "No such link.")
	}
	var d shareLinkDoc
	if err := s.coll().FindOne(ctx, bson.D{{Key: "_id", Value: oid}}).Decode(&d); err != nil {
		return nil, translate("find share link", err)
	}
	return d.link(), nil
}

// FindShareLinks returns the links of a briefing, newest first.
func (s *ShareLinkService) FindShareLinks(ctx context.Context, briefingID string) ([]*chorus.ShareLink, error) {
	return findAll(ctx, s.coll(), "share links", bson.D{{Key: "briefing_id", Value: bson.D{{Key: "$eq", Value: briefingID}}}},
		(*shareLinkDoc).link, options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}}))
}

// RevokeShareLink stops a link working; ENOTFOUND if there is no such link.
func (s *ShareLinkService) RevokeShareLink(ctx context.Context, id string, at time.Time) error {
	l, err := s.FindShareLink(ctx, id)
	if err != nil || !l.RevokedAt.IsZero() {
		return err
	}
	oid, _ := bson.ObjectIDFromHex(id)
	_, err = s.coll().UpdateOne(ctx, bson.D{{Key: "_id", Value: oid}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revoked_at", Value: at.UTC()}}}})
	return translate("revoke share link", err)
}
