package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/chorus-voice/chorus/server/auth"
	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/geo"
	"github.com/chorus-voice/chorus/server/mongodb/mongodbtest"
	"github.com/chorus-voice/chorus/server/results"
	"github.com/chorus-voice/chorus/server/results/synth"
)

// Council areas and a constituency of the North East used by the results tests.
const (
	hartlepool     = "E06000001"
	middlesbrough  = "E06000002"
	darlington     = "E06000005"
	northEast      = "E12000001"
	hartlepoolSeat = "E14001272" // Hartlepool constituency: within Hartlepool council
	ylyv           = "your-life-your-voice"
)

// reportFixture is a test server with everything the results pages need, on the real
// embedded store: responses counted by the real aggregates, the real results publisher,
// staff accounts with sessions, briefings, share links and publications.
type reportFixture struct {
	*testServer
	t        *testing.T
	geo      *geo.Geography
	agg      *results.Counter
	survey   *chorus.Survey
	users    map[string]*chorus.User
	sessions map[string]*auth.Session
	tokens   map[string]string
	gen      *synth.Generator
	n        int
}

func newReportFixture(t *testing.T) *reportFixture {
	t.Helper()
	ctx := context.Background()
	ts := newTestServer(t)
	sv, err := ts.Catalog.FindSurvey(ctx, ylyv)
	if err != nil {
		t.Fatal(err)
	}
	f := &reportFixture{testServer: ts, t: t, geo: ts.svc.Geo, agg: ts.Svc.Counts, survey: sv, users: map[string]*chorus.User{},
		sessions: map[string]*auth.Session{}, tokens: map[string]string{},
		gen: &synth.Generator{Survey: sv, Rand: rand.New(rand.NewPCG(7, 11))}}
	for _, u := range []struct {
		name  string
		role  chorus.Role
		areas []string
	}{
		{"admin", chorus.RoleAdmin, nil},
		{"facilitator", chorus.RoleFacilitator, nil},
		{"viewer", chorus.RoleViewer, []string{hartlepool}},
		{"viewerOther", chorus.RoleViewer, []string{middlesbrough}},
		{"viewerAll", chorus.RoleViewer, nil},
	} {
		usr := &chorus.User{Email: strings.ToLower(u.name) + "@example.org", Role: u.role, Areas: u.areas}
		if _, err := ts.svc.Auth.CreateUser(ctx, auth.Actor{Via: "test"}, usr, "tangerine orbit lantern"); err != nil {
			t.Fatal(err)
		}
		tok, sess, err := ts.svc.Tokens.IssueSession(usr.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		f.users[u.name], f.sessions[u.name], f.tokens[u.name] = usr, sess, tok
	}
	return f
}

// add stores n synthetic responses in a council ("" for none), through the real
// response store, so the aggregates count them as they would in production.
func (f *reportFixture) add(n int, council string) {
	f.t.Helper()
	rs := make([]*chorus.Response, n)
	for i := range rs {
		for rs[i] == nil {
			f.n++
			r := f.gen.Response(fmt.Sprintf("test-%06d", f.n))
			switch {
			case council == "":
				delete(r.Answers, "area")
			case slices.Contains(f.survey.Version(r.Version).Questions, "area"):
				r.Answers["area"] = council
			default:
				continue // this version cannot say where the young person lives
			}
			rs[i] = r
		}
	}
	mongodbtest.InsertAll(f.t, f.Responses, rs, 32)
}

// standardData stores 40 responses in Hartlepool, 30 in Middlesbrough and 3 in
// Darlington: Hartlepool is shown on its own; Darlington (too few) and Middlesbrough
// (to protect it) roll up to the North East.
func (f *reportFixture) standardData() {
	f.add(40, hartlepool)
	f.add(30, middlesbrough)
	f.add(3, darlington)
}

// request sends a request as the named user ("" for nobody), with the session cookie
// and, for unsafe methods, the form's CSRF token.
func (f *reportFixture) request(who, method, target string, form url.Values) (*http.Response, string) {
	f.t.Helper()
	var body io.Reader
	if form != nil {
		if _, ok := form["csrf"]; !ok && who != "" {
			form.Set("csrf", f.svc.Tokens.CSRF(sessionCSRFParts(f.sessions[who])...))
		}
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if who != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: f.tokens[who]})
	}
	resp, b := f.do(f.t, req)
	return resp, string(b)
}

// get fetches a page as the named user and wants want.
func (f *reportFixture) get(who, target string, want int) (*goquery.Document, string) {
	f.t.Helper()
	resp, body := f.request(who, http.MethodGet, target, nil)
	if resp.StatusCode != want {
		f.t.Fatalf("GET %s as %q = %d, want %d\n%.600s", target, who, resp.StatusCode, want, body)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	return doc, body
}

// makeBriefing creates a briefing through the API as the facilitator and returns its id.
func (f *reportFixture) makeBriefing(area string) string {
	f.t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/api/v1/briefings", strings.NewReader(`{"survey":"`+ylyv+`","area":"`+area+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+f.tokens["facilitator"])
	resp, body := f.do(f.t, req)
	if resp.StatusCode != http.StatusCreated {
		f.t.Fatalf("POST /api/v1/briefings %s = %d %s", area, resp.StatusCode, body)
	}
	var out struct{ ID string }
	if err := json.Unmarshal([]byte(body), &out); err != nil || out.ID == "" {
		f.t.Fatalf("create briefing: %s (%v)", body, err)
	}
	return out.ID
}

// themeNames returns the labels the survey's codebook gives its themes, for adults and
// for young people.
func (f *reportFixture) themeNames() (adult, young map[string]bool) {
	adult, young, _ = f.themeNamesCY()
	return adult, young
}

// themeNamesCY is themeNames with the young people's labels in Welsh.
func (f *reportFixture) themeNamesCY() (adult, young, youngCY map[string]bool) {
	f.t.Helper()
	cb, err := f.Catalog.FindCodebook(context.Background(), ylyv)
	if err != nil {
		f.t.Fatal(err)
	}
	adult, young, youngCY = map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, th := range cb.Themes {
		adult[th.LabelAdult], young[th.LabelYoung], youngCY[th.LabelYoungCY] = true, true, true
	}
	return adult, young, youngCY
}

// smallFigures returns every figure in text fields that is a count from 1 to k−1:
// what disclosure control must never let out.
func smallFigures(k int, fields []string) []string {
	var bad []string
	for _, s := range fields {
		s = strings.TrimSpace(s)
		first, _, _ := strings.Cut(s, " ")
		n, err := strconv.Atoi(first)
		if err == nil && n >= 1 && n < k {
			bad = append(bad, s)
		}
	}
	return bad
}
