package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/chorus-voice/chorus/server/auth"
	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/mongodb"
	"github.com/chorus-voice/chorus/server/mongodb/mongodbtest"
)

const testPassword = "tangerine orbit lantern"

func newService(t *testing.T) (*auth.Service, *mongodb.AuditService) {
	t.Helper()
	db := mongodbtest.Open(t)
	audit := mongodb.NewAuditService(db)
	return auth.NewService(mongodb.NewUserService(db), audit, auth.NewHasher(64, 1, 1, 4)), audit
}

func addUser(t *testing.T, s *auth.Service, email string, role chorus.Role) *chorus.User {
	t.Helper()
	u := &chorus.User{Email: email, Role: role}
	if _, err := s.CreateUser(context.Background(), auth.Actor{Via: "test"}, u, testPassword); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestLogin(t *testing.T) {
	ctx := context.Background()
	s, audit := newService(t)
	u := addUser(t, s, "Ana@Example.org", chorus.RoleFacilitator)
	off := addUser(t, s, "off@example.org", chorus.RoleViewer)
	if _, err := s.SetDisabled(ctx, auth.Actor{Via: "test"}, off.ID, true); err != nil {
		t.Fatal(err)
	}

	got, err := s.Login(ctx, " ANA@example.org ", testPassword, "192.0.2.1", "web")
	if err != nil || got.ID != u.ID || got.LastSignIn.IsZero() {
		t.Fatalf("Login = %+v, %v", got, err)
	}
	var msg string
	for name, c := range map[string]struct{ email, password string }{
		"ErrWrongPassword": {"ana@example.org", "tangerine orbit lanterns"},
		"ErrUnknownEmail":  {"nobody@example.org", testPassword},
		"ErrDisabled":      {"off@example.org", testPassword},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := s.Login(ctx, c.email, c.password, "192.0.2.2", "web")
			if chorus.ErrorCode(err) != chorus.EUNAUTHORIZED {
				t.Fatalf("err = %v, want EUNAUTHORIZED", err)
			}
			if msg == "" {
				msg = chorus.ErrorMessage(err)
			} else if m := chorus.ErrorMessage(err); m != msg {
				t.Errorf("message %q differs from %q: it tells accounts apart", m, msg)
			}
		})
	}
	failed, _ := audit.FindAudit(ctx, chorus.AuditFilter{Action: chorus.ActionSignInFailed})
	signins, _ := audit.FindAudit(ctx, chorus.AuditFilter{Action: chorus.ActionSignIn})
	if len(failed) != 3 || len(signins) != 1 || signins[0].ActorID != u.ID {
		t.Errorf("audit: %d failed sign-ins, %d sign-ins; want 3 and 1 by the user", len(failed), len(signins))
	}
}

func TestLoginRateLimit(t *testing.T) {
	ctx := context.Background()
	s, _ := newService(t)
	addUser(t, s, "ana@example.org", chorus.RoleAdmin)
	now := time.Now()
	s.Now = func() time.Time { return now }

	for i := range 5 {
		if _, err := s.Login(ctx, "ana@example.org", "wrong wrong wrong", "192.0.2.1", "api"); chorus.ErrorCode(err) != chorus.EUNAUTHORIZED {
			t.Fatalf("attempt %d: err = %v, want EUNAUTHORIZED", i+1, err)
		}
	}
	if _, err := s.Login(ctx, "ana@example.org", testPassword, "192.0.2.1", "api"); chorus.ErrorCode(err) != chorus.ETOOMANY {
		t.Fatalf("6th attempt, right password: err = %v, want ETOOMANY", err)
	}
	if _, err := s.Login(ctx, "ana@example.org", testPassword, "198.51.100.9", "api"); err != nil {
		t.Errorf("the same account from another address: err = %v, want success (no lockout by a stranger)", err)
	}
	now = now.Add(16 * time.Minute)
	if _, err := s.Login(ctx, "ana@example.org", testPassword, "192.0.2.1", "api"); err != nil {
		t.Errorf("after the window: err = %v, want success (no permanent lockout)", err)
	}
}

func TestSessionUser(t *testing.T) {
	ctx := context.Background()
	s, _ := newService(t)
	u := addUser(t, s, "ana@example.org", chorus.RoleViewer)
	tk, err := auth.NewTokens([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	session := func() *auth.Session {
		raw, _, err := tk.IssueSession(u.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		sess, err := tk.ParseSession(raw)
		if err != nil {
			t.Fatal(err)
		}
		return sess
	}
	actor := auth.Actor{Via: "test"}
	for name, revoke := range map[string]func(){
		"SignOut":        func() { _ = s.SignOut(ctx, actor, u.ID) },
		"RevokeSessions": func() { _ = s.RevokeSessions(ctx, actor, u.ID) },
		"ResetPassword":  func() { _, _, _ = s.ResetPassword(ctx, actor, u.ID, "") },
		"ChangePassword": func() {
			if _, _, err := s.ResetPassword(ctx, actor, u.ID, testPassword); err != nil {
				t.Fatal(err)
			}
			cur, _ := s.Users.FindUserByID(ctx, u.ID)
			if _, err := s.ChangePassword(ctx, actor, cur, testPassword, "violet kettle meadow", "192.0.2.1"); err != nil {
				t.Fatal(err)
			}
		},
		"Disable": func() { _, _ = s.SetDisabled(ctx, actor, u.ID, true) },
	} {
		t.Run(name, func(t *testing.T) {
			_, _ = s.SetDisabled(ctx, actor, u.ID, false)
			old := session()
			if _, err := s.SessionUser(ctx, old); err != nil {
				t.Fatalf("fresh session refused: %v", err)
			}
			revoke()
			if _, err := s.SessionUser(ctx, old); chorus.ErrorCode(err) != chorus.EUNAUTHORIZED {
				t.Errorf("old session after %s: err = %v, want EUNAUTHORIZED", name, err)
			}
			if name != "Disable" {
				if _, err := s.SessionUser(ctx, session()); err != nil {
					t.Errorf("new session after %s refused: %v", name, err)
				}
			}
		})
	}
}

func TestChangePassword(t *testing.T) {
	ctx := context.Background()
	s, _ := newService(t)
	u := addUser(t, s, "ana@example.org", chorus.RoleViewer)
	actor := auth.Actor{UserID: u.ID, Via: "test"}
	for name, c := range map[string]struct{ current, next, field string }{
		"ErrWrongCurrent": {"nope nope nope", "violet kettle meadow", "current"},
		"ErrWeak":         {testPassword, "password1234", "password"},
		"ErrSame":         {testPassword, testPassword, "password"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := s.ChangePassword(ctx, actor, u, c.current, c.next, "192.0.2.1")
			if chorus.ErrorFields(err)[c.field] == "" {
				t.Errorf("err = %v, want a message for %q", err, c.field)
			}
		})
	}
	if _, err := s.ChangePassword(ctx, actor, u, testPassword, "violet kettle meadow", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login(ctx, u.Email, "violet kettle meadow", "192.0.2.3", "web"); err != nil {
		t.Errorf("sign in with the new password: %v", err)
	}
}

func TestUserAdmin(t *testing.T) {
	ctx := context.Background()
	s, _ := newService(t)
	admin := addUser(t, s, "admin@example.org", chorus.RoleAdmin)
	self := auth.Actor{UserID: admin.ID, Via: "test"}

	t.Run("ErrDuplicate", func(t *testing.T) {
		_, err := s.CreateUser(ctx, self, &chorus.User{Email: "ADMIN@example.org", Role: chorus.RoleViewer}, "")
		if chorus.ErrorFields(err)["email"] == "" {
			t.Errorf("err = %v, want a message for the email", err)
		}
	})
	t.Run("OneTimePassword", func(t *testing.T) {
		u := &chorus.User{Email: "new@example.org", Role: chorus.RoleViewer, Areas: []string{"E10000002"}}
		pw, err := s.CreateUser(ctx, self, u, "")
		if err != nil || pw == "" || !u.MustChangePassword {
			t.Fatalf("CreateUser = %q, %v, must change %v", pw, err, u.MustChangePassword)
		}
		if _, err := s.Login(ctx, "new@example.org", pw, "192.0.2.1", "web"); err != nil {
			t.Errorf("sign in with the one-time password: %v", err)
		}
	})
	t.Run("ErrOwnRole", func(t *testing.T) {
		if _, err := s.UpdateUser(ctx, self, admin.ID, "Me", chorus.RoleViewer, nil); chorus.ErrorFields(err)["role"] == "" {
			t.Errorf("err = %v, want a message for the role", err)
		}
	})
	t.Run("ErrDisableSelf", func(t *testing.T) {
		if _, err := s.SetDisabled(ctx, self, admin.ID, true); chorus.ErrorCode(err) != chorus.EINVALID {
			t.Errorf("err = %v, want EINVALID", err)
		}
	})
	t.Run("ErrAreasForAdmin", func(t *testing.T) {
		u, _ := s.Users.FindUserByEmail(ctx, "new@example.org")
		if _, err := s.UpdateUser(ctx, self, u.ID, "", chorus.RoleAdmin, []string{"E10000002"}); chorus.ErrorFields(err)["areas"] == "" {
			t.Errorf("err = %v, want a message for the areas", err)
		}
	})
}

func TestEnsureFirstAdmin(t *testing.T) {
	ctx := context.Background()
	s, _ := newService(t)
	pw, err := s.EnsureFirstAdmin(ctx, "Boss@Example.org")
	if err != nil || pw == "" {
		t.Fatalf("EnsureFirstAdmin = %q, %v", pw, err)
	}
	u, err := s.Login(ctx, "boss@example.org", pw, "192.0.2.1", "system")
	if err != nil || u.Role != chorus.RoleAdmin || !u.MustChangePassword {
		t.Fatalf("first admin = %+v, %v; want an admin who must change password", u, err)
	}
	if again, err := s.EnsureFirstAdmin(ctx, "boss@example.org"); again != "" || err != nil {
		t.Errorf("second EnsureFirstAdmin = %q, %v; want nothing", again, err)
	}
	if _, err := s.EnsureFirstAdmin(ctx, "not an email"); err != nil {
		t.Errorf("with users already, the email is not even looked at; err = %v", err)
	}
}
