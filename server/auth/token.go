package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/chorus-voice/chorus/server/chorus"
)

// Token issuer and audiences. Session, share-link and submit tokens have different
// audiences (and keys), so none can stand in for another.
const (
	Issuer          = "chorus"
	AudienceSession = "chorus-staff"
	AudienceShare   = "chorus-share"
	AudienceSubmit  = "chorus-submit"
)

// Token lifetimes.
const (
	// SessionTTL is how long a session token lasts; pages renew it while in use and
	// the API renews it through the refresh route.
	SessionTTL = 15 * time.Minute
	// MaxSessionAge caps renewal: after this long since signing in, sign in again.
	MaxSessionAge = 12 * time.Hour
	// MaxShareTTL is the longest a share link may last.
	MaxShareTTL = 90 * 24 * time.Hour
	// Leeway allows for clocks a little apart between instances.
	Leeway = 30 * time.Second
	// maxTokenLen bounds what reaches the JWT parser.
	maxTokenLen = 4096
)

// MinSecretLen is the shortest signing secret accepted, in bytes.
const MinSecretLen = 32

// Tokens issues and verifies signed tokens. The session key is the configured secret;
// the share-link, submit and CSRF keys are derived from it, one key per purpose.
type Tokens struct {
	sessionKey, shareKey, submitKey, csrfKey []byte
	// Now is the clock; tests move it.
	Now           func() time.Time
	sessionParser *jwt.Parser
	shareParser   *jwt.Parser
	submitParser  *jwt.Parser
}

// NewTokens returns Tokens signing with secret, which must be at least 32 bytes.
func NewTokens(secret []byte) (*Tokens, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("CHORUS_JWT_SECRET: must be at least %d bytes, got %d", MinSecretLen, len(secret))
	}
	t := &Tokens{
		sessionKey: append([]byte(nil), secret...),
		shareKey:   derive(secret, "chorus share-link tokens v1"),
		submitKey:  derive(secret, "chorus submit tokens v1"),
		csrfKey:    derive(secret, "chorus csrf tokens v1"),
		Now:        time.Now,
	}
	now := func() time.Time { return t.Now() }
	opts := func(aud string) []jwt.ParserOption {
		return []jwt.ParserOption{
			jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
			jwt.WithExpirationRequired(),
			jwt.WithIssuer(Issuer),
			jwt.WithAudience(aud),
			jwt.WithIssuedAt(),
			jwt.WithLeeway(Leeway),
			jwt.WithTimeFunc(now),
			jwt.WithStrictDecoding(),
		}
	}
	t.sessionParser = jwt.NewParser(opts(AudienceSession)...)
	t.shareParser = jwt.NewParser(opts(AudienceShare)...)
	t.submitParser = jwt.NewParser(opts(AudienceSubmit)...)
	return t, nil
}

func derive(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// Session is what a verified session token says.
type Session struct {
	ID        string    // jti, random
	SignIn    string    // sid: the sign-in this session continues; renewals keep it
	UserID    string    // sub
	IssuedAt  time.Time // millisecond precision, compared with TokensValidAfter
	AuthTime  time.Time // when the person signed in; renewals keep it
	ExpiresAt time.Time
}

type sessionClaims struct {
	jwt.RegisteredClaims
	// IssuedAtMs is iat in milliseconds: revocation must tell apart a token issued
	// just before a sign-out from one issued just after, within the same second.
	IssuedAtMs int64  `json:"iat_ms"`
	AuthTime   int64  `json:"auth_time"`
	SignIn     string `json:"sid"`
}

// shareClaims carry the link id as sub and the briefing it shows.
type shareClaims struct {
	jwt.RegisteredClaims
	BriefingID string `json:"brf"`
}

// errToken is the one answer to every token defect: no detail reaches the client.
func errToken(cause error) error {
	return chorus.Wrap(chorus.EUNAUTHORIZED, cause, "Please sign in.")
}

// IssueSession returns a signed session token for userID: for a new sign-in when
// renew is nil, else continuing renew's sign-in (same AuthTime and SignIn). The
// token's expiry never passes AuthTime + MaxSessionAge; past that it returns
// EUNAUTHORIZED.
func (t *Tokens) IssueSession(userID string, renew *Session) (string, *Session, error) {
	now := t.Now()
	authTime, signIn := now, randomID()
	if renew != nil {
		authTime, signIn = renew.AuthTime, renew.SignIn
	}
	exp := now.Add(SessionTTL)
	if limit := authTime.Add(MaxSessionAge); limit.Before(exp) {
		exp = limit
	}
	if !exp.After(now.Add(time.Second)) {
		return "", nil, errToken(errors.New("session too old to renew"))
	}
	s := &Session{ID: randomID(), SignIn: signIn, UserID: userID, IssuedAt: now.Truncate(time.Millisecond),
		AuthTime: authTime.Truncate(time.Second), ExpiresAt: exp.Truncate(time.Second)}
	claims := sessionClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: Issuer, Subject: userID, Audience: jwt.ClaimStrings{AudienceSession},
			IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(exp), ID: s.ID,
		},
		IssuedAtMs: s.IssuedAt.UnixMilli(),
		AuthTime:   s.AuthTime.Unix(),
		SignIn:     signIn,
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.sessionKey)
	if err != nil {
		return "", nil, err
	}
	return tok, s, nil
}

// ParseSession verifies a session token: HS256 only, signature, issuer, audience,
// expiry (required), not-before and issued-at with a small leeway, and the claims
// Chorus needs. Any defect is EUNAUTHORIZED, with no detail.
func (t *Tokens) ParseSession(raw string) (*Session, error) {
	if err := precheck(raw); err != nil {
		return nil, err
	}
	var c sessionClaims
	if _, err := t.sessionParser.ParseWithClaims(raw, &c, keyFunc(t.sessionKey)); err != nil {
		return nil, errToken(err)
	}
	if c.Subject == "" || c.ID == "" || c.SignIn == "" || c.IssuedAt == nil || c.IssuedAtMs <= 0 || c.AuthTime <= 0 ||
		c.IssuedAtMs/1000 < c.AuthTime || abs(c.IssuedAtMs/1000-c.IssuedAt.Unix()) > 1 {
		return nil, errToken(errors.New("missing or inconsistent claims"))
	}
	s := &Session{ID: c.ID, SignIn: c.SignIn, UserID: c.Subject, IssuedAt: time.UnixMilli(c.IssuedAtMs),
		AuthTime: time.Unix(c.AuthTime, 0), ExpiresAt: c.ExpiresAt.Time}
	if t.Now().Sub(s.AuthTime) > MaxSessionAge+Leeway {
		return nil, errToken(errors.New("session past its maximum age"))
	}
	return s, nil
}

// Share is what a verified share-link token says.
type Share struct {
	LinkID     string
	BriefingID string
	ExpiresAt  time.Time
}

// IssueShare returns a signed token for share link linkID showing briefingID until
// expires, which must be in the future and within MaxShareTTL.
func (t *Tokens) IssueShare(linkID, briefingID string, expires time.Time) (string, error) {
	now := t.Now()
	if linkID == "" || briefingID == "" || !expires.After(now) || expires.Sub(now) > MaxShareTTL {
		return "", chorus.Errorf(chorus.EINVALID, "A share link must last between a minute and %d days.", int(MaxShareTTL.Hours()/24))
	}
	claims := shareClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: Issuer, Subject: linkID, Audience: jwt.ClaimStrings{AudienceShare},
			IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(expires),
		},
		BriefingID: briefingID,
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.shareKey)
}

// ParseShare verifies a share-link token as ParseSession does a session token.
// It does not check revocation: that needs the stored link.
func (t *Tokens) ParseShare(raw string) (*Share, error) {
	if err := precheck(raw); err != nil {
		return nil, err
	}
	var c shareClaims
	if _, err := t.shareParser.ParseWithClaims(raw, &c, keyFunc(t.shareKey)); err != nil {
		return nil, errToken(err)
	}
	if c.Subject == "" || c.BriefingID == "" {
		return nil, errToken(errors.New("missing claims"))
	}
	return &Share{LinkID: c.Subject, BriefingID: c.BriefingID, ExpiresAt: c.ExpiresAt.Time}, nil
}

// precheck refuses oversized or misshapen tokens before any decoding, so a header of
// thousands of dots costs nothing.
func precheck(raw string) error {
	if raw == "" || len(raw) > maxTokenLen || strings.Count(raw, ".") != 2 {
		return errToken(errors.New("malformed token"))
	}
	return nil
}

// keyFunc pins HS256 and refuses header fields that name keys (kid, jku, jwk, x5u…):
// the key comes only from configuration.
func keyFunc(key []byte) jwt.Keyfunc {
	return func(tok *jwt.Token) (any, error) {
		if tok.Method != jwt.SigningMethodHS256 {
			return nil, errors.New("unexpected signing method")
		}
		for k := range tok.Header {
			if k != "alg" && k != "typ" {
				return nil, errors.New("unexpected header field")
			}
		}
		return key, nil
	}
}

// CSRF returns the anti-forgery token bound to parts (a session, or a pre-sign-in
// cookie): a keyed hash, so it cannot be made without the secret.
func (t *Tokens) CSRF(parts ...string) string {
	m := hmac.New(sha256.New, t.csrfKey)
	m.Write([]byte(strings.Join(parts, "\x00")))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// CheckCSRF reports, in constant time, whether token is the CSRF token for parts.
func (t *Tokens) CheckCSRF(token string, parts ...string) bool {
	return token != "" && hmac.Equal([]byte(token), []byte(t.CSRF(parts...)))
}

// RandomToken returns n random bytes, base64url-encoded, for cookies and ids.
func RandomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// LoadOrCreateSecret returns the signing secret kept in dir/jwt-secret, creating it
// (32 random bytes, hex, mode 0600) on first use. It refuses a file that others can
// read or that is too short.
func LoadOrCreateSecret(dir string) ([]byte, error) {
	path := filepath.Join(dir, "jwt-secret")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("CHORUS_DATA: %w", err)
	}
	var b [32]byte
	_, _ = rand.Read(b[:])
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		_, werr := f.WriteString(hex.EncodeToString(b[:]) + "\n")
		serr := f.Sync()
		cerr := f.Close()
		if err := errors.Join(werr, serr, cerr); err != nil {
			_ = os.Remove(path)
			return nil, fmt.Errorf("write %s: %w", path, err)
		}
	} else if !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s: others can read the signing secret; run chmod 600 %s", path, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	secret := []byte(strings.TrimSpace(string(data)))
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("%s: the signing secret must be at least %d bytes; delete the file to make a new one", path, MinSecretLen)
	}
	return secret, nil
}
