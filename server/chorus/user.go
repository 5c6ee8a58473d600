package chorus

import (
	"context"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Role is what a staff member may do. Children never have accounts.
type Role string

// Roles, from most to least powerful.
const (
	RoleAdmin       Role = "admin"       // users and settings, and everything a facilitator does
	RoleFacilitator Role = "facilitator" // surveys, free text, themes, quotes, briefings
	RoleViewer      Role = "viewer"      // aggregated, suppressed results and briefings only
)

// Roles lists every role, for forms and validation.
var Roles = []Role{RoleAdmin, RoleFacilitator, RoleViewer}

// ParseRole returns the role named s, or EINVALID.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !slices.Contains(Roles, r) {
		return "", Invalid("Choose a role.", map[string]string{"role": "Choose admin, facilitator or viewer."})
	}
	return r, nil
}

// User is a staff account. Its email is stored normalised (see NormalizeEmail) and is
// personal data: it never goes into logs, tokens or the audit log's detail.
type User struct {
	ID    string
	Email string
	Name  string
	Role  Role
	// Areas limits a viewer to these council areas (GSS codes); empty means every area.
	// Admins and facilitators are never limited.
	Areas    []string
	Disabled bool
	// MustChangePassword is set for one-time passwords: the user must choose a new
	// password before doing anything else.
	MustChangePassword bool
	// TokensValidAfter revokes sessions: a token issued before it is refused.
	TokensValidAfter time.Time
	// PasswordHash is an encoded argon2id hash with its salt and parameters.
	PasswordHash string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	LastSignIn   time.Time
}

// LimitedToAreas reports whether the user may see only some areas, and which.
func (u *User) LimitedToAreas() (limited bool, codes []string) {
	if u.Role != RoleViewer || len(u.Areas) == 0 {
		return false, nil
	}
	return true, u.Areas
}

// MaySee reports whether u may see results that cover these council areas: a staff
// member not limited to areas may; a viewer limited to some councils only when every
// one is theirs (and there is at least one). Nobody (nil) may.
func (u *User) MaySee(councils ...string) bool {
	if u == nil {
		return false
	}
	limited, own := u.LimitedToAreas()
	if !limited {
		return true
	}
	if len(councils) == 0 {
		return false
	}
	for _, c := range councils {
		if !slices.Contains(own, strings.ToUpper(c)) {
			return false
		}
	}
	return true
}

// NormalizeEmail trims and lower-cases an email address so each person has one key.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

var areaCode = regexp.MustCompile(`^[A-Z][0-9]{8}$`)

// ParseAreas splits a comma- or space-separated list of council area codes, upper-cased
// and without duplicates. It returns EINVALID naming the field "areas" for a malformed code.
func ParseAreas(s string) ([]string, error) {
	var codes []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' || r == '\r' }) {
		code := strings.ToUpper(f)
		if !areaCode.MatchString(code) {
			return nil, Invalid("Check the area codes.", map[string]string{"areas": "Use council codes such as E10000002, separated by commas."})
		}
		if !slices.Contains(codes, code) {
			codes = append(codes, code)
		}
	}
	return codes, nil
}

// Validate checks the fields a person types: email, name, role and areas. It returns
// EINVALID with per-field messages.
func (u *User) Validate() error {
	fields := map[string]string{}
	u.Email = NormalizeEmail(u.Email)
	if !validEmail(u.Email) {
		fields["email"] = "Enter an email address such as name@example.org."
	}
	u.Name = strings.TrimSpace(u.Name)
	if len(u.Name) > 100 || strings.ContainsFunc(u.Name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		fields["name"] = "Enter a name of up to 100 characters."
	}
	if !slices.Contains(Roles, u.Role) {
		fields["role"] = "Choose admin, facilitator or viewer."
	}
	for _, a := range u.Areas {
		if !areaCode.MatchString(a) {
			fields["areas"] = "Use council codes such as E10000002, separated by commas."
		}
	}
	if len(u.Areas) > 0 && u.Role != RoleViewer {
		fields["areas"] = "Only viewers can be limited to areas."
	}
	if len(fields) > 0 {
		return Invalid("Check the details.", fields)
	}
	return nil
}

func validEmail(s string) bool {
	if len(s) > 254 {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && at < len(s)-1
}

// UserUpdate changes some fields of a user; nil fields stay as they are.
type UserUpdate struct {
	Name               *string
	Role               *Role
	Areas              *[]string
	Disabled           *bool
	MustChangePassword *bool
	PasswordHash       *string
	TokensValidAfter   *time.Time
	LastSignIn         *time.Time
}

// UserService stores staff accounts.
type UserService interface {
	// FindUserByID returns ENOTFOUND if no user has that id.
	FindUserByID(ctx context.Context, id string) (*User, error)
	// FindUserByEmail normalises email and returns ENOTFOUND if no user has it.
	FindUserByEmail(ctx context.Context, email string) (*User, error)
	// FindUsers returns every user, ordered by email.
	FindUsers(ctx context.Context) ([]*User, error)
	// CountUsers returns how many users there are.
	CountUsers(ctx context.Context) (int, error)
	// CreateUser stores u and sets its ID and times. It returns ECONFLICT if a user
	// has the same email. It does not validate u: callers do.
	CreateUser(ctx context.Context, u *User) error
	// UpdateUser applies upd and returns the user as it now is; ENOTFOUND if no user
	// has that id.
	UpdateUser(ctx context.Context, id string, upd UserUpdate) (*User, error)
}

// ShareLink lets someone without an account read one briefing until it expires or is
// revoked. The token that carries it is signed and names the link and the briefing.
type ShareLink struct {
	ID         string
	BriefingID string
	CreatedBy  string // user id
	CreatedAt  time.Time
	ExpiresAt  time.Time
	RevokedAt  time.Time // zero while the link works
}

// Active reports whether the link still works at now.
func (l *ShareLink) Active(now time.Time) bool {
	return l.RevokedAt.IsZero() && now.Before(l.ExpiresAt)
}

// ShareLinkService stores briefing share links.
type ShareLinkService interface {
	// CreateShareLink stores l and sets its ID and CreatedAt.
	CreateShareLink(ctx context.Context, l *ShareLink) error
	// FindShareLink returns ENOTFOUND if no link has that id.
	FindShareLink(ctx context.Context, id string) (*ShareLink, error)
	// FindShareLinks returns the links of a briefing, newest first.
	FindShareLinks(ctx context.Context, briefingID string) ([]*ShareLink, error)
	// RevokeShareLink stops a link working at once; ENOTFOUND if there is no such link.
	// Revoking a revoked link changes nothing.
	RevokeShareLink(ctx context.Context, id string, at time.Time) error
}
