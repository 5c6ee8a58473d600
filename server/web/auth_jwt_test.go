package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/chorus-voice/chorus/server/auth"
)

// TestSessionTokenDefects sends every kind of bad token to a staff API route, as a
// bearer token and as the cookie, and to a staff page: each gets 401 (or, for a page,
// the way to sign in) and no detail.
func TestSessionTokenDefects(t *testing.T) {
	f := newAuthFixture(t, Config{})
	admin := f.users["admin"]
	viewer := f.users["viewer"]
	now := testNow()
	claims := func(edit func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{
			"iss": auth.Issuer, "aud": []string{auth.AudienceSession}, "sub": viewer.ID, "jti": "j1",
			"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(auth.SessionTTL).Unix(),
			"iat_ms": now.UnixMilli(), "auth_time": now.Unix(), "sid": "s1",
		}
		if edit != nil {
			edit(c)
		}
		return c
	}
	sign := func(method jwt.SigningMethod, key any, c jwt.MapClaims) string {
		tok, err := jwt.NewWithClaims(method, c).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	// hmacWith signs any header with HMAC-SHA256 and the real secret, as an attacker
	// who knows it would in a key-confusion attack.
	hmacWith := func(header map[string]any, c jwt.MapClaims) string {
		in := enc(header) + "." + enc(c)
		m := hmac.New(sha256.New, f.secret)
		m.Write([]byte(in))
		return in + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	good := sign(jwt.SigningMethodHS256, f.secret, claims(nil))
	parts := strings.Split(good, ".")
	share, err := f.s.svc.Tokens.IssueShare("65f000000000000000000001", "b1", now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}

	if resp := f.send("GET", "/api/v1/auth/me", "", "", "Authorization", "Bearer "+good); resp.StatusCode != 200 {
		t.Fatalf("a well-made token got %d: the cases below would prove nothing", resp.StatusCode)
	}

	cases := map[string]string{
		"NoToken":          "",
		"AlgNone":          sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(nil)),
		"AlgNoneUpper":     enc(map[string]any{"alg": "NONE"}) + "." + enc(claims(nil)) + ".",
		"HS512":            sign(jwt.SigningMethodHS512, f.secret, claims(nil)),
		"HS384":            sign(jwt.SigningMethodHS384, f.secret, claims(nil)),
		"RS256":            sign(jwt.SigningMethodRS256, rsaKey, claims(nil)),
		"RS256SecretAsKey": hmacWith(map[string]any{"alg": "RS256", "typ": "JWT"}, claims(nil)),
		"TamperedPayload":  parts[0] + "." + enc(claims(func(c jwt.MapClaims) { c["sub"] = admin.ID })) + "." + parts[2],
		"TamperedHeader":   enc(map[string]any{"alg": "HS512", "typ": "JWT"}) + "." + parts[1] + "." + parts[2],
		"NoSignature":      parts[0] + "." + parts[1] + ".",
		"WrongIssuer":      sign(jwt.SigningMethodHS256, f.secret, claims(func(c jwt.MapClaims) { c["iss"] = "someone-else" })),
		"WrongAudience":    sign(jwt.SigningMethodHS256, f.secret, claims(func(c jwt.MapClaims) { c["aud"] = "chorus-share" })),
		"NoExpiry":         sign(jwt.SigningMethodHS256, f.secret, claims(func(c jwt.MapClaims) { delete(c, "exp") })),
		"ExpiredBeyondLeeway": sign(jwt.SigningMethodHS256, f.secret, claims(func(c jwt.MapClaims) {
			c["exp"] = now.Add(-auth.Leeway - 5*time.Second).Unix()
		})),
		"NotBeforeInFuture": sign(jwt.SigningMethodHS256, f.secret, claims(func(c jwt.MapClaims) { c["nbf"] = now.Add(5 * time.Minute).Unix() })),
		"IssuedInFuture": sign(jwt.SigningMethodHS256, f.secret, claims(func(c jwt.MapClaims) {
			c["iat"], c["iat_ms"] = now.Add(5*time.Minute).Unix(), now.Add(5*time.Minute).UnixMilli()
		})),
		"KidHeader":          hmacWith(map[string]any{"alg": "HS256", "typ": "JWT", "kid": "other"}, claims(nil)),
		"JkuHeader":          hmacWith(map[string]any{"alg": "HS256", "typ": "JWT", "jku": "https://evil.example/jwks"}, claims(nil)),
		"UnknownUser":        sign(jwt.SigningMethodHS256, f.secret, claims(func(c jwt.MapClaims) { c["sub"] = "65f000000000000000000000" })),
		"ShareLinkAsSession": share,
		"ThousandsOfDots":    strings.Repeat(".", 12000),
		"Garbage":            "not-a-token",
	}
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			headers := []string{}
			if tok != "" {
				headers = []string{"Authorization", "Bearer " + tok}
			}
			resp := f.send("GET", "/api/v1/auth/me", "", "", headers...)
			body := bodyOf(t, resp)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("bearer: status %d, want 401", resp.StatusCode)
			}
			if !strings.Contains(body, `"error":"Please sign in."`) {
				t.Errorf("bearer: body %s gives detail or none", body)
			}
			if name == "ThousandsOfDots" {
				t.Logf("answered in %v", time.Since(start))
			}
			if tok == "" || len(tok) > 4000 {
				return // a cookie that long does not fit in a request
			}
			if resp := f.send("GET", "/api/v1/auth/me", "", "", "Cookie", sessionCookie+"="+tok); resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("cookie: status %d, want 401", resp.StatusCode)
			}
			resp = f.send("GET", "/staff", "", "", "Cookie", sessionCookie+"="+tok)
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
				t.Errorf("page: status %d to %q, want 303 to sign in", resp.StatusCode, resp.Header.Get("Location"))
			}
			if c, ok := cookieOf(resp, sessionCookie); !ok || c.Value != "" {
				t.Error("page: the bad cookie was not cleared")
			}
		})
	}
	if strings.Contains(f.logs.String(), parts[1]) {
		t.Error("a token payload reached the log")
	}
}
