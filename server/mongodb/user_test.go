package mongodb_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/mongodb"
	"github.com/chorus-voice/chorus/server/mongodb/mongodbtest"
)

func TestUserService(t *testing.T) {
	ctx := context.Background()
	db := mongodbtest.Open(t)
	users := mongodb.NewUserService(db)

	if n, err := users.CountUsers(ctx); err != nil || n != 0 {
		t.Fatalf("CountUsers = %d, %v; want 0", n, err)
	}
	u := &chorus.User{Email: "  Ana@Example.ORG ", Name: "Ana", Role: chorus.RoleViewer, Areas: []string{"E10000002"}, PasswordHash: "h1"}
	if err := users.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if u.ID == "" || u.Email != "ana@example.org" || u.CreatedAt.IsZero() {
		t.Fatalf("created user = %+v", u)
	}

	t.Run("FindByEmail", func(t *testing.T) {
		got, err := users.FindUserByEmail(ctx, "ANA@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != u.ID || got.Role != chorus.RoleViewer || !slices.Equal(got.Areas, []string{"E10000002"}) || got.PasswordHash != "h1" {
			t.Errorf("got %+v", got)
		}
		if !got.TokensValidAfter.IsZero() || !got.LastSignIn.IsZero() {
			t.Errorf("zero times came back as %v, %v", got.TokensValidAfter, got.LastSignIn)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		err := users.CreateUser(ctx, &chorus.User{Email: "ana@example.org", Role: chorus.RoleAdmin})
		if chorus.ErrorCode(err) != chorus.ECONFLICT {
			t.Fatalf("duplicate email: err = %v, want ECONFLICT", err)
		}
		if msg := err.Error(); strings.Contains(msg, "ana@") {
			t.Errorf("conflict error quotes the email: %q", msg)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		for _, id := range []string{"", "nonsense", "65f000000000000000000000"} {
			if _, err := users.FindUserByID(ctx, id); chorus.ErrorCode(err) != chorus.ENOTFOUND {
				t.Errorf("FindUserByID(%q) err = %v, want ENOTFOUND", id, err)
			}
			if _, err := users.UpdateUser(ctx, id, chorus.UserUpdate{}); chorus.ErrorCode(err) != chorus.ENOTFOUND {
				t.Errorf("UpdateUser(%q) err = %v, want ENOTFOUND", id, err)
			}
		}
		if _, err := users.FindUserByEmail(ctx, "nobody@example.org"); chorus.ErrorCode(err) != chorus.ENOTFOUND {
			t.Errorf("FindUserByEmail err = %v, want ENOTFOUND", err)
		}
	})
	t.Run("Update", func(t *testing.T) {
		at := time.Now().Add(time.Minute).Truncate(time.Millisecond)
		yes, role, areas := true, chorus.RoleFacilitator, []string{}
		got, err := users.UpdateUser(ctx, u.ID, chorus.UserUpdate{Disabled: &yes, Role: &role, Areas: &areas, TokensValidAfter: &at})
		if err != nil {
			t.Fatal(err)
		}
		if !got.Disabled || got.Role != role || len(got.Areas) != 0 || !got.TokensValidAfter.Equal(at) || got.Name != "Ana" {
			t.Errorf("updated = %+v", got)
		}
	})
	t.Run("List", func(t *testing.T) {
		if err := users.CreateUser(ctx, &chorus.User{Email: "bea@example.org", Role: chorus.RoleAdmin}); err != nil {
			t.Fatal(err)
		}
		all, err := users.FindUsers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 || all[0].Email != "ana@example.org" || all[1].Email != "bea@example.org" {
			t.Errorf("FindUsers = %v", all)
		}
	})
}

func TestShareLinkService(t *testing.T) {
	ctx := context.Background()
	links := mongodb.NewShareLinkService(mongodbtest.Open(t))
	l := &chorus.ShareLink{BriefingID: "b1", CreatedBy: "u1", ExpiresAt: time.Now().Add(time.Hour)}
	if err := links.CreateShareLink(ctx, l); err != nil {
		t.Fatal(err)
	}
	got, err := links.FindShareLink(ctx, l.ID)
	if err != nil || got.BriefingID != "b1" || !got.Active(time.Now()) {
		t.Fatalf("FindShareLink = %+v, %v", got, err)
	}
	if err := links.RevokeShareLink(ctx, l.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if got, _ = links.FindShareLink(ctx, l.ID); got.Active(time.Now()) {
		t.Error("revoked link is still active")
	}
	if err := links.RevokeShareLink(ctx, "65f000000000000000000000", time.Now()); chorus.ErrorCode(err) != chorus.ENOTFOUND {
		t.Errorf("revoke unknown: err = %v, want ENOTFOUND", err)
	}
	all, err := links.FindShareLinks(ctx, "b1")
	if err != nil || len(all) != 1 {
		t.Errorf("FindShareLinks = %v, %v", all, err)
	}
}

func TestAuditService(t *testing.T) {
	ctx := context.Background()
	audit := mongodb.NewAuditService(mongodbtest.Open(t))
	base := time.Now().Add(-time.Hour)
	for i, a := range []string{chorus.ActionSignIn, chorus.ActionUserCreate, chorus.ActionSignIn} {
		e := &chorus.AuditEntry{Time: base.Add(time.Duration(i) * time.Minute), ActorID: "u1", Via: "web", Action: a, Object: "user:u2"}
		if err := audit.RecordAudit(ctx, e); err != nil || e.ID == "" {
			t.Fatalf("RecordAudit: %v, id %q", err, e.ID)
		}
	}
	all, err := audit.FindAudit(ctx, chorus.AuditFilter{})
	if err != nil || len(all) != 3 || all[0].Time.Before(all[2].Time) {
		t.Fatalf("FindAudit = %v, %v; want 3 newest first", all, err)
	}
	signins, _ := audit.FindAudit(ctx, chorus.AuditFilter{Action: chorus.ActionSignIn})
	if len(signins) != 2 {
		t.Errorf("by action: %d entries, want 2", len(signins))
	}
	older, _ := audit.FindAudit(ctx, chorus.AuditFilter{Before: all[0].Time, Limit: 1})
	if len(older) != 1 || older[0].ID != all[1].ID {
		t.Errorf("paging back: got %v, want the second newest", older)
	}
}
