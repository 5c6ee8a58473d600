package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func goodSubmitClaims(now time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"iss": Issuer, "aud": []string{AudienceSubmit}, "sub": "0123456789abcdef", "svy": "group-voice",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	}
}

func TestSubmitToken(t *testing.T) {
	tk := newTestTokens(t)
	now := time.Now()
	submitKey := derive(testSecret, "chorus submit tokens v1")

	t.Run("OK", func(t *testing.T) {
		raw, exp, err := tk.IssueSubmit("group-voice", "0123456789abcdef", now.Add(72*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if d := exp.Sub(now); d > MaxSubmitTTL || d < MaxSubmitTTL-2*time.Second {
			t.Errorf("expires in %v, want the 24 h cap", d)
		}
		g, err := tk.ParseSubmit(raw)
		if err != nil || g.Survey != "group-voice" || g.Session != "0123456789abcdef" || !g.ExpiresAt.Equal(exp) {
			t.Fatalf("ParseSubmit = %+v, %v", g, err)
		}
	})
	t.Run("ExpiresWithTheCode", func(t *testing.T) {
		code := now.Add(3 * time.Hour)
		_, exp, err := tk.IssueSubmit("group-voice", "0123456789abcdef", code)
		if err != nil || !exp.Equal(code.Truncate(time.Second)) {
			t.Errorf("expiry %v, %v; want the code's, %v", exp, err, code)
		}
	})
	t.Run("ErrCodeExpired", func(t *testing.T) {
		if _, _, err := tk.IssueSubmit("group-voice", "0123456789abcdef", now.Add(-time.Second)); err == nil {
			t.Error("issued a token for a code that has expired")
		}
	})
	if _, err := tk.ParseSubmit(sign(t, submitKey, jwt.SigningMethodHS256, goodSubmitClaims(now))); err != nil {
		t.Fatalf("hand-made good token refused: %v; the negative cases below would prove nothing", err)
	}

	session, _, _ := tk.IssueSession("u1", nil)
	share, _ := tk.IssueShare("l1", "b1", now.Add(time.Hour))
	good, _, _ := tk.IssueSubmit("group-voice", "0123456789abcdef", now.Add(time.Hour))
	parts := strings.Split(good, ".")
	for name, bad := range map[string]string{
		"Empty":          "",
		"SessionToken":   session,
		"ShareToken":     share,
		"SessionKey":     sign(t, testSecret, jwt.SigningMethodHS256, goodSubmitClaims(now)),
		"AlgNone":        sign(t, jwt.UnsafeAllowNoneSignatureType, jwt.SigningMethodNone, goodSubmitClaims(now)),
		"HS512":          sign(t, submitKey, jwt.SigningMethodHS512, goodSubmitClaims(now)),
		"Tampered":       parts[0] + "." + b64(with(goodSubmitClaims(now), "svy", "other")) + "." + parts[2],
		"WrongAudience":  sign(t, submitKey, jwt.SigningMethodHS256, with(goodSubmitClaims(now), "aud", AudienceShare)),
		"WrongIssuer":    sign(t, submitKey, jwt.SigningMethodHS256, with(goodSubmitClaims(now), "iss", "evil")),
		"NoExp":          sign(t, submitKey, jwt.SigningMethodHS256, with(goodSubmitClaims(now), "exp", nil)),
		"Expired":        sign(t, submitKey, jwt.SigningMethodHS256, with(goodSubmitClaims(now), "exp", now.Add(-Leeway-2*time.Second).Unix())),
		"IssuedInFuture": sign(t, submitKey, jwt.SigningMethodHS256, with(goodSubmitClaims(now), "iat", now.Add(2*Leeway).Unix())),
		"NoSurvey":       sign(t, submitKey, jwt.SigningMethodHS256, with(goodSubmitClaims(now), "svy", nil)),
		"NoSession":      sign(t, submitKey, jwt.SigningMethodHS256, with(goodSubmitClaims(now), "sub", nil)),
		"Dots":           strings.Repeat(".", 10000),
	} {
		t.Run("Err"+name, func(t *testing.T) {
			if g, err := tk.ParseSubmit(bad); err == nil {
				t.Errorf("ParseSubmit = %+v; want an error", g)
			}
		})
	}
	t.Run("ErrNotASessionOrShare", func(t *testing.T) {
		if s, err := tk.ParseSession(good); err == nil {
			t.Errorf("a submit token passed as a session: %+v", s)
		}
		if s, err := tk.ParseShare(good); err == nil {
			t.Errorf("a submit token passed as a share link: %+v", s)
		}
	})
}

// BenchmarkParseSubmit measures the check on every submission to a survey that needs a
// code, against ParseSession in the same run.
func BenchmarkParseSubmit(b *testing.B) {
	tk, _ := NewTokens(testSecret)
	raw, _, _ := tk.IssueSubmit("group-voice", "0123456789abcdef", time.Now().Add(time.Hour))
	session, _, _ := tk.IssueSession("u1", nil)
	b.Run("Submit", func(b *testing.B) {
		for b.Loop() {
			if _, err := tk.ParseSubmit(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("SessionBaseline", func(b *testing.B) {
		for b.Loop() {
			if _, err := tk.ParseSession(session); err != nil {
				b.Fatal(err)
			}
		}
	})
}
