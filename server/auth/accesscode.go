package auth

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
)

// Defaults for AccessCodes.
const (
	// RevokedRefresh is how often the revoked codes are read again from the store, so
	// that a code revoked on another instance stops working there within this long.
	RevokedRefresh = 30 * time.Second
	// Wrong codes allowed from one client address in codeGuessWindow.
	codeGuesses     = 30
	codeGuessWindow = 10 * time.Minute
	// createTries is how many codes Create draws before giving up on collisions.
	createTries = 5
)

// AccessCodes makes, lists and revokes the group access codes of surveys that need
// one, turns a code into a submit token (Grant), and checks a submit token (Verify).
//
// Verify is on every submission's path, so it never waits for the store: a token is
// checked by its signature, and revocation against the ids of revoked codes held in
// memory, read from the store every RefreshEvery and updated at once by Revoke.
type AccessCodes struct {
	Store  chorus.AccessCodeService
	Tokens *Tokens
	Log    *slog.Logger
	// Now is the clock; tests move it.
	Now func() time.Time
	// RefreshEvery is how often the revoked codes are read; 0 means RevokedRefresh.
	RefreshEvery time.Duration

	guesses *Limiter
	// revoked holds the ids of revoked codes; nil until first read.
	revoked atomic.Pointer[map[string]bool]
	// mu serialises refreshes with Revoke's update, so a refresh that read the store
	// just before a revocation cannot drop it.
	mu sync.Mutex
}

// NewAccessCodes returns AccessCodes on store, signing with tokens.
func NewAccessCodes(store chorus.AccessCodeService, tokens *Tokens, log *slog.Logger) *AccessCodes {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &AccessCodes{Store: store, Tokens: tokens, Log: log, Now: time.Now,
		guesses: NewLimiter(codeGuesses, codeGuessWindow)}
}

// Create makes a code for survey, which must need one: label and days as
// chorus.NewAccessCode checks them (EINVALID with Fields "label" or "days"), created
// by the user with id by.
func (a *AccessCodes) Create(ctx context.Context, sv *chorus.Survey, label string, days int, by string) (*chorus.AccessCode, error) {
	if !sv.NeedsCode() {
		return nil, chorus.Errorf(chorus.EINVALID, "Anyone with the link can answer this survey, so it takes no codes. To use codes, set access: code in its file and reload the surveys.")
	}
	for range createTries {
		c, err := chorus.NewAccessCode(sv.ID, label, days, a.Now())
		if err != nil {
			return nil, err
		}
		c.CreatedBy = by
		err = a.Store.CreateAccessCode(ctx, c)
		if chorus.ErrorCode(err) == chorus.ECONFLICT {
			continue // the same code was drawn before: draw again
		}
		return c, err
	}
	return nil, chorus.Errorf(chorus.EINTERNAL, "No free code was found.")
}

// List returns a survey's codes, newest first.
func (a *AccessCodes) List(ctx context.Context, survey string) ([]*chorus.AccessCode, error) {
	return a.Store.FindAccessCodes(ctx, survey)
}

// Find returns a survey's code with the id; ENOTFOUND if it has none.
func (a *AccessCodes) Find(ctx context.Context, survey, id string) (*chorus.AccessCode, error) {
	c, err := a.Store.FindAccessCode(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.Survey != survey {
		return nil, chorus.Errorf(chorus.ENOTFOUND, "No such code.")
	}
	return c, nil
}

// Revoke stops a survey's code working, and the submit tokens it granted, at once on
// this instance and within RefreshEvery on others. It returns the code as it now is;
// ENOTFOUND if the survey has no such code.
func (a *AccessCodes) Revoke(ctx context.Context, survey, id string) (*chorus.AccessCode, error) {
	c, err := a.Find(ctx, survey, id)
	if err != nil {
		return nil, err
	}
	if c.RevokedAt.IsZero() {
		at := a.Now().UTC().Truncate(time.Millisecond) // as the store keeps it
		if err := a.Store.RevokeAccessCode(ctx, c.ID, at); err != nil {
			return nil, err
		}
		c.RevokedAt = at
	}
	a.mu.Lock()
	ids := map[string]bool{c.ID: true}
	if old := a.revoked.Load(); old != nil {
		for id := range *old {
			ids[id] = true
		}
	}
	a.revoked.Store(&ids)
	a.mu.Unlock()
	return c, nil
}

// Grant checks a code a child typed for a survey and returns a submit token for its
// group session, and when the token expires. client (the caller's address, hashed,
// kept in memory only) limits wrong guesses. It returns EINVALID with Fields "code"
// for a code that is malformed, unknown, another survey's, expired or revoked, and
// ETOOMANY (with Fields "code" too) after too many wrong codes.
func (a *AccessCodes) Grant(ctx context.Context, sv *chorus.Survey, typed, client string) (string, time.Time, error) {
	if ok, _ := a.guesses.Allowed(client); !ok {
		return "", time.Time{}, &chorus.Error{Code: chorus.ETOOMANY, Message: chorus.MsgCodeTooMany,
			Fields: map[string]string{"code": chorus.MsgCodeTooMany}}
	}
	wrong := func() (string, time.Time, error) {
		a.guesses.Add(client)
		return "", time.Time{}, chorus.Invalid(chorus.MsgCodeWrong, map[string]string{"code": chorus.MsgCodeWrong})
	}
	code, ok := chorus.NormalizeAccessCode(typed)
	if !ok {
		return wrong()
	}
	c, err := a.Store.FindAccessCodeByCode(ctx, code)
	switch {
	case chorus.ErrorCode(err) == chorus.ENOTFOUND || err == nil && c.Survey != sv.ID:
		return wrong()
	case err != nil:
		return "", time.Time{}, err
	}
	stopped := chorus.Invalid(chorus.MsgCodeStopped, map[string]string{"code": chorus.MsgCodeStopped})
	if !c.Active(a.Now()) {
		return "", time.Time{}, stopped
	}
	tok, exp, err := a.Tokens.IssueSubmit(sv.ID, c.ID, c.ExpiresAt)
	if err != nil {
		return "", time.Time{}, stopped // the code expires within the clocks' leeway
	}
	return tok, exp, nil
}

// Verify checks a submit token for survey and returns the group session it names.
// It returns EINVALID with Fields "token" when the token is missing, forged, for
// another survey, expired, or its code revoked; EUNAVAILABLE only before the revoked
// codes have ever been read and the store cannot be read now.
func (a *AccessCodes) Verify(ctx context.Context, survey, token string) (string, error) {
	if token == "" {
		return "", chorus.Invalid(chorus.MsgTokenMissing, map[string]string{"token": chorus.MsgTokenMissing})
	}
	stopped := chorus.Invalid(chorus.MsgTokenStopped, map[string]string{"token": chorus.MsgTokenStopped})
	g, err := a.Tokens.ParseSubmit(token)
	if err != nil || g.Survey != survey {
		return "", stopped
	}
	revoked := a.revoked.Load()
	if revoked == nil {
		if revoked, err = a.firstRead(ctx); err != nil {
			return "", err
		}
	}
	if (*revoked)[g.Session] {
		return "", stopped
	}
	return g.Session, nil
}

// firstRead reads the revoked codes unless another caller has meanwhile: before the
// first read, a submission waits for it rather than pass a revoked code's token.
func (a *AccessCodes) firstRead(ctx context.Context) (*map[string]bool, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if r := a.revoked.Load(); r != nil {
		return r, nil
	}
	if err := a.refresh(ctx); err != nil {
		return nil, err
	}
	return a.revoked.Load(), nil
}

// Refresh reads the revoked codes from the store. Codes that expired more than a
// minute ago are left out: no token outlives its code.
func (a *AccessCodes) Refresh(ctx context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.refresh(ctx)
}

func (a *AccessCodes) refresh(ctx context.Context) error {
	list, err := a.Store.FindRevokedAccessCodes(ctx, a.Now().Add(-Leeway-time.Minute))
	if err != nil {
		return err
	}
	ids := make(map[string]bool, len(list))
	for _, id := range list {
		ids[id] = true
	}
	a.revoked.Store(&ids)
	return nil
}

// Run reads the revoked codes now and every RefreshEvery until ctx ends. A failed
// read keeps the last list and is logged.
func (a *AccessCodes) Run(ctx context.Context) {
	every := a.RefreshEvery
	if every <= 0 {
		every = RevokedRefresh
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		rctx, cancel := context.WithTimeout(ctx, every)
		if err := a.Refresh(rctx); err != nil && ctx.Err() == nil {
			a.Log.Warn("cannot read revoked access codes; keeping the last list", "err", err)
		}
		cancel()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
