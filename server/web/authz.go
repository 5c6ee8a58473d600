package web

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/chorus-voice/chorus/server/auth"
	"github.com/chorus-voice/chorus/server/chorus"
)

// access is a set of the kinds of caller a route admits.
type access uint8

// Kinds of caller. Every request is exactly one: a staff role when it carries a valid
// session, share when it carries a valid share link on a route that takes them, and
// anonymous otherwise.
const (
	anonymous access = 1 << iota
	share
	viewer
	facilitator
	admin
)

// Common sets, for the route table.
const (
	everyone     = anonymous | share | viewer | facilitator | admin
	staff        = viewer | facilitator | admin
	facilitators = facilitator | admin
	admins       = admin
)

// rule says who may use one route, and how.
type rule struct {
	allow access
	// area names the path or query parameter holding a council area code: a viewer
	// limited to other areas gets 403. Handlers still limit results (results.RequestFor).
	area string
	// shareParam names the path parameter holding the briefing id that a share link
	// must match. Only routes with one admit share links.
	shareParam string
	// mustChangeOK lets a user who must change their password use the route.
	mustChangeOK bool
	// noCSRF exempts an HTML form POST from the CSRF check. Only children's survey
	// forms, which carry no session and change nothing of anyone's, use it.
	noCSRF bool
}

// routeTable is the one place that says who may use each route. Add one line per
// route: the method and the path pattern exactly as registered (HEAD follows GET).
// A route without a line is refused to everyone and fails TestRouteTable.
var routeTable = map[string]rule{
	// Health, metrics, static files and the front page.
	"GET /healthz":      {allow: everyone},
	"GET /readyz":       {allow: everyone},
	"GET /metrics":      {allow: everyone},
	"GET /static/:name": {allow: everyone},
	"GET /":             {allow: everyone},

	// Surveys for children and young people: no accounts, no sessions.
	"GET /s/:survey":              {allow: everyone},
	"POST /s/:survey":             {allow: everyone, noCSRF: true},
	"GET /s/:survey/thanks":       {allow: everyone},
	"GET /s/:survey/:version":     {allow: everyone},
	"POST /s/:survey/:version":    {allow: everyone, noCSRF: true},
	"GET /api/v1/surveys":         {allow: everyone},
	"GET /api/v1/surveys/:survey": {allow: everyone},
	"POST /api/v1/responses":      {allow: everyone},
	"GET /api/v1/openapi.json":    {allow: everyone},

	// Results (results.go): viewers and up, viewers only for their areas and rounded;
	// the CSV export and recounting for facilitators.
	"GET /api/v1/surveys/:survey/results":     {allow: staff, area: "area"},
	"GET /api/v1/surveys/:survey/results.csv": {allow: facilitators},
	"POST /api/v1/surveys/:survey/rebuild":    {allow: facilitators},
	// Releases (release.go): the live count, when the next is due, release now.
	"GET /api/v1/surveys/:survey/releases":  {allow: facilitators},
	"POST /api/v1/surveys/:survey/releases": {allow: facilitators},
	"GET /dashboard/:survey/releases":       {allow: facilitators},
	"POST /dashboard/:survey/releases":      {allow: facilitators},

	// Briefings: staff, or whoever holds a share link to that briefing.
	"POST /api/v1/briefings": {allow: facilitators},
	"GET /briefings/:id":     {allow: staff | share, shareParam: "id"},
	"GET /briefings/:id.pdf": {allow: staff | share, shareParam: "id"},
	"GET /briefings/:id.csv": {allow: staff | share, shareParam: "id"},
	// Saved briefings (viewers see those for their areas), making them, share links.
	"GET /briefings":                         {allow: staff},
	"POST /briefings":                        {allow: facilitators},
	"POST /briefings/:id/share":              {allow: facilitators},
	"POST /briefings/:id/share/:link/revoke": {allow: facilitators},
	// Every MP at once: batches of briefings, their progress and their ZIP.
	"POST /api/v1/briefings/batch":        {allow: facilitators},
	"GET /api/v1/briefings/batch/:id":     {allow: facilitators},
	"GET /api/v1/briefings/batch/:id.zip": {allow: facilitators},
	"POST /briefings/batch":               {allow: facilitators},
	"GET /briefings/batch/:id":            {allow: facilitators},

	// Dashboards, their CSV export, and publishing the page for young people.
	"GET /dashboard":                  {allow: facilitators},
	"GET /dashboard/:survey":          {allow: facilitators},
	"GET /dashboard/:survey.csv":      {allow: facilitators},
	"POST /dashboard/:survey/publish": {allow: facilitators},

	// Group access codes (accesscode.go): making, printing and revoking them.
	"GET /dashboard/:survey/codes":                  {allow: facilitators},
	"POST /dashboard/:survey/codes":                 {allow: facilitators},
	"GET /dashboard/:survey/codes/:id":              {allow: facilitators},
	"POST /dashboard/:survey/codes/:id/revoke":      {allow: facilitators},
	"GET /api/v1/surveys/:survey/codes":             {allow: facilitators},
	"POST /api/v1/surveys/:survey/codes":            {allow: facilitators},
	"POST /api/v1/surveys/:survey/codes/:id/revoke": {allow: facilitators},

	// Free text: reviewing themes, reloading surveys and codebooks, quotes, and the
	// safeguarding queue.
	"GET /review":                              {allow: facilitators},
	"POST /review/reload":                      {allow: facilitators},
	"GET /review/:survey":                      {allow: facilitators},
	"POST /review/:survey/answers":             {allow: facilitators},
	"GET /review/:survey/codebook":             {allow: facilitators},
	"GET /review/:survey/codebook/changed":     {allow: facilitators},
	"GET /review/:survey/quotes":               {allow: facilitators},
	"POST /review/:survey/quotes":              {allow: facilitators},
	"POST /review/:survey/quotes/:id/withdraw": {allow: facilitators},
	"GET /safeguarding":                        {allow: facilitators},
	"POST /safeguarding/:id/review":            {allow: facilitators},

	// "What you told us": public once a facilitator publishes it.
	"GET /s/:survey/results": {allow: everyone},

	// Signing in and out, and one's own account.
	"GET /login":                 {allow: everyone},
	"POST /login":                {allow: everyone},
	"POST /logout":               {allow: staff, mustChangeOK: true},
	"GET /staff":                 {allow: staff},
	"GET /account":               {allow: staff, mustChangeOK: true},
	"POST /account/password":     {allow: staff, mustChangeOK: true},
	"POST /account/revoke":       {allow: staff, mustChangeOK: true},
	"POST /api/v1/auth/login":    {allow: everyone},
	"GET /api/v1/auth/me":        {allow: staff, mustChangeOK: true},
	"POST /api/v1/auth/logout":   {allow: staff, mustChangeOK: true},
	"POST /api/v1/auth/refresh":  {allow: staff, mustChangeOK: true},
	"POST /api/v1/auth/password": {allow: staff, mustChangeOK: true},

	// Administration.
	"GET /api/v1/users":                    {allow: admins},
	"GET /admin/users":                     {allow: admins},
	"GET /admin/users/new":                 {allow: admins},
	"POST /admin/users":                    {allow: admins},
	"GET /admin/users/:id":                 {allow: admins},
	"POST /admin/users/:id":                {allow: admins},
	"POST /admin/users/:id/disable":        {allow: admins},
	"POST /admin/users/:id/enable":         {allow: admins},
	"POST /admin/users/:id/reset-password": {allow: admins},
	"POST /admin/users/:id/revoke":         {allow: admins},
	"GET /admin/audit":                     {allow: admins},
}

func routeKey(method, path string) string {
	if method == fiber.MethodHead {
		method = fiber.MethodGet
	}
	return method + " " + path
}

// guardRoutes puts s.guard in front of the handlers of every route (not middleware)
// registered so far, so that no route runs without passing the route table. New calls
// it after routes(), so every route must be registered there. Fiber keeps no flag for
// middleware that it exports, so its unexported "use" field is read; if a Fiber
// upgrade renames it, New fails rather than serve unguarded routes.
func (s *Server) guardRoutes() error {
	guard := reflect.ValueOf(s.guard).Pointer()
	for _, routes := range s.app.Stack() {
		for _, r := range routes {
			use := reflect.ValueOf(r).Elem().FieldByName("use")
			if !use.IsValid() || use.Kind() != reflect.Bool {
				return fmt.Errorf("web: cannot tell middleware from routes in this version of Fiber")
			}
			if use.Bool() || len(r.Handlers) > 0 && reflect.ValueOf(r.Handlers[0]).Pointer() == guard {
				continue
			}
			if _, ok := routeTable[routeKey(r.Method, r.Path)]; !ok && r.Method != fiber.MethodHead {
				s.log.Error("route has no line in the route table (server/web/authz.go); it is refused to everyone",
					"route", routeKey(r.Method, r.Path))
			}
			r.Handlers = append([]fiber.Handler{s.guard}, r.Handlers...)
		}
	}
	return nil
}

// principal is who is calling.
type principal struct {
	kind    access
	user    *chorus.User
	session *auth.Session
	bearer  bool // the session came in an Authorization header, not the cookie
	share   *auth.Share
}

type authKey int

const localPrincipal authKey = iota

var nobody = &principal{kind: anonymous}

func principalOf(c *fiber.Ctx) *principal {
	if p, ok := c.Locals(localPrincipal).(*principal); ok {
		return p
	}
	return nobody
}

// currentUser returns the signed-in staff member, or nil.
func currentUser(c *fiber.Ctx) *chorus.User { return principalOf(c).user }

// currentShare returns the share link the request came with, or nil. It is set only
// on routes whose rule has a shareParam, and only for that briefing.
func currentShare(c *fiber.Ctx) *auth.Share { return principalOf(c).share }

func isAPIRequest(c *fiber.Ctx) bool { return strings.HasPrefix(c.Path(), "/api/") }

func isUnsafeMethod(m string) bool {
	return m != fiber.MethodGet && m != fiber.MethodHead && m != fiber.MethodOptions
}

// guard enforces the route table, then CSRF, then renews a page session that is past
// half its life. It is the first handler of every route.
func (s *Server) guard(c *fiber.Ctx) error {
	r, ok := routeTable[routeKey(c.Route().Method, c.Route().Path)]
	if !ok {
		return chorus.Errorf(chorus.EFORBIDDEN, "Not allowed.")
	}
	p, err := s.identify(c, r)
	if err != nil {
		return err
	}
	if p.kind&r.allow == 0 {
		if p.kind == anonymous {
			return s.signInRequired(c)
		}
		s.log.Info("access denied", "id", requestIDOf(c), "route", routeKey(c.Route().Method, c.Route().Path), "user", p.user.ID)
		return chorus.Errorf(chorus.EFORBIDDEN, "Your account does not give you access to this page.")
	}
	c.Locals(localPrincipal, p)
	if p.user != nil {
		c.Set(fiber.HeaderCacheControl, "no-store")
		if p.user.MustChangePassword && !r.mustChangeOK && r.allow&anonymous == 0 {
			if !isAPIRequest(c) && !isUnsafeMethod(c.Method()) {
				return c.Redirect("/account", fiber.StatusSeeOther)
			}
			return chorus.Errorf(chorus.EFORBIDDEN, "Please change your password first.")
		}
		if r.area != "" {
			code := c.Params(r.area)
			if code == "" {
				code = c.Query(r.area)
			}
			if code != "" && !p.user.MaySee(code) {
				return chorus.Errorf(chorus.EFORBIDDEN, "Your account does not cover that area.")
			}
		}
	}
	if isUnsafeMethod(c.Method()) && !s.checkCSRF(c, r, p) {
		s.log.Warn("csrf check failed", "id", requestIDOf(c), "route", routeKey(c.Route().Method, c.Route().Path))
		return chorus.Errorf(chorus.EFORBIDDEN, "This form has expired. Go back, reload the page and try again.")
	}
	if p.session != nil && !p.bearer && p.session.ExpiresAt.Sub(s.now()) < auth.SessionTTL/2 {
		if tok, sess, err := s.svc.Tokens.IssueSession(p.user.ID, p.session); err == nil {
			s.setSessionCookie(c, tok, sess)
			p.session = sess
		}
	}
	return c.Next()
}

// identify finds who is calling. On a route open to anonymous callers, a missing or
// bad credential just means anonymous. Elsewhere a bad cookie means anonymous too (so
// a page sends the browser to sign in), a bad bearer token is EUNAUTHORIZED, and a
// store failure is EUNAVAILABLE: fail closed.
func (s *Server) identify(c *fiber.Ctx, r rule) (*principal, error) {
	public := r.allow&anonymous != 0
	if raw, bearer := sessionToken(c); raw != "" {
		p, err := s.sessionPrincipal(c, raw, bearer)
		if err == nil {
			return p, nil
		}
		unauthorized := chorus.ErrorCode(err) == chorus.EUNAUTHORIZED
		if unauthorized && !bearer {
			s.clearSessionCookie(c) // and carry on as anonymous: a page GET goes to sign in
		}
		if !public && (bearer || !unauthorized) {
			return nil, err
		}
	}
	if raw := c.Query("share"); raw != "" && r.shareParam != "" && r.allow&share != 0 {
		sh, err := s.shareLink(c, raw, c.Params(r.shareParam))
		if err != nil {
			return nil, err
		}
		return &principal{kind: share, share: sh}, nil
	}
	return nobody, nil
}

func (s *Server) sessionPrincipal(c *fiber.Ctx, raw string, bearer bool) (*principal, error) {
	sess, err := s.svc.Tokens.ParseSession(raw)
	if err != nil {
		return nil, err
	}
	u, err := s.svc.Auth.SessionUser(c.UserContext(), sess)
	if err != nil {
		return nil, err
	}
	kind := map[chorus.Role]access{chorus.RoleAdmin: admin, chorus.RoleFacilitator: facilitator, chorus.RoleViewer: viewer}[u.Role]
	if kind == 0 {
		return nil, chorus.Errorf(chorus.EUNAUTHORIZED, "Please sign in.")
	}
	return &principal{kind: kind, user: u, session: sess, bearer: bearer}, nil
}

// shareLink verifies a share-link token for briefingID: signature, expiry, the
// briefing it names, and that the stored link is still active.
func (s *Server) shareLink(c *fiber.Ctx, raw, briefingID string) (*auth.Share, error) {
	expired := chorus.Errorf(chorus.EUNAUTHORIZED, "This link has expired or has been withdrawn.")
	sh, err := s.svc.Tokens.ParseShare(raw)
	if err != nil || sh.BriefingID != briefingID {
		return nil, expired
	}
	l, err := s.svc.ShareLinks.FindShareLink(c.UserContext(), sh.LinkID)
	switch {
	case chorus.ErrorCode(err) == chorus.ENOTFOUND:
		return nil, expired
	case err != nil:
		return nil, err
	case l.BriefingID != briefingID || !l.Active(s.now()):
		return nil, expired
	}
	return sh, nil
}

// signInRequired answers a request that needs a session: a page GET goes to the
// sign-in page and comes back afterwards; anything else gets 401.
func (s *Server) signInRequired(c *fiber.Ctx) error {
	if !isAPIRequest(c) && !isUnsafeMethod(c.Method()) {
		return c.Redirect("/login?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
	}
	return chorus.Errorf(chorus.EUNAUTHORIZED, "Please sign in.")
}

// checkCSRF checks the anti-forgery token of an unsafe request. A bearer-token API
// call needs none (browsers never add that header themselves); an API call riding on
// the session cookie must send X-CSRF-Token; an HTML form must carry the csrf field,
// bound to the session on staff routes and to the pre-sign-in cookie on public ones.
func (s *Server) checkCSRF(c *fiber.Ctx, r rule, p *principal) bool {
	public := r.allow&anonymous != 0
	if isAPIRequest(c) {
		if public || p.session == nil || p.bearer {
			return true
		}
		return s.svc.Tokens.CheckCSRF(c.Get("X-CSRF-Token"), sessionCSRFParts(p.session)...)
	}
	if r.noCSRF {
		return true
	}
	token := c.FormValue("csrf")
	if token == "" {
		token = c.Get("X-CSRF-Token")
	}
	if public || p.session == nil {
		pre := c.Cookies(preCookie)
		return pre != "" && s.svc.Tokens.CheckCSRF(token, "pre", pre)
	}
	return s.svc.Tokens.CheckCSRF(token, sessionCSRFParts(p.session)...)
}

// sessionCSRFParts binds a session's CSRF token to the user and the sign-in, so it
// survives renewals but not a new sign-in.
func sessionCSRFParts(sess *auth.Session) []string {
	return []string{"session", sess.UserID, sess.SignIn}
}

// csrfToken returns the CSRF token for the request's forms ("" without a session).
func (s *Server) csrfToken(c *fiber.Ctx) string {
	if p := principalOf(c); p.session != nil {
		return s.svc.Tokens.CSRF(sessionCSRFParts(p.session)...)
	}
	return ""
}
