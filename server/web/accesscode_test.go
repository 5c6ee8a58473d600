package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/chorus-voice/chorus/server/auth"
	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/mongodb"
)

// Surveys of testdata/surveys: two need a group code, one is open to anyone.
const (
	groupVoice = "group-voice"
	groupOther = "group-other"
	groupOpen  = "group-open"
)

// codeFixture is a test server on the real embedded store whose catalog is
// testdata/surveys, with the real access codes, intake, aggregates and staff accounts.
type codeFixture struct {
	*testServer
	t        *testing.T
	store    *mongodb.AccessCodeService
	users    map[string]*chorus.User
	sessions map[string]*auth.Session
	bearer   map[string]string
}

func newCodeFixture(t *testing.T) *codeFixture {
	t.Helper()
	ctx := context.Background()
	ts := newTestServer(t, withSurveys("testdata/surveys"))
	store := mongodb.NewAccessCodeService(ts.DB)
	f := &codeFixture{testServer: ts, t: t, store: store, users: map[string]*chorus.User{},
		sessions: map[string]*auth.Session{}, bearer: map[string]string{}}
	for name, role := range map[string]chorus.Role{"admin": chorus.RoleAdmin, "facilitator": chorus.RoleFacilitator, "viewer": chorus.RoleViewer} {
		u := &chorus.User{Email: name + "@example.org", Role: role}
		if _, err := ts.svc.Auth.CreateUser(ctx, auth.Actor{Via: "test"}, u, fixturePassword); err != nil {
			t.Fatal(err)
		}
		tok, sess, err := ts.svc.Tokens.IssueSession(u.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		f.users[name], f.sessions[name], f.bearer[name] = u, sess, tok
	}
	return f
}

// api sends a JSON API request as role ("" for anonymous) and returns the status and body.
func (f *codeFixture) api(role, method, path, body string) (int, string) {
	f.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+f.bearer[role])
	}
	resp, b := f.do(f.t, req)
	return resp.StatusCode, string(b)
}

// staff sends a page request as role with its session cookie; a form gets its CSRF token.
func (f *codeFixture) staff(role, method, path string, form url.Values) (*http.Response, *goquery.Document) {
	f.t.Helper()
	var req *http.Request
	if form != nil {
		if form.Get("csrf") == "" {
			form.Set("csrf", f.svc.Tokens.CSRF(sessionCSRFParts(f.sessions[role])...))
		}
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", formType)
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	req.Header.Set("Cookie", sessionCookie+"="+f.bearer[role])
	resp, body := f.do(f.t, req)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(body)))
	if err != nil {
		f.t.Fatal(err)
	}
	return resp, doc
}

// makeCode makes a code through the API as the facilitator.
func (f *codeFixture) makeCode(survey, label string) accessCodeJSON {
	f.t.Helper()
	status, body := f.api("facilitator", "POST", "/api/v1/surveys/"+survey+"/codes", `{"label":`+quote(label)+`}`)
	if status != http.StatusCreated {
		f.t.Fatalf("make code: %d %s", status, body)
	}
	var ac accessCodeJSON
	if err := json.Unmarshal([]byte(body), &ac); err != nil {
		f.t.Fatal(err)
	}
	return ac
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

var codePattern = regexp.MustCompile(`^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$`)

func TestAccessCodeAPI(t *testing.T) {
	f := newCodeFixture(t)
	ac := f.makeCode(groupVoice, "Oakfield CiCC, 12 December")
	if !codePattern.MatchString(ac.Code) || ac.Label != "Oakfield CiCC, 12 December" || !ac.Active || ac.Survey != groupVoice {
		t.Errorf("made %+v", ac)
	}
	if d := ac.ExpiresAt.Sub(testNow()); d < 13*24*time.Hour || d > 14*24*time.Hour {
		t.Errorf("expires in %v, want 14 days", d)
	}
	if want := "/s/group-voice?code=" + strings.ReplaceAll(ac.Code, "-", ""); ac.Link != want {
		t.Errorf("link %q, want %q", ac.Link, want)
	}

	t.Run("ErrBadInput", func(t *testing.T) {
		for name, tt := range map[string]struct {
			survey, body string
			status       int
			field        string
		}{
			"NoLabel":      {groupVoice, `{"label":" "}`, 422, "label"},
			"TooManyDays":  {groupVoice, `{"label":"Class 5","days":91}`, 422, "days"},
			"UnknownField": {groupVoice, `{"label":"Class 5","name":"Sam"}`, 400, ""},
			"Operator":     {groupVoice, `{"label":{"$gt":""}}`, 400, ""},
			"OpenSurvey":   {groupOpen, `{"label":"Class 5"}`, 422, ""},
			"NoSurvey":     {"nope", `{"label":"Class 5"}`, 404, ""},
		} {
			t.Run(name, func(t *testing.T) {
				status, body := f.api("facilitator", "POST", "/api/v1/surveys/"+tt.survey+"/codes", tt.body)
				if status != tt.status || tt.field != "" && !strings.Contains(body, `"`+tt.field+`":`) {
					t.Errorf("status %d %s; want %d with an error on %q", status, body, tt.status, tt.field)
				}
			})
		}
	})
	t.Run("ErrViewer", func(t *testing.T) {
		if status, _ := f.api("viewer", "GET", "/api/v1/surveys/group-voice/codes", ""); status != 403 {
			t.Errorf("viewer list: %d, want 403", status)
		}
		if status, _ := f.api("viewer", "POST", "/api/v1/surveys/group-voice/codes", `{"label":"x"}`); status != 403 {
			t.Errorf("viewer create: %d, want 403", status)
		}
	})

	status, body := f.api("admin", "GET", "/api/v1/surveys/group-voice/codes", "")
	var list accessCodeList
	if err := json.Unmarshal([]byte(body), &list); status != 200 || err != nil || len(list.Codes) != 1 || list.Codes[0].ID != ac.ID {
		t.Fatalf("list: %d %s (%v)", status, body, err)
	}
	if list.Access != "code" || list.Codes[0].Responses == nil || list.Responses == nil {
		t.Errorf("list %s: want access code and response counts", body)
	}

	t.Run("Revoke", func(t *testing.T) {
		if status, _ := f.api("facilitator", "POST", "/api/v1/surveys/group-other/codes/"+ac.ID+"/revoke", ""); status != 404 {
			t.Errorf("revoke through another survey: %d, want 404", status)
		}
		status, body := f.api("facilitator", "POST", "/api/v1/surveys/group-voice/codes/"+ac.ID+"/revoke", "")
		var got accessCodeJSON
		if err := json.Unmarshal([]byte(body), &got); status != 200 || err != nil || got.Active || got.RevokedAt == nil {
			t.Errorf("revoke: %d %s", status, body)
		}
	})
	t.Run("Audit", func(t *testing.T) {
		for _, action := range []string{chorus.ActionCodeCreate, chorus.ActionCodeRevoke} {
			entries, err := f.svc.Audit.FindAudit(context.Background(), chorus.AuditFilter{Action: action})
			if err != nil || len(entries) != 1 || entries[0].ActorID != f.users["facilitator"].ID || entries[0].Object != "access_code:"+ac.ID {
				t.Fatalf("audit %s: %+v, %v; want one entry by the facilitator", action, entries, err)
			}
			if strings.Contains(entries[0].Detail, strings.ReplaceAll(ac.Code, "-", "")) || strings.Contains(entries[0].Detail, ac.Code) {
				t.Errorf("audit detail %q holds the code", entries[0].Detail)
			}
		}
	})
}

func TestAccessCodePages(t *testing.T) {
	f := newCodeFixture(t)
	_, doc := f.staff("facilitator", "GET", "/dashboard/group-voice", nil)
	if doc.Find(`a[href="/dashboard/group-voice/codes"]`).Length() != 1 {
		t.Error("the dashboard has no link to the group codes")
	}
	resp, doc := f.staff("facilitator", "GET", "/dashboard/group-voice/codes", nil)
	if resp.StatusCode != 200 || doc.Find(`form[action="/dashboard/group-voice/codes"] input[name=csrf]`).Length() != 1 {
		t.Fatalf("codes page: %d, or no form with a CSRF token", resp.StatusCode)
	}
	if hint := doc.Find("#label-hint").Text(); !strings.Contains(hint, "child's name") || doc.Find("label[for=label]").Length() != 1 {
		t.Errorf("label hint %q: want a labelled field that says not to write a child's name", hint)
	}

	t.Run("ErrNoLabel", func(t *testing.T) {
		resp, doc := f.staff("facilitator", "POST", "/dashboard/group-voice/codes", url.Values{"label": {""}, "days": {"14"}})
		if resp.StatusCode != 422 {
			t.Fatalf("status %d, want 422", resp.StatusCode)
		}
		if doc.Find(`.error-summary a[href="#label"]`).Length() != 1 || doc.Find("#label").AttrOr("aria-invalid", "") != "true" {
			t.Error("no error summary linking to the label field marked invalid")
		}
		if !strings.Contains(doc.Find("#label").AttrOr("aria-describedby", ""), "label-error") {
			t.Error("the label field is not described by its error")
		}
	})
	t.Run("ErrNoCSRF", func(t *testing.T) {
		resp, _ := f.staff("facilitator", "POST", "/dashboard/group-voice/codes", url.Values{"label": {"Class 5"}, "csrf": {"forged"}})
		if resp.StatusCode != 403 {
			t.Errorf("status %d, want 403", resp.StatusCode)
		}
	})
	t.Run("OpenSurvey", func(t *testing.T) {
		_, doc := f.staff("facilitator", "GET", "/dashboard/group-open/codes", nil)
		if doc.Find(`form[action="/dashboard/group-open/codes"]`).Length() != 0 || !strings.Contains(doc.Text(), "access: code") {
			t.Error("an open survey's codes page offers to make codes, or does not say how to need one")
		}
	})

	resp, _ = f.staff("facilitator", "POST", "/dashboard/group-voice/codes", url.Values{"label": {"Class 5, Monday"}, "days": {"3"}})
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/dashboard/group-voice/codes/") {
		t.Fatalf("make a code: %d to %q", resp.StatusCode, loc)
	}
	_, doc = f.staff("facilitator", "GET", loc, nil)
	code := strings.TrimSpace(doc.Find(".bigcode").Text())
	if !codePattern.MatchString(code) || !strings.Contains(doc.Text(), "/s/group-voice?code="+strings.ReplaceAll(code, "-", "")) {
		t.Fatalf("print page shows code %q without its link", code)
	}

	_, doc = f.staff("facilitator", "GET", "/dashboard/group-voice/codes", nil)
	row := doc.Find("tbody tr")
	if row.Length() != 1 || !strings.Contains(row.Text(), code) || !strings.Contains(row.Text(), "Class 5, Monday") || !strings.Contains(row.Text(), "Works") {
		t.Fatalf("codes list row %q", row.Text())
	}
	revoke := row.Find("form").AttrOr("action", "")
	resp, _ = f.staff("facilitator", "POST", revoke, url.Values{})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	_, doc = f.staff("facilitator", "GET", "/dashboard/group-voice/codes", nil)
	if row := doc.Find("tbody tr"); !strings.Contains(row.Text(), "Revoked") || row.Find("form").Length() != 0 {
		t.Errorf("after revoking: %q", row.Text())
	}
	if resp, _ := f.staff("viewer", "GET", "/dashboard/group-voice/codes", nil); resp.StatusCode != 403 {
		t.Errorf("viewer: %d, want 403", resp.StatusCode)
	}
}

// TestAccessCodeCounts checks that responses per code pass disclosure control: a
// count below the survey's threshold (3) is hidden, and one more where the total would
// give it away.
func TestAccessCodeCounts(t *testing.T) {
	f := newCodeFixture(t)
	a, b, c := f.makeCode(groupVoice, "A"), f.makeCode(groupVoice, "B"), f.makeCode(groupVoice, "C")
	n := 0
	for code, times := range map[string]int{a.Code: 4, b.Code: 1, c.Code: 3} {
		token := f.grant(groupVoice, code)
		for range times {
			n++
			f.submit(groupVoice, token, n, http.StatusCreated)
		}
	}
	check := func(when string) {
		_, body := f.api("facilitator", "GET", "/api/v1/surveys/group-voice/codes", "")
		var list accessCodeList
		if err := json.Unmarshal([]byte(body), &list); err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, ac := range list.Codes {
			got[ac.Label] = ac.Responses.String()
		}
		if got["A"] != "4" || got["B"] != "c" || got["C"] != "c" || list.Responses.String() != "8" || list.WithoutCode.String() != "0" {
			t.Errorf("%s: counts %v, all %v, without %v; want A 4, B and C hidden, 8 in all", when, got, list.Responses, list.WithoutCode)
		}
		if !strings.Contains(body, `"responses":{"suppressed":true}`) {
			t.Errorf("%s: hidden counts are not {\"suppressed\":true}: %s", when, body)
		}
	}
	check("as stored")
	// Counts recounted from the stored responses agree.
	if err := f.svc.Results.Rebuild(context.Background(), groupVoice); err != nil {
		t.Fatal(err)
	}
	check("after a rebuild")
	_, doc := f.staff("facilitator", "GET", "/dashboard/group-voice/codes", nil)
	cells := map[string]string{}
	doc.Find("tbody tr").Each(func(_ int, s *goquery.Selection) {
		cells[s.Find("td").First().Text()] = strings.TrimSpace(s.Find("td.n").Text())
	})
	if cells["A"] != "4" || cells["B"] != "hidden" || cells["C"] != "hidden" || !strings.Contains(doc.Text(), "fewer than 3") {
		t.Errorf("page counts %v; want A 4, B and C hidden, and a note on counts fewer than 3", cells)
	}
}
