package web

import (
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/chorus-voice/chorus/server/auth"
	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/results"
)

// wantAccess is this test's own statement of who may use each route, kept apart from
// routeTable so that a wrong line in either one fails. When you add a route, add a
// line to routeTable (authz.go) and one here.
//
//	everyone      anyone, signed in or not
//	staff         viewers, facilitators, admins
//	staff:area    staff; a viewer limited to other areas gets 403 for ?area=
//	staff+share   staff, or a share link to the briefing in the path
//	facilitators  facilitators and admins
//	admins        admins only
var wantAccess = map[string]string{
	"GET /healthz":                                  "everyone",
	"GET /readyz":                                   "everyone",
	"GET /metrics":                                  "everyone",
	"GET /static/:name":                             "everyone",
	"GET /":                                         "everyone",
	"GET /s/:survey":                                "everyone",
	"POST /s/:survey":                               "everyone",
	"GET /s/:survey/thanks":                         "everyone",
	"GET /s/:survey/:version":                       "everyone",
	"POST /s/:survey/:version":                      "everyone",
	"GET /api/v1/surveys":                           "everyone",
	"GET /api/v1/surveys/:survey":                   "everyone",
	"POST /api/v1/responses":                        "everyone",
	"GET /api/v1/openapi.json":                      "everyone",
	"GET /api/v1/surveys/:survey/results":           "staff:area",
	"GET /api/v1/surveys/:survey/results.csv":       "facilitators",
	"POST /api/v1/surveys/:survey/rebuild":          "facilitators",
	"GET /api/v1/surveys/:survey/releases":          "facilitators",
	"POST /api/v1/surveys/:survey/releases":         "facilitators",
	"GET /dashboard/:survey/releases":               "facilitators",
	"POST /dashboard/:survey/releases":              "facilitators",
	"POST /api/v1/briefings":                        "facilitators",
	"GET /briefings/:id":                            "staff+share",
	"GET /briefings/:id.pdf":                        "staff+share",
	"GET /briefings/:id.csv":                        "staff+share",
	"GET /briefings":                                "staff",
	"POST /briefings":                               "facilitators",
	"POST /briefings/:id/share":                     "facilitators",
	"POST /briefings/:id/share/:link/revoke":        "facilitators",
	"POST /api/v1/briefings/batch":                  "facilitators",
	"GET /api/v1/briefings/batch/:id":               "facilitators",
	"GET /api/v1/briefings/batch/:id.zip":           "facilitators",
	"POST /briefings/batch":                         "facilitators",
	"GET /briefings/batch/:id":                      "facilitators",
	"GET /dashboard":                                "facilitators",
	"GET /dashboard/:survey":                        "facilitators",
	"GET /dashboard/:survey.csv":                    "facilitators",
	"POST /dashboard/:survey/publish":               "facilitators",
	"GET /dashboard/:survey/codes":                  "facilitators",
	"POST /dashboard/:survey/codes":                 "facilitators",
	"GET /dashboard/:survey/codes/:id":              "facilitators",
	"POST /dashboard/:survey/codes/:id/revoke":      "facilitators",
	"GET /api/v1/surveys/:survey/codes":             "facilitators",
	"POST /api/v1/surveys/:survey/codes":            "facilitators",
	"POST /api/v1/surveys/:survey/codes/:id/revoke": "facilitators",
	"GET /s/:survey/results":                        "everyone",
	"GET /login":                                    "everyone",
	"POST /login":                                   "everyone",
	"POST /logout":                                  "staff",
	"GET /staff":                                    "staff",
	"GET /account":                                  "staff",
	"POST /account/password":                        "staff",
	"POST /account/revoke":                          "staff",
	"POST /api/v1/auth/login":                       "everyone",
	"GET /api/v1/auth/me":                           "staff",
	"POST /api/v1/auth/logout":                      "staff",
	"POST /api/v1/auth/refresh":                     "staff",
	"POST /api/v1/auth/password":                    "staff",
	"GET /api/v1/users":                             "admins",
	"GET /admin/users":                              "admins",
	"GET /admin/users/new":                          "admins",
	"POST /admin/users":                             "admins",
	"GET /admin/users/:id":                          "admins",
	"POST /admin/users/:id":                         "admins",
	"POST /admin/users/:id/disable":                 "admins",
	"POST /admin/users/:id/enable":                  "admins",
	"POST /admin/users/:id/reset-password":          "admins",
	"POST /admin/users/:id/revoke":                  "admins",
	"GET /admin/audit":                              "admins",
	"GET /review":                                   "facilitators",
	"POST /review/reload":                           "facilitators",
	"GET /review/:survey":                           "facilitators",
	"POST /review/:survey/answers":                  "facilitators",
	"GET /review/:survey/codebook":                  "facilitators",
	"GET /review/:survey/codebook/changed":          "facilitators",
	"GET /review/:survey/quotes":                    "facilitators",
	"POST /review/:survey/quotes":                   "facilitators",
	"POST /review/:survey/quotes/:id/withdraw":      "facilitators",
	"GET /safeguarding":                             "facilitators",
	"POST /safeguarding/:id/review":                 "facilitators",
}

var matrixRoles = []string{"anonymous", "viewer", "viewerOther", "facilitator", "admin", "share"}

// wantStatus is the status a role gets on a route of the group when every handler
// just answers 204: 204 if allowed; 303 to sign in (pages) or 401 (API, forms) when
// not signed in; 403 when signed in without the right.
func wantStatus(group, role string, api, unsafe bool) int {
	allowed := map[string][]string{
		"everyone":     matrixRoles,
		"staff":        {"viewer", "viewerOther", "facilitator", "admin"},
		"staff:area":   {"viewer", "facilitator", "admin"},
		"staff+share":  {"viewer", "viewerOther", "facilitator", "admin", "share"},
		"facilitators": {"facilitator", "admin"},
		"admins":       {"admin"},
	}[group]
	switch {
	case slices.Contains(allowed, role):
		return http.StatusNoContent
	case role == "anonymous" || role == "share":
		if api || unsafe {
			return http.StatusUnauthorized
		}
		return http.StatusSeeOther
	default:
		return http.StatusForbidden
	}
}

// fillPattern turns a route pattern into a path: /briefings/:id.pdf → /briefings/b1.pdf.
func fillPattern(pattern string) string {
	values := map[string]string{"survey": "wellbeing", "version": "v1", "id": "b1", "name": "app.css", "area": areaA}
	segs := strings.Split(pattern, "/")
	for i, seg := range segs {
		switch {
		case strings.HasPrefix(seg, ":"):
			name, suffix, _ := strings.Cut(strings.TrimSuffix(seg[1:], "?"), ".")
			v, ok := values[name]
			if !ok {
				v = "x1"
			}
			if suffix != "" {
				suffix = "." + suffix
			}
			segs[i] = v + suffix
		case seg == "*" || seg == "+":
			segs[i] = "x1"
		}
	}
	return strings.Join(segs, "/")
}

// stubHandlers replaces every guarded route's handlers after the guard with one that
// answers 204, so the matrix sees only what the guard decides.
func stubHandlers(t *testing.T, s *Server) {
	guard := reflect.ValueOf(s.guard).Pointer()
	for _, routes := range s.app.Stack() {
		for _, r := range routes {
			if len(r.Handlers) > 1 && reflect.ValueOf(r.Handlers[0]).Pointer() == guard {
				r.Handlers = []fiber.Handler{r.Handlers[0], func(c *fiber.Ctx) error { return c.SendStatus(http.StatusNoContent) }}
			}
		}
	}
}

func TestRouteTable(t *testing.T) {
	f := newAuthFixture(t, Config{})
	routes := f.s.app.GetRoutes(true)

	t.Run("EveryRouteHasALine", func(t *testing.T) {
		for _, r := range routes {
			if r.Method == fiber.MethodHead {
				continue
			}
			key := routeKey(r.Method, r.Path)
			if _, ok := routeTable[key]; !ok {
				t.Errorf("route %s has no line in routeTable (server/web/authz.go)", key)
			}
			if _, ok := wantAccess[key]; !ok {
				t.Errorf("route %s has no line in wantAccess (server/web/authz_test.go)", key)
			}
		}
	})

	stubHandlers(t, f.s)
	f.stubbed = true // the 204s are the stubs', not the API's
	link := &chorus.ShareLink{BriefingID: "b1", CreatedBy: f.users["facilitator"].ID, ExpiresAt: testNow().Add(time.Hour)}
	if err := f.s.svc.ShareLinks.CreateShareLink(t.Context(), link); err != nil {
		t.Fatal(err)
	}
	shareTok, err := f.s.svc.Tokens.IssueShare(link.ID, "b1", link.ExpiresAt)
	if err != nil {
		t.Fatal(err)
	}
	pre := auth.RandomToken(32)
	sessions := map[string]*auth.Session{}
	tokens := map[string]string{}
	for _, role := range []string{"viewer", "viewerOther", "facilitator", "admin"} {
		tokens[role], sessions[role] = f.session(role)
	}

	for _, r := range routes {
		key := routeKey(r.Method, r.Path)
		group, ok := wantAccess[key]
		if r.Method == fiber.MethodHead || !ok {
			continue
		}
		for _, role := range matrixRoles {
			t.Run(key+"/"+role, func(t *testing.T) {
				api := strings.HasPrefix(r.Path, "/api/")
				unsafe := r.Method != fiber.MethodGet
				q := url.Values{"area": {areaA}}
				if role == "share" {
					q.Set("share", shareTok)
				}
				target := fillPattern(r.Path) + "?" + q.Encode()
				// A form carries the token its page would give: the pre-sign-in one on
				// public pages, the session's on staff pages.
				headers := []string{"Cookie", preCookie + "=" + pre}
				body, ctype := "", ""
				csrf := f.s.svc.Tokens.CSRF("pre", pre)
				if sess := sessions[role]; sess != nil {
					if api {
						headers = []string{"Authorization", "Bearer " + tokens[role]}
					} else {
						headers = []string{"Cookie", preCookie + "=" + pre + "; " + sessionCookie + "=" + tokens[role]}
						if group != "everyone" {
							csrf = f.csrfFor(sess)
						}
					}
				}
				if unsafe && !api {
					body, ctype = url.Values{"csrf": {csrf}}.Encode(), formType
				}
				resp := f.send(r.Method, target, ctype, body, headers...)
				want := wantStatus(group, role, api, unsafe)
				if resp.StatusCode != want {
					t.Errorf("%s as %s: status %d, want %d", key, role, resp.StatusCode, want)
				}
				if want == http.StatusSeeOther && !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
					t.Errorf("redirected to %q, want the sign-in page", resp.Header.Get("Location"))
				}
			})
		}
	}
}

func TestRouteWithoutLineIsRefused(t *testing.T) {
	f := newAuthFixture(t, Config{})
	f.s.app.Get("/test/unlisted", func(c *fiber.Ctx) error { return c.SendString("secret") })
	if err := f.s.guardRoutes(); err != nil {
		t.Fatal(err)
	}
	tok, _ := f.session("admin")
	for name, headers := range map[string][]string{"anonymous": nil, "admin": {"Authorization", "Bearer " + tok}} {
		if resp := f.send("GET", "/test/unlisted", "", "", headers...); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", name, resp.StatusCode)
		}
	}
	if !strings.Contains(f.logs.String(), "GET /test/unlisted") {
		t.Error("no error logged for the route without a line")
	}
}

func TestAllowedAreas(t *testing.T) {
	f := newAuthFixture(t, Config{})
	routeTable["GET /test/areas/:area"] = rule{allow: staff, area: "area"}
	routeTable["GET /test/areas"] = rule{allow: staff | share, area: "area", shareParam: "id"}
	t.Cleanup(func() { delete(routeTable, "GET /test/areas/:area"); delete(routeTable, "GET /test/areas") })
	handler := func(c *fiber.Ctx) error {
		limit := results.RequestFor(results.Request{}, currentUser(c), false).Limit
		if limit == nil && currentUser(c) != nil {
			return c.SendString("all")
		}
		return c.SendString(strings.Join(limit, ","))
	}
	f.s.app.Get("/test/areas/:area", handler)
	f.s.app.Get("/test/areas", handler)
	if err := f.s.guardRoutes(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		user, target string
		status       int
		body         string
	}{
		{"viewer", "/test/areas/" + areaA, 200, areaA},
		{"viewer", "/test/areas/" + strings.ToLower(areaA), 200, areaA},
		{"viewer", "/test/areas/" + areaB, 403, ""},
		{"viewerOther", "/test/areas/" + areaA, 403, ""},
		{"viewerOther", "/test/areas/" + areaB, 200, areaB},
		{"viewer", "/test/areas?area=" + areaB, 403, ""},
		{"viewer", "/test/areas", 200, areaA},
		{"viewerAll", "/test/areas/" + areaB, 200, "all"},
		{"facilitator", "/test/areas/" + areaB, 200, "all"},
		{"admin", "/test/areas?area=" + areaA, 200, "all"},
	} {
		tok, _ := f.session(tt.user)
		resp := f.send("GET", tt.target, "", "", "Authorization", "Bearer "+tok)
		body := bodyOf(t, resp)
		if resp.StatusCode != tt.status || tt.status == 200 && body != tt.body {
			t.Errorf("%s GET %s = %d %q, want %d %q", tt.user, tt.target, resp.StatusCode, body, tt.status, tt.body)
		}
	}
}

func TestShareLinks(t *testing.T) {
	f := newAuthFixture(t, Config{})
	routeTable["GET /test/briefings/:id"] = rule{allow: staff | share, shareParam: "id"}
	routeTable["POST /api/v1/test/briefings/:id/share"] = rule{allow: facilitators}
	t.Cleanup(func() {
		delete(routeTable, "GET /test/briefings/:id")
		delete(routeTable, "POST /api/v1/test/briefings/:id/share")
	})
	f.s.app.Get("/test/briefings/:id", func(c *fiber.Ctx) error {
		if sh := currentShare(c); sh != nil {
			return c.SendString("shared " + sh.BriefingID)
		}
		return c.SendString("staff")
	})
	f.s.app.Post("/api/v1/test/briefings/:id/share", func(c *fiber.Ctx) error {
		path, l, err := f.s.createShareLink(c, c.Params("id"), time.Hour)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"path": path, "id": l.ID})
	})
	if err := f.s.guardRoutes(); err != nil {
		t.Fatal(err)
	}
	tok, _ := f.session("facilitator")
	resp := f.sendJSON("POST", "/api/v1/test/briefings/b1/share", "", "Authorization", "Bearer "+tok)
	body := bodyOf(t, resp)
	if resp.StatusCode != 200 {
		t.Fatalf("create share link: %d %s", resp.StatusCode, body)
	}
	path := strings.Split(strings.Split(body, `"path":"`)[1], `"`)[0]
	path = strings.ReplaceAll(path, `\u0026`, "&")
	linkID := strings.Split(strings.Split(body, `"id":"`)[1], `"`)[0]
	u, _ := url.Parse("http://x" + strings.Replace(path, "/briefings/", "/test/briefings/", 1))
	shareTok := u.Query().Get("share")

	get := func(target string, headers ...string) (int, string) {
		resp := f.send("GET", target, "", "", headers...)
		return resp.StatusCode, bodyOf(t, resp)
	}
	if st, b := get(u.RequestURI()); st != 200 || b != "shared b1" {
		t.Fatalf("GET with share link = %d %q, want 200 \"shared b1\"", st, b)
	}
	t.Run("ErrOtherBriefing", func(t *testing.T) {
		if st, _ := get("/test/briefings/b2?share=" + url.QueryEscape(shareTok)); st != 401 {
			t.Errorf("status %d, want 401", st)
		}
	})
	t.Run("ErrNotASession", func(t *testing.T) {
		if st, _ := get("/api/v1/auth/me", "Authorization", "Bearer "+shareTok); st != 401 {
			t.Errorf("share token as bearer: status %d, want 401", st)
		}
		if st, _ := get("/test/briefings/b1", "Cookie", sessionCookie+"="+shareTok); st != 303 {
			t.Errorf("share token as cookie: status %d, want 303 to sign in", st)
		}
	})
	t.Run("ErrExpired", func(t *testing.T) {
		f.s.svc.Tokens.Now = func() time.Time { return testNow().Add(2 * time.Hour) }
		defer func() { f.s.svc.Tokens.Now = testNow }()
		if st, _ := get(u.RequestURI()); st != 401 {
			t.Errorf("status %d, want 401", st)
		}
	})
	t.Run("ErrRevoked", func(t *testing.T) {
		if err := f.s.svc.ShareLinks.RevokeShareLink(t.Context(), linkID, testNow()); err != nil {
			t.Fatal(err)
		}
		if st, _ := get(u.RequestURI()); st != 401 {
			t.Errorf("status %d, want 401", st)
		}
	})
	entries, _ := f.s.svc.Audit.FindAudit(t.Context(), chorus.AuditFilter{Action: chorus.ActionShareCreate})
	if len(entries) != 1 || entries[0].ActorID != f.users["facilitator"].ID {
		t.Errorf("audit has %v, want one share.create by the facilitator", entries)
	}
}
