package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chorus-voice/chorus/server/auth"
	"github.com/chorus-voice/chorus/server/chorus"
)

func loginBody(email, password string) string {
	b, _ := json.Marshal(map[string]string{"email": email, "password": password})
	return string(b)
}

func TestLoginAPI(t *testing.T) {
	f := newAuthFixture(t, Config{})
	resp := f.sendJSON("POST", "/api/v1/auth/login", loginBody(" Viewer@Example.org", fixturePassword))
	body := bodyOf(t, resp)
	if resp.StatusCode != 200 {
		t.Fatalf("login: %d %s", resp.StatusCode, body)
	}
	var got struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil || got.Token == "" || got.ExpiresAt.Sub(testNow()) > auth.SessionTTL {
		t.Fatalf("login body %s: %v", body, err)
	}
	c, ok := cookieOf(resp, sessionCookie)
	if !ok || c.Value != got.Token || !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.Domain != "" {
		t.Errorf("session cookie = %+v; want the token, HttpOnly, Secure, SameSite=Strict, Path=/, no Domain", c)
	}
	me := f.send("GET", "/api/v1/auth/me", "", "", "Authorization", "Bearer "+got.Token)
	if b := bodyOf(t, me); me.StatusCode != 200 || !strings.Contains(b, `"email":"viewer@example.org"`) || !strings.Contains(b, `"role":"viewer"`) {
		t.Errorf("me = %d %s", me.StatusCode, b)
	}
	if cc := me.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("me Cache-Control = %q, want no-store", cc)
	}

	t.Run("SameErrorForUnknownAndWrong", func(t *testing.T) {
		var first string
		for _, b := range []string{loginBody("viewer@example.org", "wrong password here"), loginBody("nobody@example.org", fixturePassword)} {
			resp := f.sendJSON("POST", "/api/v1/auth/login", b)
			var e errorBody
			_ = json.Unmarshal([]byte(bodyOf(t, resp)), &e)
			if resp.StatusCode != 401 {
				t.Fatalf("status %d, want 401", resp.StatusCode)
			}
			if first == "" {
				first = e.Error
			} else if e.Error != first {
				t.Errorf("messages differ: %q and %q", first, e.Error)
			}
		}
	})
	t.Run("BadBodies", func(t *testing.T) {
		for name, c := range map[string]struct {
			ctype, body string
			status      int
		}{
			"OperatorEmail":    {"application/json", `{"email":{"$ne":null},"password":"x"}`, 400},
			"OperatorPassword": {"application/json", `{"email":"viewer@example.org","password":{"$gt":""}}`, 400},
			"Where":            {"application/json", `{"$where":"1","email":"a","password":"b"}`, 400},
			"Array":            {"application/json", `[{"email":"viewer@example.org"}]`, 400},
			"Trailing":         {"application/json", loginBody("viewer@example.org", fixturePassword) + `{}`, 400},
			"NotJSON":          {"application/json", `email=viewer@example.org`, 400},
			"Empty":            {"application/json", `{}`, 400},
			"Form":             {formType, url.Values{"email": {"viewer@example.org"}, "password": {fixturePassword}}.Encode(), 415},
		} {
			t.Run(name, func(t *testing.T) {
				resp := f.send("POST", "/api/v1/auth/login", c.ctype, c.body)
				if resp.StatusCode != c.status {
					t.Errorf("status %d, want %d", resp.StatusCode, c.status)
				}
				if _, ok := cookieOf(resp, sessionCookie); ok {
					t.Error("a session cookie was set")
				}
			})
		}
	})
}

func TestLoginPage(t *testing.T) {
	f := newAuthFixture(t, Config{})
	b := f.browser()
	if loc := b.get("/admin/users").Header.Get("Location"); loc != "/login?next=%2Fadmin%2Fusers" {
		t.Fatalf("signed-out GET /admin/users went to %q", loc)
	}
	resp := b.submit("/login", "/login", url.Values{"email": {"admin@example.org"}, "password": {"wrong password here"}})
	body := bodyOf(t, resp)
	if resp.StatusCode != 401 || !strings.Contains(body, "The email or password is not right.") || !strings.Contains(body, `value="admin@example.org"`) {
		t.Errorf("wrong password: %d; want 401 with the message and the email kept", resp.StatusCode)
	}
	if strings.Contains(body, "wrong password here") {
		t.Error("the page echoes the password")
	}
	resp = b.submit("/login?next=%2Fadmin%2Fusers", "/login", url.Values{"email": {"admin@example.org"}, "password": {fixturePassword}, "next": {"/admin/users"}})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/users" {
		t.Fatalf("sign in: %d to %q, want 303 to /admin/users", resp.StatusCode, resp.Header.Get("Location"))
	}
	b.page("/admin/users")
	if loc := b.get("/login").Header.Get("Location"); loc != "/staff" {
		t.Errorf("signed-in GET /login went to %q, want /staff", loc)
	}

	t.Run("NoOpenRedirect", func(t *testing.T) {
		for _, next := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "/login"} {
			if got := safeNext(next); got != "" {
				t.Errorf("safeNext(%q) = %q, want \"\"", next, got)
			}
		}
		if got := safeNext("/briefings/b1?x=1"); got != "/briefings/b1?x=1" {
			t.Errorf("safeNext kept %q", got)
		}
	})
}

func TestMustChangePassword(t *testing.T) {
	f := newAuthFixture(t, Config{})
	u := &chorus.User{Email: "new@example.org", Role: chorus.RoleAdmin}
	oneTime, err := f.s.svc.Auth.CreateUser(t.Context(), auth.Actor{Via: "test"}, u, "")
	if err != nil {
		t.Fatal(err)
	}
	b := f.browser()
	resp := b.submit("/login", "/login", url.Values{"email": {u.Email}, "password": {oneTime}})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/account" {
		t.Fatalf("one-time sign in went %d to %q, want /account", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, path := range []string{"/staff", "/admin/users"} {
		if r := b.get(path); r.StatusCode != 303 || r.Header.Get("Location") != "/account" {
			t.Errorf("GET %s = %d to %q, want 303 to /account", path, r.StatusCode, r.Header.Get("Location"))
		}
	}
	tok := b.cookies[sessionCookie]
	if r := f.send("GET", "/api/v1/users", "", "", "Authorization", "Bearer "+tok); r.StatusCode != 403 {
		t.Errorf("API before changing: %d, want 403", r.StatusCode)
	}
	resp = b.submit("/account", "/account/password", url.Values{"current": {oneTime}, "password": {"violet kettle meadow"}, "confirm": {"violet kettle meadow"}})
	if resp.StatusCode != 303 {
		t.Fatalf("change password: %d", resp.StatusCode)
	}
	b.page("/admin/users")
	if r := f.send("GET", "/api/v1/users", "", "", "Authorization", "Bearer "+tok); r.StatusCode != 401 {
		t.Errorf("the session from before the change: %d, want 401", r.StatusCode)
	}
}

func TestPasswordChangeErrors(t *testing.T) {
	f := newAuthFixture(t, Config{})
	b := f.browser()
	b.signIn("viewer@example.org", fixturePassword)
	for name, c := range map[string]struct{ current, next, confirm, msg string }{
		"ErrWrongCurrent": {"not my password", "violet kettle meadow", "violet kettle meadow", "Your current password is not right."},
		"ErrMismatch":     {fixturePassword, "violet kettle meadow", "violet kettle meadoww", "The new passwords do not match."},
		"ErrCommon":       {fixturePassword, "password12345", "password12345", "too common"},
	} {
		t.Run(name, func(t *testing.T) {
			resp := b.submit("/account", "/account/password", url.Values{"current": {c.current}, "password": {c.next}, "confirm": {c.confirm}})
			body := bodyOf(t, resp)
			if resp.StatusCode != 422 || !strings.Contains(body, c.msg) || !strings.Contains(body, `aria-invalid="true"`) || !strings.Contains(body, "error-summary") {
				t.Errorf("status %d; want 422 with %q, an error summary and aria-invalid", resp.StatusCode, c.msg)
			}
		})
	}
}

// TestRevocation: after each way of ending sessions, a token from before answers 401
// on the very next request.
func TestRevocation(t *testing.T) {
	f := newAuthFixture(t, Config{})
	me := func(tok string) int {
		return f.send("GET", "/api/v1/auth/me", "", "", "Authorization", "Bearer "+tok).StatusCode
	}
	viewer := f.users["viewer"]
	for name, end := range map[string]func(old string, b *browser){
		"LogoutAPI": func(old string, _ *browser) {
			if r := f.send("POST", "/api/v1/auth/logout", "", "", "Authorization", "Bearer "+old); r.StatusCode != 204 {
				t.Fatalf("logout: %d", r.StatusCode)
			}
		},
		"LogoutPage": func(_ string, b *browser) {
			if r := b.submit("/staff", "/logout", url.Values{}); r.StatusCode != 303 {
				t.Fatalf("sign out: %d", r.StatusCode)
			}
		},
		"RevokeAll": func(_ string, b *browser) {
			if r := b.submit("/account", "/account/revoke", url.Values{}); r.StatusCode != 303 {
				t.Fatalf("sign out everywhere: %d", r.StatusCode)
			}
		},
		"PasswordChange": func(old string, _ *browser) {
			r := f.sendJSON("POST", "/api/v1/auth/password", `{"current":"`+fixturePassword+`","password":"violet kettle meadow"}`, "Authorization", "Bearer "+old)
			body := bodyOf(t, r)
			if r.StatusCode != 200 {
				t.Fatalf("password change: %d %s", r.StatusCode, body)
			}
			var got tokenResponse
			_ = json.Unmarshal([]byte(body), &got)
			if me(got.Token) != 200 {
				t.Error("the token given with the password change does not work")
			}
			_, _, _ = f.s.svc.Auth.ResetPassword(t.Context(), auth.Actor{Via: "test"}, viewer.ID, fixturePassword)
			no := false
			_, _ = f.s.svc.Users.UpdateUser(t.Context(), viewer.ID, chorus.UserUpdate{MustChangePassword: &no})
		},
		"AdminDisable": func(string, *browser) {
			a := f.browser()
			a.signIn("admin@example.org", fixturePassword)
			if r := a.submit("/admin/users/"+viewer.ID, "/admin/users/"+viewer.ID+"/disable", url.Values{}); r.StatusCode != 303 {
				t.Fatalf("disable: %d", r.StatusCode)
			}
			if r := a.submit("/admin/users/"+viewer.ID, "/admin/users/"+viewer.ID+"/enable", url.Values{}); r.StatusCode != 303 {
				t.Fatalf("enable: %d", r.StatusCode)
			}
		},
		"AdminRevoke": func(string, *browser) {
			a := f.browser()
			a.signIn("admin@example.org", fixturePassword)
			if r := a.submit("/admin/users/"+viewer.ID, "/admin/users/"+viewer.ID+"/revoke", url.Values{}); r.StatusCode != 303 {
				t.Fatalf("revoke: %d", r.StatusCode)
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			b := f.browser()
			b.signIn("viewer@example.org", fixturePassword)
			old := b.cookies[sessionCookie]
			apiTok, _ := f.session("viewer")
			if me(old) != 200 || me(apiTok) != 200 {
				t.Fatal("fresh sessions refused")
			}
			end(old, b)
			if st := me(old); st != 401 {
				t.Errorf("page session after %s: %d, want 401", name, st)
			}
			if st := me(apiTok); st != 401 {
				t.Errorf("API session after %s: %d, want 401", name, st)
			}
			if r := f.send("GET", "/staff", "", "", "Cookie", sessionCookie+"="+old); r.StatusCode != 303 {
				t.Errorf("page with the old cookie: %d, want 303 to sign in", r.StatusCode)
			}
		})
	}
	t.Run("DisabledCannotSignIn", func(t *testing.T) {
		if _, err := f.s.svc.Auth.SetDisabled(t.Context(), auth.Actor{Via: "test"}, f.users["viewerAll"].ID, true); err != nil {
			t.Fatal(err)
		}
		if r := f.sendJSON("POST", "/api/v1/auth/login", loginBody("viewerall@example.org", fixturePassword)); r.StatusCode != 401 {
			t.Errorf("status %d, want 401", r.StatusCode)
		}
	})
}

func TestLoginRateLimit(t *testing.T) {
	t.Run("UntrustedForwardedFor", func(t *testing.T) {
		f := newAuthFixture(t, Config{})
		for i := range 5 {
			r := f.sendJSON("POST", "/api/v1/auth/login", loginBody("admin@example.org", "wrong password here"), "X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i))
			if r.StatusCode != 401 {
				t.Fatalf("attempt %d: %d, want 401", i+1, r.StatusCode)
			}
		}
		r := f.sendJSON("POST", "/api/v1/auth/login", loginBody("admin@example.org", fixturePassword), "X-Forwarded-For", "198.51.100.99")
		if r.StatusCode != 429 || r.Header.Get("Retry-After") == "" {
			t.Errorf("6th attempt with a new X-Forwarded-For from an untrusted peer: %d, want 429 with Retry-After", r.StatusCode)
		}
		b := f.browser()
		resp := b.submit("/login", "/login", url.Values{"email": {"admin@example.org"}, "password": {fixturePassword}})
		if body := bodyOf(t, resp); resp.StatusCode != 429 || !strings.Contains(body, "Too many tries") {
			t.Errorf("sign-in page: %d, want 429 with a message", resp.StatusCode)
		}
		if r := f.sendJSON("POST", "/api/v1/auth/login", loginBody("viewer@example.org", fixturePassword)); r.StatusCode != 200 {
			t.Errorf("another account from the same address: %d, want 200", r.StatusCode)
		}
		later := testNow().Add(16 * time.Minute)
		f.s.svc.Auth.Now = func() time.Time { return later }
		if r := f.sendJSON("POST", "/api/v1/auth/login", loginBody("admin@example.org", fixturePassword)); r.StatusCode != 200 {
			t.Errorf("after the window: %d, want 200 (no permanent lockout)", r.StatusCode)
		}
	})
	t.Run("TrustedProxyRotating", func(t *testing.T) {
		f := newAuthFixture(t, Config{TrustedProxies: []string{"0.0.0.0"}})
		limited := 0
		for i := range 35 {
			r := f.sendJSON("POST", "/api/v1/auth/login", loginBody("admin@example.org", "wrong password here"), "X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))
			if r.StatusCode == 429 {
				limited++
			}
		}
		if limited == 0 {
			t.Error("35 failures for one account from 35 addresses were never limited")
		}
	})
}

func TestCSRF(t *testing.T) {
	f := newAuthFixture(t, Config{})
	t.Run("SignInForm", func(t *testing.T) {
		b := f.browser()
		b.page("/login")
		form := url.Values{"email": {"viewer@example.org"}, "password": {fixturePassword}}
		for name, csrf := range map[string]string{"Missing": "", "Wrong": "x" + f.s.svc.Tokens.CSRF("pre", "other")} {
			v := url.Values{"csrf": {csrf}}
			for k, vs := range form {
				v[k] = vs
			}
			if r := b.do("POST", "/login", formType, v.Encode()); r.StatusCode != 403 {
				t.Errorf("%s token: %d, want 403", name, r.StatusCode)
			}
		}
		if b.cookies[sessionCookie] != "" {
			t.Error("signed in without a valid CSRF token")
		}
		c := f.browser()
		csrf, _ := b.page("/login").Find("input[name=csrf]").Attr("value")
		v := url.Values{"csrf": {csrf}, "email": form["email"], "password": form["password"]}
		if r := c.do("POST", "/login", formType, v.Encode()); r.StatusCode != 403 {
			t.Errorf("another browser's token without its cookie: %d, want 403", r.StatusCode)
		}
	})
	t.Run("StaffForm", func(t *testing.T) {
		b := f.browser()
		b.signIn("facilitator@example.org", fixturePassword)
		other := f.browser()
		other.signIn("viewer@example.org", fixturePassword)
		otherCSRF, _ := other.page("/account").Find("input[name=csrf]").Attr("value")
		for name, csrf := range map[string]string{"Missing": "", "OtherUsers": otherCSRF} {
			if r := b.do("POST", "/account/revoke", formType, url.Values{"csrf": {csrf}}.Encode()); r.StatusCode != 403 {
				t.Errorf("%s token: %d, want 403", name, r.StatusCode)
			}
		}
		b.page("/staff") // still signed in: the forged revocations did nothing
		old, _ := b.page("/account").Find("input[name=csrf]").Attr("value")
		delete(b.cookies, sessionCookie)
		b.signIn("facilitator@example.org", fixturePassword)
		if r := b.do("POST", "/account/revoke", formType, url.Values{"csrf": {old}}.Encode()); r.StatusCode != 403 {
			t.Errorf("token from an earlier sign-in: %d, want 403", r.StatusCode)
		}
	})
	t.Run("APIWithCookie", func(t *testing.T) {
		tok, sess := f.session("viewer")
		if r := f.send("POST", "/api/v1/auth/refresh", "", "", "Cookie", sessionCookie+"="+tok); r.StatusCode != 403 {
			t.Errorf("cookie without X-CSRF-Token: %d, want 403", r.StatusCode)
		}
		if r := f.send("POST", "/api/v1/auth/refresh", "", "", "Cookie", sessionCookie+"="+tok, "X-CSRF-Token", f.csrfFor(sess)); r.StatusCode != 200 {
			t.Errorf("cookie with X-CSRF-Token: %d, want 200", r.StatusCode)
		}
		if r := f.send("POST", "/api/v1/auth/refresh", "", "", "Authorization", "Bearer "+tok); r.StatusCode != 200 {
			t.Errorf("bearer without CSRF token: %d, want 200", r.StatusCode)
		}
	})
}

func TestSessionRenewal(t *testing.T) {
	f := newAuthFixture(t, Config{})
	f.s.svc.Tokens.Now = func() time.Time { return testNow().Add(-10 * time.Minute) }
	tok, _ := f.session("viewer")
	f.s.svc.Tokens.Now = testNow
	r := f.send("GET", "/staff", "", "", "Cookie", sessionCookie+"="+tok)
	c, ok := cookieOf(r, sessionCookie)
	if r.StatusCode != 200 || !ok || c.Value == tok || c.Expires.Sub(testNow()) < auth.SessionTTL-time.Minute {
		t.Fatalf("page with a session past half its life: %d, new cookie %v", r.StatusCode, ok)
	}
	if r := f.send("GET", "/api/v1/auth/me", "", "", "Authorization", "Bearer "+tok); r.Header.Get("Set-Cookie") != "" {
		t.Error("a bearer request got a cookie")
	}
	fresh, _ := f.session("viewer")
	if r := f.send("GET", "/staff", "", "", "Cookie", sessionCookie+"="+fresh); r.Header.Get("Set-Cookie") != "" {
		t.Error("a fresh session was renewed needlessly")
	}

	t.Run("RefreshKeepsSignInTime", func(t *testing.T) {
		signedIn := testNow().Add(-auth.MaxSessionAge + time.Minute)
		old, _, err := f.s.svc.Tokens.IssueSession(f.users["viewer"].ID, &auth.Session{AuthTime: signedIn, SignIn: "s1"})
		if err != nil {
			t.Fatal(err)
		}
		r := f.send("POST", "/api/v1/auth/refresh", "", "", "Authorization", "Bearer "+old)
		var got tokenResponse
		_ = json.Unmarshal([]byte(bodyOf(t, r)), &got)
		if r.StatusCode != 200 || got.ExpiresAt.After(signedIn.Add(auth.MaxSessionAge)) {
			t.Errorf("refresh = %d, expires %v; want 200 and no later than 12 hours after signing in", r.StatusCode, got.ExpiresAt)
		}
	})
}
