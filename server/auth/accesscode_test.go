package auth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chorus-voice/chorus/server/auth"
	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/mongodb"
	"github.com/chorus-voice/chorus/server/mongodb/mongodbtest"
)

func newAccessCodes(t *testing.T) (*auth.AccessCodes, *mongodb.AccessCodeService) {
	t.Helper()
	tokens, err := auth.NewTokens([]byte("0123456789abcdef0123456789abcdef-codes"))
	if err != nil {
		t.Fatal(err)
	}
	store := mongodb.NewAccessCodeService(mongodbtest.Open(t))
	return auth.NewAccessCodes(store, tokens, nil), store
}

var (
	codeSurvey  = &chorus.Survey{ID: "group-voice", Access: chorus.AccessModeCode}
	otherSurvey = &chorus.Survey{ID: "group-other", Access: chorus.AccessModeCode}
	openSurvey  = &chorus.Survey{ID: "open-voice", Access: chorus.AccessModeOpen}
)

func TestAccessCodes(t *testing.T) {
	ctx := context.Background()
	a, store := newAccessCodes(t)
	c, err := a.Create(ctx, codeSurvey, "  Oakfield CiCC,\t12 December ", 0, "u1")
	if err != nil {
		t.Fatal(err)
	}
	if c.Label != "Oakfield CiCC, 12 December" || c.CreatedBy != "u1" || len(c.Code) != chorus.AccessCodeLength {
		t.Errorf("created %+v", c)
	}
	if d := time.Until(c.ExpiresAt); d < 13*24*time.Hour || d > 14*24*time.Hour {
		t.Errorf("expires in %v, want the default 14 days", d)
	}

	t.Run("ErrCreate", func(t *testing.T) {
		for name, tt := range map[string]struct {
			sv          *chorus.Survey
			label       string
			days        int
			field, code string
		}{
			"OpenSurvey":  {openSurvey, "Group", 14, "", chorus.EINVALID},
			"NoLabel":     {codeSurvey, "   ", 14, "label", chorus.EINVALID},
			"LongLabel":   {codeSurvey, strings.Repeat("é", chorus.MaxAccessCodeLabel+1), 14, "label", chorus.EINVALID},
			"TooManyDays": {codeSurvey, "Group", 91, "days", chorus.EINVALID},
			"NoDays":      {codeSurvey, "Group", -1, "days", chorus.EINVALID},
		} {
			t.Run(name, func(t *testing.T) {
				_, err := a.Create(ctx, tt.sv, tt.label, tt.days, "u1")
				if chorus.ErrorCode(err) != tt.code || tt.field != "" && chorus.ErrorFields(err)[tt.field] == "" {
					t.Errorf("err = %v (fields %v); want %s on %q", err, chorus.ErrorFields(err), tt.code, tt.field)
				}
			})
		}
	})

	t.Run("GrantAndVerify", func(t *testing.T) {
		typed := strings.ToLower(c.Display()) // k7qm-2pxw: any case, with the dash
		tok, exp, err := a.Grant(ctx, codeSurvey, " "+typed+" ", "client-1")
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Until(exp); d > auth.MaxSubmitTTL || d < auth.MaxSubmitTTL-time.Minute {
			t.Errorf("token expires in %v, want 24 h", d)
		}
		if strings.Contains(tok, c.Code) {
			t.Error("the token carries the code")
		}
		session, err := a.Verify(ctx, codeSurvey.ID, tok)
		if err != nil || session != c.ID {
			t.Errorf("Verify = %q, %v; want the code's session %q", session, err, c.ID)
		}
		if _, err := a.Verify(ctx, otherSurvey.ID, tok); chorus.ErrorFields(err)["token"] == "" {
			t.Errorf("Verify for another survey: err = %v, want EINVALID on token", err)
		}
		if _, err := a.Verify(ctx, codeSurvey.ID, ""); chorus.ErrorFields(err)["token"] != chorus.MsgTokenMissing {
			t.Errorf("Verify without a token: err = %v", err)
		}
	})

	t.Run("ErrGrant", func(t *testing.T) {
		for name, typed := range map[string]string{
			"Malformed":   "K7QM-2PX",
			"Ambiguous":   "O0I1-L2PX",
			"Unknown":     "ZZZZ-ZZZZ",
			"OtherSurvey": "",
		} {
			t.Run(name, func(t *testing.T) {
				sv := codeSurvey
				if typed == "" {
					sv, typed = otherSurvey, c.Code
				}
				_, _, err := a.Grant(ctx, sv, typed, "client-2")
				if chorus.ErrorCode(err) != chorus.EINVALID || chorus.ErrorFields(err)["code"] != chorus.MsgCodeWrong {
					t.Errorf("err = %v, want EINVALID: %s", err, chorus.MsgCodeWrong)
				}
			})
		}
	})

	t.Run("ErrTooManyGuesses", func(t *testing.T) {
		var err error
		for range 40 {
			if _, _, err = a.Grant(ctx, codeSurvey, "ZZZZ-ZZZZ", "client-3"); chorus.ErrorCode(err) == chorus.ETOOMANY {
				break
			}
		}
		if chorus.ErrorCode(err) != chorus.ETOOMANY || chorus.ErrorFields(err)["code"] == "" {
			t.Fatalf("after 40 wrong codes: err = %v, want ETOOMANY", err)
		}
		if _, _, err := a.Grant(ctx, codeSurvey, c.Code, "client-3"); chorus.ErrorCode(err) != chorus.ETOOMANY {
			t.Errorf("right code while locked out: err = %v, want ETOOMANY", err)
		}
		if _, _, err := a.Grant(ctx, codeSurvey, c.Code, "client-4"); err != nil {
			t.Errorf("another client: err = %v", err)
		}
	})

	t.Run("Expired", func(t *testing.T) {
		tok, _, err := a.Grant(ctx, codeSurvey, c.Code, "client-5")
		if err != nil {
			t.Fatal(err)
		}
		later := func() time.Time { return time.Now().Add(15 * 24 * time.Hour) }
		a.Now, a.Tokens.Now = later, later
		defer func() { a.Now, a.Tokens.Now = time.Now, time.Now }()
		if _, _, err := a.Grant(ctx, codeSurvey, c.Code, "client-5"); chorus.ErrorFields(err)["code"] != chorus.MsgCodeStopped {
			t.Errorf("Grant after expiry: err = %v, want %q", err, chorus.MsgCodeStopped)
		}
		if _, err := a.Verify(ctx, codeSurvey.ID, tok); chorus.ErrorFields(err)["token"] != chorus.MsgTokenStopped {
			t.Errorf("Verify after expiry: err = %v, want %q", err, chorus.MsgTokenStopped)
		}
	})

	t.Run("Revoke", func(t *testing.T) {
		tok, _, err := a.Grant(ctx, codeSurvey, c.Code, "client-6")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Revoke(ctx, otherSurvey.ID, c.ID); chorus.ErrorCode(err) != chorus.ENOTFOUND {
			t.Errorf("revoke through another survey: err = %v, want ENOTFOUND", err)
		}
		got, err := a.Revoke(ctx, codeSurvey.ID, c.ID)
		if err != nil || got.RevokedAt.IsZero() {
			t.Fatalf("Revoke = %+v, %v", got, err)
		}
		if _, err := a.Verify(ctx, codeSurvey.ID, tok); chorus.ErrorFields(err)["token"] != chorus.MsgTokenStopped {
			t.Errorf("Verify after revoke: err = %v, want %q", err, chorus.MsgTokenStopped)
		}
		if _, _, err := a.Grant(ctx, codeSurvey, c.Code, "client-6"); chorus.ErrorFields(err)["code"] != chorus.MsgCodeStopped {
			t.Errorf("Grant after revoke: err = %v, want %q", err, chorus.MsgCodeStopped)
		}
	})

	t.Run("RevokedElsewhere", func(t *testing.T) {
		// Another instance revokes a code in the store; this one sees it on its next read.
		d, err := a.Create(ctx, codeSurvey, "Class 5", 1, "u1")
		if err != nil {
			t.Fatal(err)
		}
		tok, _, err := a.Grant(ctx, codeSurvey, d.Code, "client-7")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Verify(ctx, codeSurvey.ID, tok); err != nil {
			t.Fatal(err)
		}
		if err := store.RevokeAccessCode(ctx, d.ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := a.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Verify(ctx, codeSurvey.ID, tok); chorus.ErrorFields(err)["token"] == "" {
			t.Errorf("Verify after a revoke elsewhere and a refresh: err = %v", err)
		}
	})

	list, err := a.List(ctx, codeSurvey.ID)
	if err != nil || len(list) != 2 {
		t.Errorf("List = %v, %v; want 2 codes", list, err)
	}
}

// TestAccessCodesFirstRead checks that a fresh instance reads the revoked codes before
// it passes any token, so a restart does not let a revoked code's tokens back in.
func TestAccessCodesFirstRead(t *testing.T) {
	ctx := context.Background()
	a, store := newAccessCodes(t)
	c, err := a.Create(ctx, codeSurvey, "Group", 14, "u1")
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := a.Grant(ctx, codeSurvey, c.Code, "client")
	if err != nil {
		t.Fatal(err)
	}
	if err := store.RevokeAccessCode(ctx, c.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	fresh := auth.NewAccessCodes(store, a.Tokens, nil)
	if _, err := fresh.Verify(ctx, codeSurvey.ID, tok); chorus.ErrorFields(err)["token"] != chorus.MsgTokenStopped {
		t.Errorf("Verify on a fresh instance: err = %v, want the revoked code's token refused", err)
	}
}
