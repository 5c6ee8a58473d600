package chorus

import (
	"context"
	"crypto/rand"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Survey access modes: who may answer a survey.
const (
	// AccessModeOpen lets anyone with the link answer (the default).
	AccessModeOpen = "open"
	// AccessModeCode asks for a group access code first; the code grants a submit token
	// that every submission must carry.
	AccessModeCode = "code"
)

// Access code limits.
const (
	// AccessCodeAlphabet has no 0/O, 1/I/L: easy to read from a screen or a slip
	// of paper. Codes are entered without regard to case, with or without the dash.
	AccessCodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
	// AccessCodeLength is the number of characters of a code: about 40 bits.
	AccessCodeLength = 8
	// MaxAccessCodeLabel is the longest label, in characters.
	MaxAccessCodeLabel = 80
	// DefaultAccessCodeDays and MaxAccessCodeDays bound how long a code works.
	DefaultAccessCodeDays = 14
	MaxAccessCodeDays     = 90
)

// Messages about codes and submit tokens. They are shown to children (the web package
// translates them), so they say what to do next.
const (
	MsgCodeWrong    = "We don't recognise that code. Check it and try again. It looks like K7QM-2PXW."
	MsgCodeStopped  = "This code doesn't work any more. Ask the adult running your group for a new one."
	MsgCodeTooMany  = "Too many wrong codes from this connection. Please wait a few minutes and try again."
	MsgTokenMissing = "This survey needs a group code. Type the code the adult running your group gave you."
	MsgTokenStopped = "Your group code doesn't work any more. Type a new code from the adult running your group."
)

// AccessCode lets a group answer a survey that needs a code: one sitting of a
// children in care council, one class. It identifies a group session, never a person:
// its ID is stored with each response given through it, and nothing else is.
type AccessCode struct {
	// ID is the group session id: random and opaque.
	ID     string
	Survey string
	// Code is what children type: AccessCodeLength characters of AccessCodeAlphabet,
	// stored without the dash (see FormatAccessCode).
	Code string
	// Label says which group and when, for staff. It never holds a child's name.
	Label     string
	CreatedBy string // user id
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt time.Time // zero while the code works
}

// Active reports whether the code still works at now.
func (a *AccessCode) Active(now time.Time) bool {
	return a.RevokedAt.IsZero() && now.Before(a.ExpiresAt)
}

// Display returns the code as people read it: "K7QM-2PXW".
func (a *AccessCode) Display() string { return FormatAccessCode(a.Code) }

// FormatAccessCode puts a dash in the middle of a stored code.
func FormatAccessCode(code string) string {
	if len(code) != AccessCodeLength {
		return code
	}
	return code[:AccessCodeLength/2] + "-" + code[AccessCodeLength/2:]
}

// NormalizeAccessCode returns a typed code as stored: upper case, without spaces or
// dashes. ok is false if it is not AccessCodeLength characters of AccessCodeAlphabet.
func NormalizeAccessCode(typed string) (code string, ok bool) {
	if len(typed) > 4*AccessCodeLength {
		return "", false
	}
	var b strings.Builder
	for _, r := range strings.ToUpper(typed) {
		switch {
		case r == '-' || unicode.IsSpace(r):
		case r < utf8.RuneSelf && strings.IndexByte(AccessCodeAlphabet, byte(r)) >= 0:
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	if b.Len() != AccessCodeLength {
		return "", false
	}
	return b.String(), true
}

// RandomAccessCode returns a new code drawn uniformly from AccessCodeAlphabet.
func RandomAccessCode() string {
	const n = len(AccessCodeAlphabet)
	limit := byte(256 - 256%n) // reject bytes that would favour the first letters
	out := make([]byte, 0, AccessCodeLength)
	var buf [16]byte
	for len(out) < AccessCodeLength {
		_, _ = rand.Read(buf[:])
		for _, x := range buf {
			if x < limit && len(out) < AccessCodeLength {
				out = append(out, AccessCodeAlphabet[int(x)%n])
			}
		}
	}
	return string(out)
}

// NewAccessCode checks what staff typed for a new code and returns it, unsaved: the
// label trimmed (1 to MaxAccessCodeLabel characters, one line), and an expiry days
// from now (0 means DefaultAccessCodeDays; at most MaxAccessCodeDays). It returns
// EINVALID with Fields "label" or "days".
func NewAccessCode(survey, label string, days int, now time.Time) (*AccessCode, error) {
	fields := map[string]string{}
	label = strings.Join(strings.Fields(label), " ")
	switch n := utf8.RuneCountInString(label); {
	case n == 0:
		fields["label"] = "Enter a label that says which group and when, like “Oakfield CiCC, 12 December”."
	case n > MaxAccessCodeLabel:
		fields["label"] = "Keep the label to 80 characters or fewer."
	case strings.IndexFunc(label, unicode.IsControl) >= 0:
		fields["label"] = "Use letters, numbers and punctuation only."
	}
	if days == 0 {
		days = DefaultAccessCodeDays
	}
	if days < 1 || days > MaxAccessCodeDays {
		fields["days"] = "Enter a number of days from 1 to 90."
	}
	if len(fields) > 0 {
		return nil, Invalid("The code was not made. Check the form.", fields)
	}
	return &AccessCode{Survey: survey, Code: RandomAccessCode(), Label: label,
		ExpiresAt: now.Add(time.Duration(days) * 24 * time.Hour).UTC().Truncate(time.Second)}, nil
}

// AccessCodeService stores access codes.
type AccessCodeService interface {
	// CreateAccessCode stores c and sets its ID and CreatedAt. It returns ECONFLICT if
	// another code has the same Code: draw a new one and try again.
	CreateAccessCode(ctx context.Context, c *AccessCode) error
	// FindAccessCode returns ENOTFOUND if no code has that id.
	FindAccessCode(ctx context.Context, id string) (*AccessCode, error)
	// FindAccessCodeByCode returns the code whose Code is code (as NormalizeAccessCode
	// returns it), or ENOTFOUND.
	FindAccessCodeByCode(ctx context.Context, code string) (*AccessCode, error)
	// FindAccessCodes returns a survey's codes, newest first.
	FindAccessCodes(ctx context.Context, survey string) ([]*AccessCode, error)
	// RevokeAccessCode stops a code working from at; ENOTFOUND if there is no such
	// code. Revoking a revoked code changes nothing.
	RevokeAccessCode(ctx context.Context, id string, at time.Time) error
	// FindRevokedAccessCodes returns the ids of revoked codes that expire after after.
	FindRevokedAccessCodes(ctx context.Context, after time.Time) ([]string, error)
}
