package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/chorus-voice/chorus/server/chorus"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef-test")

func newTestTokens(t *testing.T) *Tokens {
	t.Helper()
	tk, err := NewTokens(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// sign makes a token with method and key from claims as given.
func sign(t *testing.T, key any, method jwt.SigningMethod, claims jwt.MapClaims) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func goodClaims(now time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"iss": Issuer, "aud": []string{AudienceSession}, "sub": "u1", "jti": "j1",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(SessionTTL).Unix(),
		"iat_ms": now.UnixMilli(), "auth_time": now.Unix(), "sid": "s1",
	}
}

func with(c jwt.MapClaims, k string, v any) jwt.MapClaims {
	out := jwt.MapClaims{}
	for kk, vv := range c {
		out[kk] = vv
	}
	if v == nil {
		delete(out, k)
	} else {
		out[k] = v
	}
	return out
}

func b64(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

func TestNewTokens(t *testing.T) {
	if _, err := NewTokens([]byte("short")); err == nil {
		t.Error("NewTokens accepted a 5-byte secret")
	}
}

func TestSessionToken(t *testing.T) {
	tk := newTestTokens(t)
	now := time.Now()
	raw, sess, err := tk.IssueSession("u1", nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tk.ParseSession(raw)
	if err != nil {
		t.Fatalf("ParseSession(issued) = %v", err)
	}
	if got.UserID != "u1" || got.ID != sess.ID || !got.IssuedAt.Equal(sess.IssuedAt) || got.ExpiresAt.Sub(now) > SessionTTL+time.Second {
		t.Errorf("parsed %+v, issued %+v", got, sess)
	}
	if strings.Contains(raw, "@") {
		t.Error("token payload looks like it holds an email")
	}
	if _, err := tk.ParseSession(sign(t, testSecret, jwt.SigningMethodHS256, goodClaims(now))); err != nil {
		t.Fatalf("hand-made good token refused: %v; the negative cases below would prove nothing", err)
	}

	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	share, _ := tk.IssueShare("l1", "b1", now.Add(time.Hour))
	parts := strings.Split(raw, ".")
	hs := func(header map[string]any, claims jwt.MapClaims) string {
		in := b64(header) + "." + b64(claims)
		m := hmac.New(sha256.New, testSecret)
		m.Write([]byte(in))
		return in + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
	}
	for name, bad := range map[string]string{
		"Empty":          "",
		"AlgNone":        sign(t, jwt.UnsafeAllowNoneSignatureType, jwt.SigningMethodNone, goodClaims(now)),
		"AlgNoneNoSig":   b64(map[string]any{"alg": "none", "typ": "JWT"}) + "." + b64(goodClaims(now)) + ".",
		"HS512":          sign(t, testSecret, jwt.SigningMethodHS512, goodClaims(now)),
		"RS256":          mustRS(t, rsaKey, goodClaims(now)),
		"RS256HMACKey":   hs(map[string]any{"alg": "RS256", "typ": "JWT"}, goodClaims(now)),
		"Tampered":       parts[0] + "." + b64(with(goodClaims(now), "sub", "admin")) + "." + parts[2],
		"WrongKey":       sign(t, []byte("another secret of at least 32 bytes!!"), jwt.SigningMethodHS256, goodClaims(now)),
		"WrongIssuer":    sign(t, testSecret, jwt.SigningMethodHS256, with(goodClaims(now), "iss", "evil")),
		"NoIssuer":       sign(t, testSecret, jwt.SigningMethodHS256, with(goodClaims(now), "iss", nil)),
		"WrongAudience":  sign(t, testSecret, jwt.SigningMethodHS256, with(goodClaims(now), "aud", "chorus-share")),
		"NoAudience":     sign(t, testSecret, jwt.SigningMethodHS256, with(goodClaims(now), "aud", nil)),
		"NoExp":          sign(t, testSecret, jwt.SigningMethodHS256, with(goodClaims(now), "exp", nil)),
		"Expired":        sign(t, testSecret, jwt.SigningMethodHS256, with(goodClaims(now.Add(-time.Hour)), "exp", now.Add(-Leeway-2*time.Second).Unix())),
		"NotYetValid":    sign(t, testSecret, jwt.SigningMethodHS256, with(goodClaims(now), "nbf", now.Add(2*Leeway).Unix())),
		"IssuedInFuture": sign(t, testSecret, jwt.SigningMethodHS256, with(goodClaims(now), "iat", now.Add(2*Leeway).Unix())),
		"NoIat":          sign(t, testSecret, jwt.SigningMethodHS256, with(goodClaims(now), "iat", nil)),
		"NoIatMs":        sign(t, testSecret, jwt.SigningMethodHS256, with(goodClaims(now), "iat_ms", nil)),
		"IatMsMismatch":  sign(t, testSecret, jwt.SigningMethodHS256, with(goodClaims(now), "iat_ms", now.Add(-time.Hour).UnixMilli())),
		"NoSignIn":       sign(t, testSecret, jwt.SigningMethodHS256, with(goodClaims(now), "sid", nil)),
		"NoSubject":      sign(t, testSecret, jwt.SigningMethodHS256, with(goodClaims(now), "sub", nil)),
		"TooOld":         sign(t, testSecret, jwt.SigningMethodHS256, with(goodClaims(now), "auth_time", now.Add(-MaxSessionAge-time.Hour).Unix())),
		"KidHeader":      hs(map[string]any{"alg": "HS256", "typ": "JWT", "kid": "../../etc/passwd"}, goodClaims(now)),
		"JkuHeader":      hs(map[string]any{"alg": "HS256", "typ": "JWT", "jku": "https://evil.example/keys"}, goodClaims(now)),
		"ShareToken":     share,
		"Dots":           strings.Repeat(".", 10000),
		"TwoParts":       parts[0] + "." + parts[1],
		"Huge":           raw + strings.Repeat("A", 5000),
	} {
		t.Run(name, func(t *testing.T) {
			s, err := tk.ParseSession(bad)
			if err == nil || chorus.ErrorCode(err) != chorus.EUNAUTHORIZED {
				t.Fatalf("ParseSession = %+v, %v; want EUNAUTHORIZED", s, err)
			}
			if msg := chorus.ErrorMessage(err); msg != "Please sign in." {
				t.Errorf("message %q gives detail", msg)
			}
		})
	}
}

func mustRS(t *testing.T, key *rsa.PrivateKey, c jwt.MapClaims) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodRS256, c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestParseSessionDots guards against CVE-2025-30204: a header of dots must cost
// next to nothing, so allocations stay fixed whatever its length.
func TestParseSessionDots(t *testing.T) {
	tk := newTestTokens(t)
	dots := strings.Repeat(".", 16000)
	if n := testing.AllocsPerRun(100, func() { _, _ = tk.ParseSession(dots) }); n > 10 {
		t.Errorf("ParseSession(16000 dots) allocates %v times per call, want ≤ 10", n)
	}
}

func TestSessionRenewal(t *testing.T) {
	tk := newTestTokens(t)
	signedIn := time.Now().Add(-MaxSessionAge + 5*time.Minute)
	_, s, err := tk.IssueSession("u1", &Session{AuthTime: signedIn, SignIn: "s1"})
	if err != nil {
		t.Fatal(err)
	}
	if limit := signedIn.Add(MaxSessionAge); s.ExpiresAt.After(limit) {
		t.Errorf("renewed session expires %v, after the maximum age ends at %v", s.ExpiresAt, limit)
	}
	if _, _, err := tk.IssueSession("u1", &Session{AuthTime: time.Now().Add(-MaxSessionAge), SignIn: "s1"}); chorus.ErrorCode(err) != chorus.EUNAUTHORIZED {
		t.Errorf("renewing past the maximum age: err = %v, want EUNAUTHORIZED", err)
	}
}

func TestShareToken(t *testing.T) {
	tk := newTestTokens(t)
	now := time.Now()
	raw, err := tk.IssueShare("l1", "b1", now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	sh, err := tk.ParseShare(raw)
	if err != nil || sh.LinkID != "l1" || sh.BriefingID != "b1" {
		t.Fatalf("ParseShare = %+v, %v", sh, err)
	}
	session, _, _ := tk.IssueSession("u1", nil)
	if _, err := tk.ParseShare(session); err == nil {
		t.Error("a session token passed as a share token")
	}
	for name, exp := range map[string]time.Time{"ErrPast": now.Add(-time.Minute), "ErrTooLong": now.Add(MaxShareTTL + time.Hour)} {
		if _, err := tk.IssueShare("l1", "b1", exp); chorus.ErrorCode(err) != chorus.EINVALID {
			t.Errorf("%s: IssueShare err = %v, want EINVALID", name, err)
		}
	}
	tk.Now = func() time.Time { return now.Add(2 * time.Hour) }
	if _, err := tk.ParseShare(raw); err == nil {
		t.Error("an expired share token passed")
	}
}

func TestCSRF(t *testing.T) {
	tk := newTestTokens(t)
	tok := tk.CSRF("session", "u1", "100")
	if !tk.CheckCSRF(tok, "session", "u1", "100") {
		t.Fatal("CheckCSRF refused its own token")
	}
	for name, parts := range map[string][]string{
		"OtherUser":     {"session", "u2", "100"},
		"OtherSignIn":   {"session", "u1", "101"},
		"PreSignIn":     {"pre", "u1"},
		"Concatenation": {"session", "u11", "00"},
	} {
		if tk.CheckCSRF(tok, parts...) {
			t.Errorf("%s: token accepted", name)
		}
	}
	if tk.CheckCSRF("", "session", "u1", "100") {
		t.Error("empty token accepted")
	}
	other, _ := NewTokens([]byte("another secret of at least 32 bytes!!"))
	if other.CheckCSRF(tok, "session", "u1", "100") {
		t.Error("token accepted under another secret")
	}
}

func TestLoadOrCreateSecret(t *testing.T) {
	dir := t.TempDir()
	first, err := LoadOrCreateSecret(dir)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, "jwt-secret"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("secret file mode = %v, %v; want 0600", info.Mode().Perm(), err)
	}
	if len(first) < MinSecretLen {
		t.Errorf("secret is %d bytes", len(first))
	}
	again, err := LoadOrCreateSecret(dir)
	if err != nil || string(again) != string(first) {
		t.Errorf("second load = %q, %v; want the same secret", again, err)
	}
	t.Run("ErrReadableByOthers", func(t *testing.T) {
		_ = os.Chmod(filepath.Join(dir, "jwt-secret"), 0o644)
		if _, err := LoadOrCreateSecret(dir); err == nil {
			t.Error("loaded a secret others can read")
		}
	})
	t.Run("ErrTooShort", func(t *testing.T) {
		d := t.TempDir()
		_ = os.WriteFile(filepath.Join(d, "jwt-secret"), []byte("short\n"), 0o600)
		if _, err := LoadOrCreateSecret(d); err == nil {
			t.Error("loaded a 5-byte secret")
		}
	})
}
