package mongodb_test

import (
	"context"
	"testing"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/mongodb"
	"github.com/chorus-voice/chorus/server/mongodb/mongodbtest"
)

func TestAccessCodeService(t *testing.T) {
	ctx := context.Background()
	db := mongodbtest.Open(t)
	codes := mongodb.NewAccessCodeService(db)
	now := time.Now()

	a := &chorus.AccessCode{Survey: "s1", Code: "K7QM2PXW", Label: "Oakfield CiCC, 12 December", CreatedBy: "u1", ExpiresAt: now.Add(time.Hour)}
	if err := codes.CreateAccessCode(ctx, a); err != nil {
		t.Fatal(err)
	}
	if len(a.ID) != 16 || a.CreatedAt.IsZero() {
		t.Fatalf("created %+v; want a 16-character id and a creation time", a)
	}
	time.Sleep(5 * time.Millisecond) // creation times are kept to the millisecond: b is newer
	b := &chorus.AccessCode{Survey: "s1", Code: "ABCDEFGH", Label: "Class 5", ExpiresAt: now.Add(2 * time.Hour)}
	other := &chorus.AccessCode{Survey: "s2", Code: "HGFEDCBA", Label: "Elsewhere", ExpiresAt: now.Add(time.Hour)}
	for _, c := range []*chorus.AccessCode{b, other} {
		if err := codes.CreateAccessCode(ctx, c); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("ErrSameCode", func(t *testing.T) {
		dup := &chorus.AccessCode{Survey: "s2", Code: "K7QM2PXW", Label: "x", ExpiresAt: now.Add(time.Hour)}
		if err := codes.CreateAccessCode(ctx, dup); chorus.ErrorCode(err) != chorus.ECONFLICT {
			t.Errorf("err = %v, want ECONFLICT", err)
		}
	})
	t.Run("FindByCode", func(t *testing.T) {
		got, err := codes.FindAccessCodeByCode(ctx, "K7QM2PXW")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != a.ID || got.Survey != "s1" || got.Label != a.Label || got.CreatedBy != "u1" || !got.ExpiresAt.Equal(a.ExpiresAt.Truncate(time.Millisecond)) || !got.RevokedAt.IsZero() {
			t.Errorf("got %+v, want %+v", got, a)
		}
		if _, err := codes.FindAccessCodeByCode(ctx, "ZZZZZZZZ"); chorus.ErrorCode(err) != chorus.ENOTFOUND {
			t.Errorf("unknown code: err = %v, want ENOTFOUND", err)
		}
	})
	t.Run("FindBySurvey", func(t *testing.T) {
		list, err := codes.FindAccessCodes(ctx, "s1")
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != b.ID || list[1].ID != a.ID {
			t.Errorf("FindAccessCodes(s1) = %v; want b then a (newest first)", list)
		}
	})
	t.Run("Revoke", func(t *testing.T) {
		if ids, err := codes.FindRevokedAccessCodes(ctx, now); err != nil || len(ids) != 0 {
			t.Fatalf("revoked before = %v, %v; want none", ids, err)
		}
		if err := codes.RevokeAccessCode(ctx, a.ID, now); err != nil {
			t.Fatal(err)
		}
		if err := codes.RevokeAccessCode(ctx, a.ID, now.Add(time.Minute)); err != nil {
			t.Fatalf("second revoke: %v", err)
		}
		got, err := codes.FindAccessCode(ctx, a.ID)
		if err != nil || !got.RevokedAt.Equal(now.Truncate(time.Millisecond)) || got.Active(now) {
			t.Errorf("after revoke %+v, %v; want revoked at the first time", got, err)
		}
		if ids, err := codes.FindRevokedAccessCodes(ctx, now); err != nil || len(ids) != 1 || ids[0] != a.ID {
			t.Errorf("revoked = %v, %v; want [%s]", ids, err, a.ID)
		}
		if ids, _ := codes.FindRevokedAccessCodes(ctx, now.Add(2*time.Hour)); len(ids) != 0 {
			t.Errorf("revoked codes expiring later = %v; want none", ids)
		}
		if err := codes.RevokeAccessCode(ctx, "nope", now); chorus.ErrorCode(err) != chorus.ENOTFOUND {
			t.Errorf("revoke unknown: err = %v, want ENOTFOUND", err)
		}
	})
}

// TestResponseGroupSession checks that a response keeps its group session and that
// responses stored without one still read.
func TestResponseGroupSession(t *testing.T) {
	ctx := context.Background()
	db := mongodbtest.Open(t)
	store := db.NewResponseStore(0, 0)
	t.Cleanup(func() { _ = store.Close(context.Background()) })
	for _, r := range []*chorus.Response{
		{SubmissionID: "with-session-1", Survey: "s1", Version: "v", Day: "2026-01-05", Answers: chorus.Answers{}, Digest: "d1", GroupSession: "0123456789abcdef"},
		{SubmissionID: "without-session", Survey: "s1", Version: "v", Day: "2026-01-05", Answers: chorus.Answers{}, Digest: "d2"},
	} {
		if err := store.InsertResponse(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]string{}
	err := store.EachResponse(ctx, "s1", func(r *chorus.Response) error {
		got[r.SubmissionID] = r.GroupSession
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["with-session-1"] != "0123456789abcdef" || got["without-session"] != "" {
		t.Errorf("group sessions read back = %v", got)
	}
}
