package auth

import (
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// MaxSubmitTTL is the longest a submit token lasts: long enough to answer a survey
// slowly over a day, short enough that a token copied out of a page soon stops.
const MaxSubmitTTL = 24 * time.Hour

// SubmitGrant is what a verified submit token says: its holder may submit answers to
// Survey as part of group session Session until ExpiresAt. It names no person.
type SubmitGrant struct {
	Survey    string
	Session   string
	ExpiresAt time.Time
}

// submitClaims carry the group session as sub and the survey.
type submitClaims struct {
	jwt.RegisteredClaims
	Survey string `json:"svy"`
}

// errSubmitToken is every submit-token defect: callers turn it into their own message.
var errSubmitToken = errors.New("auth: invalid submit token")

// IssueSubmit returns a signed submit token for a group session of survey, and when it
// expires: at until (the access code's expiry) or MaxSubmitTTL from now, whichever is
// sooner. It fails if that is not in the future.
func (t *Tokens) IssueSubmit(survey, session string, until time.Time) (string, time.Time, error) {
	now := t.Now()
	exp := now.Add(MaxSubmitTTL)
	if until.Before(exp) {
		exp = until
	}
	if survey == "" || session == "" || !exp.After(now) {
		return "", time.Time{}, errors.New("auth: submit token for nothing, or already expired")
	}
	claims := submitClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: Issuer, Subject: session, Audience: jwt.ClaimStrings{AudienceSubmit},
			IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(exp),
		},
		Survey: survey,
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(t.submitKey)
	if err != nil {
		return "", time.Time{}, err
	}
	return tok, exp.Truncate(time.Second), nil
}

// ParseSubmit verifies a submit token as ParseSession does a session token: HS256 with
// the submit key only, issuer, the submit audience, expiry (required), not-before and
// issued-at, and both claims. It does not check revocation: that needs the revoked
// codes (see AccessCodes.Verify). Every defect is the same error, with no detail.
func (t *Tokens) ParseSubmit(raw string) (*SubmitGrant, error) {
	if precheck(raw) != nil {
		return nil, errSubmitToken
	}
	var c submitClaims
	if _, err := t.submitParser.ParseWithClaims(raw, &c, keyFunc(t.submitKey)); err != nil {
		return nil, errSubmitToken
	}
	if c.Subject == "" || c.Survey == "" {
		return nil, errSubmitToken
	}
	return &SubmitGrant{Survey: c.Survey, Session: c.Subject, ExpiresAt: c.ExpiresAt.Time}, nil
}
