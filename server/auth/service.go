package auth

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
)

// Actor is who performs an account action, for the audit log.
type Actor struct {
	UserID string // empty for the command line or the system
	Via    string // "web", "api", "cli" or "system"
}

// Sign-in limits. A failure counts against the account at one address, the account
// anywhere, and the address for any account; any one over its limit refuses further
// tries (ETOOMANY) until old failures leave the window. The per-pair limit stops
// guessing one account; the wider ones stop spraying, while an attacker elsewhere
// needs many failures to lock a real user out.
const (
	limitWindow  = 15 * time.Minute
	limitPair    = 5
	limitAccount = 30
	limitAddress = 30
)

// Service manages staff accounts: sign-in, passwords, sessions, and the first admin.
// Every change is written to the audit log.
type Service struct {
	Users  chorus.UserService
	Audit  chorus.AuditService
	Hasher *Hasher
	// Now is the clock; tests move it.
	Now func() time.Time

	pair, account, address *Limiter

	dummyOnce sync.Once
	dummyHash string
}

// NewService returns a Service over the stores with hasher's password cost.
func NewService(users chorus.UserService, audit chorus.AuditService, hasher *Hasher) *Service {
	s := &Service{Users: users, Audit: audit, Hasher: hasher, Now: time.Now,
		pair:    NewLimiter(limitPair, limitWindow),
		account: NewLimiter(limitAccount, limitWindow),
		address: NewLimiter(limitAddress, limitWindow),
	}
	for _, l := range []*Limiter{s.pair, s.account, s.address} {
		l.Now = func() time.Time { return s.Now() }
	}
	return s
}

var errBadLogin = chorus.Errorf(chorus.EUNAUTHORIZED, "The email or password is not right.")

// Login checks email and password. address (the client's, as the web layer trusts it)
// is only a rate-limit key. It returns ETOOMANY after too many recent failures and
// EUNAUTHORIZED, with one message, for an unknown email, a wrong password or a
// disabled account, taking the same time for each.
func (s *Service) Login(ctx context.Context, email, password, address, via string) (*chorus.User, error) {
	email = chorus.NormalizeEmail(email)
	if err := s.checkLimits(email, address); err != nil {
		return nil, err
	}
	u, err := s.Users.FindUserByEmail(ctx, email)
	if chorus.ErrorCode(err) == chorus.ENOTFOUND {
		_, _, _ = s.Hasher.Verify(ctx, s.dummy(ctx), password)
		s.failed(email, address)
		// Nothing of what was typed is kept: a short unsalted hash of it could be
		// matched against a list of addresses.
		s.record(ctx, Actor{Via: via}, chorus.ActionSignInFailed, "account:unknown", "no account has that email")
		return nil, errBadLogin
	} else if err != nil {
		return nil, err
	}
	ok, rehash, err := s.Hasher.Verify(ctx, u.PasswordHash, password)
	if err != nil {
		return nil, fmt.Errorf("verify password of user %s: %w", u.ID, err)
	}
	if !ok || u.Disabled {
		s.failed(email, address)
		detail := "wrong password"
		if ok {
			detail = "account disabled"
		}
		s.record(ctx, Actor{Via: via}, chorus.ActionSignInFailed, "user:"+u.ID, detail)
		return nil, errBadLogin
	}
	s.pair.Reset(pairKey(email, address))
	now := s.Now()
	upd := chorus.UserUpdate{LastSignIn: &now}
	if rehash {
		if h, err := s.Hasher.Hash(ctx, password); err == nil {
			upd.PasswordHash = &h
		}
	}
	if u, err = s.Users.UpdateUser(ctx, u.ID, upd); err != nil {
		return nil, err
	}
	if err := s.Audit.RecordAudit(ctx, &chorus.AuditEntry{ActorID: u.ID, Via: via, Action: chorus.ActionSignIn, Object: "user:" + u.ID}); err != nil {
		return nil, err
	}
	return u, nil
}

func pairKey(email, address string) string { return "pair\x00" + email + "\x00" + address }

func (s *Service) checkLimits(email, address string) error {
	for _, c := range []struct {
		l   *Limiter
		key string
	}{{s.pair, pairKey(email, address)}, {s.account, "account\x00" + email}, {s.address, "address\x00" + address}} {
		if ok, _ := c.l.Allowed(c.key); !ok {
			return chorus.Errorf(chorus.ETOOMANY, "Too many tries. Please wait a few minutes and try again.")
		}
	}
	return nil
}

func (s *Service) failed(email, address string) {
	s.pair.Add(pairKey(email, address))
	s.account.Add("account\x00" + email)
	s.address.Add("address\x00" + address)
}

// dummy returns a hash of a random password with the service's cost, verified for
// unknown emails so that they take as long as known ones.
func (s *Service) dummy(ctx context.Context) string {
	s.dummyOnce.Do(func() { s.dummyHash, _ = s.Hasher.Hash(ctx, GeneratePassword()) })
	return s.dummyHash
}

// SessionUser returns the user a verified session belongs to. It returns
// EUNAUTHORIZED if the user is gone or disabled or the session was issued before the
// user's TokensValidAfter (signed out, sessions revoked, password changed).
func (s *Service) SessionUser(ctx context.Context, sess *Session) (*chorus.User, error) {
	u, err := s.Users.FindUserByID(ctx, sess.UserID)
	if chorus.ErrorCode(err) == chorus.ENOTFOUND {
		return nil, errToken(err)
	} else if err != nil {
		return nil, err
	}
	if u.Disabled || sess.IssuedAt.Before(u.TokensValidAfter) {
		return nil, errToken(fmt.Errorf("session of user %s revoked", u.ID))
	}
	return u, nil
}

// revokeAfter is a TokensValidAfter that refuses every token issued until now,
// including one issued within the current millisecond.
func (s *Service) revokeAfter() time.Time {
	return s.Now().Truncate(time.Millisecond).Add(time.Millisecond)
}

// SignOut ends every session of userID.
func (s *Service) SignOut(ctx context.Context, actor Actor, userID string) error {
	return s.revoke(ctx, actor, userID, chorus.ActionSignOut)
}

// RevokeSessions ends every session of userID: on every device, at once.
func (s *Service) RevokeSessions(ctx context.Context, actor Actor, userID string) error {
	return s.revoke(ctx, actor, userID, chorus.ActionSessionsRevoke)
}

func (s *Service) revoke(ctx context.Context, actor Actor, userID, action string) error {
	at := s.revokeAfter()
	if _, err := s.Users.UpdateUser(ctx, userID, chorus.UserUpdate{TokensValidAfter: &at}); err != nil {
		return err
	}
	return s.record(ctx, actor, action, "user:"+userID, "")
}

// ChangePassword sets u's password to next after checking current, clears "must
// change" and ends every session (the caller issues a new one for this device). A
// wrong current password counts as a failed sign-in. It returns EINVALID with fields
// "current" or "password", or ETOOMANY.
func (s *Service) ChangePassword(ctx context.Context, actor Actor, u *chorus.User, current, next, address string) (*chorus.User, error) {
	if err := s.checkLimits(u.Email, address); err != nil {
		return nil, err
	}
	ok, _, err := s.Hasher.Verify(ctx, u.PasswordHash, current)
	if err != nil {
		return nil, fmt.Errorf("verify password of user %s: %w", u.ID, err)
	}
	if !ok {
		s.failed(u.Email, address)
		return nil, chorus.Invalid("Check your passwords.", map[string]string{"current": "Your current password is not right."})
	}
	if err := CheckPassword(next, u.Email); err != nil {
		return nil, err
	}
	if next == current {
		return nil, chorus.Invalid("Choose a different password.", map[string]string{"password": "Choose a password different from your current one."})
	}
	hash, err := s.Hasher.Hash(ctx, next)
	if err != nil {
		return nil, err
	}
	at, no := s.revokeAfter(), false
	if u, err = s.Users.UpdateUser(ctx, u.ID, chorus.UserUpdate{PasswordHash: &hash, MustChangePassword: &no, TokensValidAfter: &at}); err != nil {
		return nil, err
	}
	return u, s.record(ctx, actor, chorus.ActionPasswordChange, "user:"+u.ID, "")
}

// CreateUser validates and stores u with password, or with a generated one-time
// password (returned, and marked "must change") when password is empty. It returns
// EINVALID with per-field messages, including for an email already in use.
func (s *Service) CreateUser(ctx context.Context, actor Actor, u *chorus.User, password string) (oneTime string, err error) {
	if err := u.Validate(); err != nil {
		return "", err
	}
	if password == "" {
		password = GeneratePassword()
		oneTime = password
		u.MustChangePassword = true
	} else if err := CheckPassword(password, u.Email); err != nil {
		return "", err
	}
	if u.PasswordHash, err = s.Hasher.Hash(ctx, password); err != nil {
		return "", err
	}
	if err := s.Users.CreateUser(ctx, u); chorus.ErrorCode(err) == chorus.ECONFLICT {
		return "", chorus.Invalid("Check the details.", map[string]string{"email": "There is already an account with this email."})
	} else if err != nil {
		return "", err
	}
	return oneTime, s.record(ctx, actor, chorus.ActionUserCreate, "user:"+u.ID, describe(u))
}

func describe(u *chorus.User) string {
	d := "role " + string(u.Role)
	if len(u.Areas) > 0 {
		d += ", areas " + strings.Join(u.Areas, " ")
	}
	return d
}

// UpdateUser changes a user's name, role and areas. Nobody may change their own role.
// It returns ENOTFOUND or EINVALID.
func (s *Service) UpdateUser(ctx context.Context, actor Actor, id, name string, role chorus.Role, areas []string) (*chorus.User, error) {
	old, err := s.Users.FindUserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	u := *old
	u.Name, u.Role, u.Areas = name, role, areas
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if actor.UserID == id && role != old.Role {
		return nil, chorus.Invalid("Check the details.", map[string]string{"role": "You can't change your own role."})
	}
	if areas == nil {
		areas = []string{}
	}
	updated, err := s.Users.UpdateUser(ctx, id, chorus.UserUpdate{Name: &u.Name, Role: &u.Role, Areas: &areas})
	if err != nil {
		return nil, err
	}
	detail := describe(old) + " → " + describe(updated)
	if old.Role == updated.Role && slices.Equal(old.Areas, updated.Areas) {
		detail = "name"
	}
	return updated, s.record(ctx, actor, chorus.ActionUserUpdate, "user:"+id, detail)
}

// SetDisabled disables (ending every session at once) or enables a user. Nobody may
// disable themselves. It returns ENOTFOUND or EINVALID.
func (s *Service) SetDisabled(ctx context.Context, actor Actor, id string, disabled bool) (*chorus.User, error) {
	if disabled && actor.UserID == id {
		return nil, chorus.Invalid("You can't disable your own account.", nil)
	}
	upd := chorus.UserUpdate{Disabled: &disabled}
	action := chorus.ActionUserEnable
	if disabled {
		at := s.revokeAfter()
		upd.TokensValidAfter, action = &at, chorus.ActionUserDisable
	}
	u, err := s.Users.UpdateUser(ctx, id, upd)
	if err != nil {
		return nil, err
	}
	return u, s.record(ctx, actor, action, "user:"+id, "")
}

// ResetPassword gives a user a new password — password, or a generated one that it
// returns when password is empty — which they must change at their next sign-in, and
// ends their sessions. It returns ENOTFOUND or EINVALID.
func (s *Service) ResetPassword(ctx context.Context, actor Actor, id, password string) (oneTime string, u *chorus.User, err error) {
	if u, err = s.Users.FindUserByID(ctx, id); err != nil {
		return "", nil, err
	}
	if password == "" {
		password = GeneratePassword()
		oneTime = password
	} else if err := CheckPassword(password, u.Email); err != nil {
		return "", nil, err
	}
	hash, err := s.Hasher.Hash(ctx, password)
	if err != nil {
		return "", nil, err
	}
	at, yes := s.revokeAfter(), true
	if u, err = s.Users.UpdateUser(ctx, id, chorus.UserUpdate{PasswordHash: &hash, MustChangePassword: &yes, TokensValidAfter: &at}); err != nil {
		return "", nil, err
	}
	return oneTime, u, s.record(ctx, actor, chorus.ActionPasswordReset, "user:"+id, "")
}

// EnsureFirstAdmin creates an admin with email and a one-time password, and returns
// the password, if there are no users at all; otherwise it returns "". When several
// instances start at once only one creates the admin.
func (s *Service) EnsureFirstAdmin(ctx context.Context, email string) (string, error) {
	n, err := s.Users.CountUsers(ctx)
	if err != nil || n > 0 {
		return "", err
	}
	u := &chorus.User{Email: email, Name: "First admin", Role: chorus.RoleAdmin}
	if err := u.Validate(); err != nil {
		return "", fmt.Errorf("first admin's email: %s", chorus.ErrorFields(err)["email"])
	}
	password, err := s.CreateUser(ctx, Actor{Via: "system"}, u, "")
	if chorus.ErrorFields(err)["email"] != "" {
		return "", nil // the email is valid, so it is taken: another instance created it first
	}
	return password, err
}

// record writes an audit entry. Failed sign-ins are recorded best-effort: a store
// outage must not change the answer a guesser sees.
func (s *Service) record(ctx context.Context, actor Actor, action, object, detail string) error {
	err := s.Audit.RecordAudit(ctx, &chorus.AuditEntry{ActorID: actor.UserID, Via: actor.Via, Action: action, Object: object, Detail: detail})
	if action == chorus.ActionSignInFailed {
		return nil
	}
	return err
}
