package web

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// TestAuthLogsCarryNoCanaries runs the account flows with canary values — an email, two
// passwords, the tokens they yield and a client address sent through a trusted proxy —
// and checks that none of them reaches the log, while the log does record the
// attempts.
func TestAuthLogsCarryNoCanaries(t *testing.T) {
	const (
		canaryEmail    = "canary.q7x3@example.org"
		canaryPassword = "Canary horse 7q3x battery"
		canaryNew      = "Canary kettle 9z1w meadow"
		canaryIP       = "203.0.113.77"
		canaryUnknown  = "canary.nobody.k2p9@example.org"
	)
	f := newAuthFixture(t, Config{TrustedProxies: []string{"0.0.0.0"}})
	xff := []string{"X-Forwarded-For", canaryIP}

	admin := f.browser(xff...)
	admin.signIn("admin@example.org", fixturePassword)
	resp := admin.submit("/admin/users/new", "/admin/users", url.Values{"email": {canaryEmail}, "role": {"facilitator"}})
	oneTime := docOf(t, resp).Find("code").Text()
	if resp.StatusCode != 200 || oneTime == "" {
		t.Fatalf("add the canary user: %d", resp.StatusCode)
	}
	uid := ""
	if u, err := f.s.svc.Users.FindUserByEmail(t.Context(), canaryEmail); err == nil {
		uid = u.ID
	}

	// Sign in with the one-time password and choose the canary password on the page.
	b := f.browser(xff...)
	b.submit("/login", "/login", url.Values{"email": {canaryEmail}, "password": {oneTime}})
	b.submit("/account", "/account/password", url.Values{"current": {oneTime}, "password": {canaryPassword}, "confirm": {canaryPassword}})
	pageToken := b.cookies[sessionCookie]

	// The API: a wrong password, the right one, me, refresh, a change, sign out.
	f.sendJSON("POST", "/api/v1/auth/login", loginBody(canaryEmail, canaryPassword+"!"), xff...)
	resp = f.sendJSON("POST", "/api/v1/auth/login", loginBody(canaryEmail, canaryPassword), xff...)
	var got tokenResponse
	_ = json.Unmarshal([]byte(bodyOf(t, resp)), &got)
	token := got.Token
	if token == "" {
		t.Fatal("no token from the canary sign-in")
	}
	bearer := append([]string{"Authorization", "Bearer " + token}, xff...)
	f.send("GET", "/api/v1/auth/me", "", "", bearer...)
	f.send("GET", "/staff?email="+url.QueryEscape(canaryEmail)+"&token="+token, "", "", "Cookie", sessionCookie+"="+pageToken, "X-Forwarded-For", canaryIP)
	resp = f.send("POST", "/api/v1/auth/refresh", "", "", bearer...)
	_ = json.Unmarshal([]byte(bodyOf(t, resp)), &got)
	refreshed := got.Token
	f.send("GET", "/api/v1/auth/me", "", "", append([]string{"Authorization", "Bearer " + token[:len(token)-4] + "AAAA"}, xff...)...)
	f.send("POST", "/account/revoke", formType, "csrf=forged", "Cookie", sessionCookie+"="+pageToken, "X-Forwarded-For", canaryIP)
	resp = f.sendJSON("POST", "/api/v1/auth/password", `{"current":"`+canaryPassword+`","password":"`+canaryNew+`"}`, bearer...)
	_ = json.Unmarshal([]byte(bodyOf(t, resp)), &got)
	changed := got.Token
	f.send("POST", "/api/v1/auth/logout", "", "", append([]string{"Authorization", "Bearer " + changed}, xff...)...)
	f.send("GET", "/api/v1/auth/me", "", "", bearer...)

	// Guessing: an unknown account, then one account until it is limited.
	f.sendJSON("POST", "/api/v1/auth/login", loginBody(canaryUnknown, canaryPassword), xff...)
	for range 7 {
		f.sendJSON("POST", "/api/v1/auth/login", loginBody(canaryEmail, canaryPassword+"?"), xff...)
	}
	f.send("POST", "/api/v1/auth/login", formType, "email="+url.QueryEscape(canaryEmail), xff...)
	f.sendJSON("POST", "/api/v1/auth/login", `{"email":{"$ne":"`+canaryEmail+`"},"password":"`+canaryPassword+`"}`, xff...)
	admin.submit("/admin/users/"+uid, "/admin/users/"+uid+"/disable", url.Values{})
	viewerTok, _ := f.session("viewer")
	f.send("GET", "/api/v1/users", "", "", "Authorization", "Bearer "+viewerTok, "X-Forwarded-For", canaryIP)

	logs := f.logs.String()
	canaries := map[string]string{
		"email": canaryEmail, "email local part": "canary.q7x3", "unknown email": canaryUnknown,
		"password": canaryPassword, "new password": canaryNew, "one-time password": oneTime,
		"client address": canaryIP,
	}
	for name, tok := range map[string]string{"token": token, "page token": pageToken, "refreshed token": refreshed, "changed token": changed} {
		if tok == "" {
			t.Fatalf("the flows yielded no %s", name)
		}
		p := strings.Split(tok, ".")
		canaries[name+" payload"], canaries[name+" signature"] = p[1], p[2]
	}
	for name, v := range canaries {
		if strings.Contains(logs, v) {
			t.Errorf("the log carries the canary %s", name)
		}
	}
	for _, want := range []string{`"outcome":"ok"`, `"outcome":"failed"`, `"outcome":"rate_limited"`, `"msg":"csrf check failed"`, `"msg":"access denied"`, `"route":"/api/v1/auth/login"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log lacks %s: the flows did not run as meant, or logging went quiet", want)
		}
	}
}
