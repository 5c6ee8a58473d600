package web

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/chorus-voice/chorus/server/auth"
	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/mongodb"
)

// fixturePassword is every fixture user's password.
const fixturePassword = "tangerine orbit lantern"

// Council areas of the two area-limited viewers.
const (
	areaA = "E10000002"
	areaB = "E06000001"
)

// lockedBuffer collects log output from concurrent requests.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// authFixture is a Server with real account services on a fresh database of the
// embedded store, with one user per role.
type authFixture struct {
	t      *testing.T
	s      *Server
	db     *mongodb.DB
	secret []byte
	logs   *lockedBuffer
	// users by name: admin, facilitator, viewer (areaA), viewerOther (areaB), viewerAll.
	users map[string]*chorus.User
	// stubbed: the handlers are stubs (authz_test), so answers are not checked against openapi.json.
	stubbed bool
}

func newAuthFixture(t *testing.T, cfg Config) *authFixture {
	t.Helper()
	ts := newTestServer(t, withConfig(cfg))
	f := &authFixture{t: t, s: ts.Server, db: ts.DB, secret: ts.Secret, logs: ts.Logs, users: map[string]*chorus.User{}}
	for _, u := range []struct {
		name  string
		role  chorus.Role
		areas []string
	}{
		{"admin", chorus.RoleAdmin, nil},
		{"facilitator", chorus.RoleFacilitator, nil},
		{"viewer", chorus.RoleViewer, []string{areaA}},
		{"viewerOther", chorus.RoleViewer, []string{areaB}},
		{"viewerAll", chorus.RoleViewer, nil},
	} {
		f.users[u.name] = f.addUser(strings.ToLower(u.name)+"@example.org", u.role, u.areas)
	}
	return f
}

func (f *authFixture) addUser(email string, role chorus.Role, areas []string) *chorus.User {
	f.t.Helper()
	u := &chorus.User{Email: email, Role: role, Areas: areas}
	if _, err := f.s.svc.Auth.CreateUser(context.Background(), auth.Actor{Via: "test"}, u, fixturePassword); err != nil {
		f.t.Fatal(err)
	}
	return u
}

// session issues a session token for the named user, as signing in would.
func (f *authFixture) session(name string) (string, *auth.Session) {
	f.t.Helper()
	tok, sess, err := f.s.svc.Tokens.IssueSession(f.users[name].ID, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	return tok, sess
}

// csrfFor returns the form CSRF token of a session.
func (f *authFixture) csrfFor(sess *auth.Session) string {
	return f.s.svc.Tokens.CSRF(sessionCSRFParts(sess)...)
}

// send makes a request; headers come in name, value pairs.
func (f *authFixture) send(method, target, ctype, body string, headers ...string) *http.Response {
	f.t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	resp, err := f.s.app.Test(req, -1)
	if err != nil {
		f.t.Fatalf("%s %s: %v", method, target, err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	if !f.stubbed {
		checkAPIExchange(f.t, method, target, ctype, []byte(body), resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	return resp
}

const formType = "application/x-www-form-urlencoded"

func (f *authFixture) sendJSON(method, target, body string, headers ...string) *http.Response {
	f.t.Helper()
	return f.send(method, target, "application/json", body, headers...)
}

func bodyOf(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// cookieOf returns the value a response sets for a cookie, and whether it set one.
func cookieOf(resp *http.Response, name string) (*http.Cookie, bool) {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c, true
		}
	}
	return nil, false
}

// browser keeps cookies between requests and reads CSRF tokens from pages, like a
// person using the staff pages.
type browser struct {
	f       *authFixture
	cookies map[string]string
	headers []string // sent with every request
}

func (f *authFixture) browser(headers ...string) *browser {
	return &browser{f: f, cookies: map[string]string{}, headers: headers}
}

func (b *browser) do(method, target, ctype, body string) *http.Response {
	b.f.t.Helper()
	h := append([]string(nil), b.headers...)
	var parts []string
	for k, v := range b.cookies {
		parts = append(parts, k+"="+v)
	}
	if len(parts) > 0 {
		h = append(h, "Cookie", strings.Join(parts, "; "))
	}
	resp := b.f.send(method, target, ctype, body, h...)
	for _, c := range resp.Cookies() {
		if c.Value == "" || c.MaxAge < 0 || !c.Expires.IsZero() && c.Expires.Before(testNow()) {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	return resp
}

func (b *browser) get(target string) *http.Response { return b.do(http.MethodGet, target, "", "") }

// page GETs target, expects 200, and returns the document.
func (b *browser) page(target string) *goquery.Document {
	b.f.t.Helper()
	resp := b.get(target)
	body := bodyOf(b.f.t, resp)
	if resp.StatusCode != http.StatusOK {
		b.f.t.Fatalf("GET %s = %d, want 200", target, resp.StatusCode)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		b.f.t.Fatal(err)
	}
	return doc
}

// submit posts a form the way the page at from would: with its CSRF token.
func (b *browser) submit(from, action string, values url.Values) *http.Response {
	b.f.t.Helper()
	csrf, ok := b.page(from).Find(`form[action="` + action + `"] input[name=csrf]`).Attr("value")
	if !ok {
		b.f.t.Fatalf("no form posting to %s with a csrf field on %s", action, from)
	}
	values.Set("csrf", csrf)
	return b.do(http.MethodPost, action, formType, values.Encode())
}

// signIn signs in through the sign-in page and checks it worked.
func (b *browser) signIn(email, password string) {
	b.f.t.Helper()
	resp := b.submit("/login", "/login", url.Values{"email": {email}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther || b.cookies[sessionCookie] == "" {
		b.f.t.Fatalf("sign in as %s: status %d, session cookie %v", email, resp.StatusCode, b.cookies[sessionCookie] != "")
	}
}
