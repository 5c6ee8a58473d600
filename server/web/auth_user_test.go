package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/chorus-voice/chorus/server/chorus"
)

func docOf(t *testing.T, resp *http.Response) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(bodyOf(t, resp)))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestUserAdminPages(t *testing.T) {
	f := newAuthFixture(t, Config{})
	a := f.browser()
	a.signIn("admin@example.org", fixturePassword)

	doc := a.page("/admin/users")
	if n := doc.Find("tbody tr").Length(); n != len(f.users) {
		t.Errorf("users page lists %d users, want %d", n, len(f.users))
	}
	if strings.Contains(doc.Text(), "argon2id") {
		t.Error("users page shows a password hash")
	}

	t.Run("AddWithErrors", func(t *testing.T) {
		resp := a.submit("/admin/users/new", "/admin/users", url.Values{"email": {"not an email"}, "role": {"emperor"}, "areas": {"Kent"}})
		doc := docOf(t, resp)
		if resp.StatusCode != 422 {
			t.Fatalf("status %d, want 422", resp.StatusCode)
		}
		if n := doc.Find(".error-summary li a").Length(); n != 1 || doc.Find("#areas[aria-invalid=true]").Length() != 1 {
			t.Errorf("summary links %d errors; areas field invalid: %d", n, doc.Find("#areas[aria-invalid=true]").Length())
		}
		if v, _ := doc.Find("#email").Attr("value"); v != "not an email" {
			t.Errorf("email field keeps %q, want the input", v)
		}
		if !strings.HasPrefix(doc.Find("title").Text(), "Error:") {
			t.Error("the title does not say there is an error")
		}
	})

	var newID, oneTime string
	t.Run("Add", func(t *testing.T) {
		resp := a.submit("/admin/users/new", "/admin/users", url.Values{"email": {"MP.Office@Example.org"}, "name": {"MP office"}, "role": {"viewer"}, "areas": {"e10000002, E06000001"}})
		doc := docOf(t, resp)
		if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("status %d, Cache-Control %q; want 200 no-store", resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
		oneTime = doc.Find("code").Text()
		u, err := f.s.svc.Users.FindUserByEmail(t.Context(), "mp.office@example.org")
		if err != nil || u.Role != chorus.RoleViewer || len(u.Areas) != 2 || !u.MustChangePassword || len(oneTime) < 12 {
			t.Fatalf("stored user %+v, %v, one-time password %q", u, err, oneTime)
		}
		newID = u.ID
		if r := a.submit("/admin/users/new", "/admin/users", url.Values{"email": {"mp.office@example.org"}, "role": {"viewer"}}); r.StatusCode != 422 {
			t.Errorf("adding the same email again: %d, want 422", r.StatusCode)
		}
	})
	t.Run("NewUserSignsIn", func(t *testing.T) {
		b := f.browser()
		resp := b.submit("/login", "/login", url.Values{"email": {"mp.office@example.org"}, "password": {oneTime}})
		if resp.Header.Get("Location") != "/account" {
			t.Errorf("one-time sign in went to %q, want /account", resp.Header.Get("Location"))
		}
	})
	t.Run("Update", func(t *testing.T) {
		resp := a.submit("/admin/users/"+newID, "/admin/users/"+newID, url.Values{"name": {"Council officer"}, "role": {"facilitator"}, "areas": {""}})
		if resp.StatusCode != 303 {
			t.Fatalf("status %d, want 303", resp.StatusCode)
		}
		if st := a.page(resp.Header.Get("Location")).Find(".status").Text(); !strings.Contains(st, "Saved") {
			t.Errorf("after saving the page says %q", st)
		}
		u, _ := f.s.svc.Users.FindUserByID(t.Context(), newID)
		if u.Role != chorus.RoleFacilitator || u.Name != "Council officer" || len(u.Areas) != 0 {
			t.Errorf("updated user %+v", u)
		}
	})
	t.Run("ErrOwnRole", func(t *testing.T) {
		self := f.users["admin"].ID
		doc := a.page("/admin/users/" + self)
		if doc.Find(`form[action$="/disable"]`).Length() != 0 {
			t.Error("an admin is offered to disable their own account")
		}
		resp := a.submit("/admin/users/"+self, "/admin/users/"+self, url.Values{"role": {"viewer"}})
		if resp.StatusCode != 422 {
			t.Errorf("changing one's own role: %d, want 422", resp.StatusCode)
		}
	})
	t.Run("ResetPassword", func(t *testing.T) {
		resp := a.submit("/admin/users/"+newID, "/admin/users/"+newID+"/reset-password", url.Values{})
		pw := docOf(t, resp).Find("code").Text()
		if resp.StatusCode != 200 || len(pw) < 12 || pw == oneTime {
			t.Fatalf("reset: %d, password %q", resp.StatusCode, pw)
		}
		if r := f.sendJSON("POST", "/api/v1/auth/login", loginBody("mp.office@example.org", pw)); r.StatusCode != 200 {
			t.Errorf("sign in with the reset password: %d", r.StatusCode)
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		if r := a.get("/admin/users/65f000000000000000000000"); r.StatusCode != 404 {
			t.Errorf("unknown user: %d, want 404", r.StatusCode)
		}
	})
	t.Run("ListAPI", func(t *testing.T) {
		tok, _ := f.session("admin")
		resp := f.send("GET", "/api/v1/users", "", "", "Authorization", "Bearer "+tok)
		var got struct {
			Users []map[string]any `json:"users"`
		}
		body := bodyOf(t, resp)
		if err := json.Unmarshal([]byte(body), &got); err != nil || resp.StatusCode != 200 || len(got.Users) != len(f.users)+1 {
			t.Fatalf("GET /api/v1/users = %d %s", resp.StatusCode, body)
		}
		if strings.Contains(body, "argon2") || strings.Contains(body, "password_hash") {
			t.Error("the list carries password hashes")
		}
		tok, _ = f.session("facilitator")
		if r := f.send("GET", "/api/v1/users", "", "", "Authorization", "Bearer "+tok); r.StatusCode != 403 {
			t.Errorf("facilitator: %d, want 403", r.StatusCode)
		}
	})

	t.Run("AuditPage", func(t *testing.T) {
		_ = f.sendJSON("POST", "/api/v1/auth/login", loginBody("ghost@example.org", "wrong password here"))
		doc := a.page("/admin/audit")
		text := doc.Find("table").Text()
		for _, want := range []string{"Added user", "Changed user", "Reset password", "Signed in", "Failed sign-in", "mp.office@example.org", "admin@example.org"} {
			if !strings.Contains(text, want) {
				t.Errorf("audit page lacks %q", want)
			}
		}
		if strings.Contains(doc.Text(), "ghost@example.org") || strings.Contains(doc.Text(), "wrong password here") {
			t.Error("audit page shows an attempted email or password")
		}
		only := a.page("/admin/audit?action=" + url.QueryEscape(chorus.ActionPasswordReset))
		if n := only.Find("tbody tr").Length(); n != 1 {
			t.Errorf("filtered to resets: %d rows, want 1", n)
		}
		if r := a.get("/admin/audit?before=yesterday"); r.StatusCode != 422 {
			t.Errorf("bad before: %d, want 422", r.StatusCode)
		}
	})
}

func TestStaffPagesForViewer(t *testing.T) {
	f := newAuthFixture(t, Config{})
	b := f.browser()
	b.signIn("viewer@example.org", fixturePassword)
	doc := b.page("/staff")
	if doc.Find(`a[href="/admin/users"]`).Length() != 0 {
		t.Error("a viewer is shown the users link")
	}
	if doc.Find(`header form[action="/logout"] input[name=csrf]`).Length() != 1 {
		t.Error("no sign-out form with a CSRF token in the staff header")
	}
	for _, path := range []string{"/admin/users", "/admin/audit"} {
		if r := b.get(path); r.StatusCode != 403 {
			t.Errorf("viewer GET %s = %d, want 403", path, r.StatusCode)
		}
	}
	acct := b.page("/account")
	if !strings.Contains(acct.Text(), areaA) {
		t.Error("the account page does not show the viewer's areas")
	}
	for _, sel := range []string{"main", "h1", "title", `a.skip[href="#main"]`, `label[for=current]`, `label[for=password]`, `label[for=confirm]`} {
		if acct.Find(sel).Length() == 0 {
			t.Errorf("account page lacks %s", sel)
		}
	}
}
