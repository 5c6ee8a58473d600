package chorus

import (
	"slices"
	"testing"
	"time"
)

func TestUserValidate(t *testing.T) {
	for _, tt := range []struct {
		name  string
		user  User
		field string
	}{
		{"OK", User{Email: " Ana@Example.ORG ", Role: RoleViewer, Areas: []string{"E10000002"}}, ""},
		{"OKLocalhost", User{Email: "admin@localhost", Role: RoleAdmin}, ""},
		{"ErrEmail", User{Email: "ana", Role: RoleViewer}, "email"},
		{"ErrEmailDisplayName", User{Email: "Ana <ana@example.org>", Role: RoleViewer}, "email"},
		{"ErrEmailOperator", User{Email: `{"$ne":null}`, Role: RoleViewer}, "email"},
		{"ErrRole", User{Email: "ana@example.org", Role: "root"}, "role"},
		{"ErrAreasFormat", User{Email: "ana@example.org", Role: RoleViewer, Areas: []string{"Kent"}}, "areas"},
		{"ErrAreasNotViewer", User{Email: "ana@example.org", Role: RoleFacilitator, Areas: []string{"E10000002"}}, "areas"},
		{"ErrNameControl", User{Email: "ana@example.org", Role: RoleViewer, Name: "a\x00b"}, "name"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			u := tt.user
			err := u.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate = %v", err)
				}
				if u.Email != NormalizeEmail(tt.user.Email) {
					t.Errorf("email = %q, want it normalised", u.Email)
				}
				return
			}
			if ErrorCode(err) != EINVALID || ErrorFields(err)[tt.field] == "" {
				t.Fatalf("Validate = %v, want EINVALID for %q", err, tt.field)
			}
		})
	}
}

func TestParseAreas(t *testing.T) {
	got, err := ParseAreas(" e10000002, E06000001 e10000002\n")
	if err != nil || !slices.Equal(got, []string{"E10000002", "E06000001"}) {
		t.Errorf("ParseAreas = %v, %v", got, err)
	}
	if got, err := ParseAreas(""); err != nil || got != nil {
		t.Errorf("ParseAreas(\"\") = %v, %v; want none", got, err)
	}
	if _, err := ParseAreas("E1000000X"); ErrorFields(err)["areas"] == "" {
		t.Errorf("ParseAreas(bad) err = %v", err)
	}
}

func TestParseRole(t *testing.T) {
	if r, err := ParseRole(" Viewer "); err != nil || r != RoleViewer {
		t.Errorf("ParseRole = %q, %v", r, err)
	}
	if _, err := ParseRole("superuser"); ErrorCode(err) != EINVALID {
		t.Errorf("ParseRole(superuser) err = %v", err)
	}
}

func TestLimitedToAreas(t *testing.T) {
	for _, tt := range []struct {
		user    User
		limited bool
	}{
		{User{Role: RoleViewer, Areas: []string{"E10000002"}}, true},
		{User{Role: RoleViewer}, false},
		{User{Role: RoleFacilitator, Areas: []string{"E10000002"}}, false},
		{User{Role: RoleAdmin}, false},
	} {
		if limited, _ := tt.user.LimitedToAreas(); limited != tt.limited {
			t.Errorf("%s with areas %v: limited = %v, want %v", tt.user.Role, tt.user.Areas, limited, tt.limited)
		}
	}
}

func TestShareLinkActive(t *testing.T) {
	now := time.Now()
	if !(&ShareLink{ExpiresAt: now.Add(time.Minute)}).Active(now) {
		t.Error("live link inactive")
	}
	if (&ShareLink{ExpiresAt: now}).Active(now) {
		t.Error("link active at its expiry")
	}
	if (&ShareLink{ExpiresAt: now.Add(time.Hour), RevokedAt: now}).Active(now) {
		t.Error("revoked link active")
	}
}

func TestUserMaySee(t *testing.T) {
	limited := &User{Role: RoleViewer, Areas: []string{"E06000001", "E06000002"}}
	for _, tt := range []struct {
		name     string
		u        *User
		councils []string
		want     bool
	}{
		{"Admin", &User{Role: RoleAdmin}, []string{"E06000003"}, true},
		{"FacilitatorWithAreas", &User{Role: RoleFacilitator, Areas: []string{"E06000001"}}, []string{"E06000003"}, true},
		{"ViewerAllAreas", &User{Role: RoleViewer}, []string{"E06000003"}, true},
		{"LimitedOwn", limited, []string{"E06000001", "e06000002"}, true},
		{"LimitedOther", limited, []string{"E06000001", "E06000003"}, false},
		{"LimitedNothing", limited, nil, false},
		{"Nobody", nil, []string{"E06000001"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.u.MaySee(tt.councils...); got != tt.want {
				t.Errorf("MaySee(%v) = %v, want %v", tt.councils, got, tt.want)
			}
		})
	}
}
