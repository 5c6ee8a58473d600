package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/chorus-voice/chorus/server/auth"
	"github.com/chorus-voice/chorus/server/chorus"
)

// Cookies. The __Host- prefix makes browsers insist on Secure, Path=/ and no Domain,
// so no other host can set them. Browsers accept Secure cookies on http://localhost.
const (
	sessionCookie = "__Host-chorus"
	preCookie     = "__Host-chorus-pre" // binds the sign-in form's CSRF token
)

func (s *Server) registerAuthRoutes() {
	s.app.Get("/login", s.handleLoginPage)
	s.app.Post("/login", s.handleLoginForm)
	s.app.Post("/logout", s.handleLogoutForm)
	s.app.Post("/api/v1/auth/login", s.handleAuthLogin)
	s.app.Get("/api/v1/auth/me", s.handleAuthMe)
	s.app.Post("/api/v1/auth/logout", s.handleAuthLogout)
	s.app.Post("/api/v1/auth/refresh", s.handleAuthRefresh)
	s.app.Post("/api/v1/auth/password", s.handleAuthPassword)
}

// sessionToken returns the session token from the Authorization header (bearer true)
// or else from the session cookie.
func sessionToken(c *fiber.Ctx) (token string, bearer bool) {
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		if scheme, tok, ok := strings.Cut(h, " "); ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(tok), true
		}
		return "", true
	}
	return c.Cookies(sessionCookie), false
}

func (s *Server) setSessionCookie(c *fiber.Ctx, token string, sess *auth.Session) {
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: token, Path: "/", Expires: sess.ExpiresAt,
		Secure: true, HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode})
}

func (s *Server) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: "", Path: "/", Expires: time.Unix(0, 0),
		Secure: true, HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode})
}

// preSignInCSRF returns the sign-in form's CSRF token, setting the cookie it is bound
// to if the browser has none.
func (s *Server) preSignInCSRF(c *fiber.Ctx) string {
	pre := c.Cookies(preCookie)
	if len(pre) != 43 {
		pre = auth.RandomToken(32)
		c.Cookie(&fiber.Cookie{Name: preCookie, Value: pre, Path: "/", Secure: true, HTTPOnly: true,
			SameSite: fiber.CookieSameSiteStrictMode})
	}
	return s.svc.Tokens.CSRF("pre", pre)
}

// startSession issues a session token for a new sign-in of u, sets the cookie and
// returns the token.
func (s *Server) startSession(c *fiber.Ctx, u *chorus.User) (string, *auth.Session, error) {
	tok, sess, err := s.svc.Tokens.IssueSession(u.ID, nil)
	if err != nil {
		return "", nil, err
	}
	s.setSessionCookie(c, tok, sess)
	return tok, sess, nil
}

// logSignIn records a sign-in attempt for operators: outcome and user id, never the
// email, password, token or address.
func (s *Server) logSignIn(c *fiber.Ctx, u *chorus.User, err error) {
	outcome, uid := "ok", ""
	if u != nil {
		uid = u.ID
	}
	switch chorus.ErrorCode(err) {
	case "":
	case chorus.EUNAUTHORIZED, chorus.EINVALID:
		outcome = "failed"
	case chorus.ETOOMANY:
		outcome = "rate_limited"
	default:
		outcome = "error"
	}
	s.log.Info("sign in", "id", requestIDOf(c), "outcome", outcome, "user", uid)
}

type loginPage struct {
	Page
	Email  string
	Next   string
	Errors *staffErrors
}

func (s *Server) renderLogin(c *fiber.Ctx, status int, email, next string, err error) error {
	p := &loginPage{Page: s.page(c, "Sign in"), Email: email, Next: next, Errors: newStaffErrors(err)}
	p.CSRF = s.preSignInCSRF(c)
	if err != nil {
		p.Title = "Error: Sign in"
	}
	return s.render(c.Status(status), "login", p)
}

// handleLoginPage shows the sign-in form, or sends a signed-in user on.
func (s *Server) handleLoginPage(c *fiber.Ctx) error {
	next := safeNext(c.Query("next"))
	if u := currentUser(c); u != nil {
		return c.Redirect(landing(u, next), fiber.StatusSeeOther)
	}
	return s.renderLogin(c, fiber.StatusOK, "", next, nil)
}

// handleLoginForm signs in from the form: the session goes in the cookie.
func (s *Server) handleLoginForm(c *fiber.Ctx) error {
	email, password, next := strings.TrimSpace(c.FormValue("email")), c.FormValue("password"), safeNext(c.FormValue("next"))
	fields := map[string]string{}
	if email == "" {
		fields["email"] = "Enter your email address."
	}
	if password == "" {
		fields["password"] = "Enter your password."
	}
	if len(fields) > 0 {
		return s.renderLogin(c, fiber.StatusUnprocessableEntity, email, next, chorus.Invalid("Enter your email and password.", fields))
	}
	u, err := s.svc.Auth.Login(c.UserContext(), email, password, s.clientIP(c), "web")
	s.logSignIn(c, u, err)
	switch chorus.ErrorCode(err) {
	case "":
	case chorus.EUNAUTHORIZED:
		return s.renderLogin(c, fiber.StatusUnauthorized, email, next, err)
	case chorus.ETOOMANY:
		c.Set(fiber.HeaderRetryAfter, "60")
		return s.renderLogin(c, fiber.StatusTooManyRequests, email, next, err)
	default:
		return err
	}
	if _, _, err := s.startSession(c, u); err != nil {
		return err
	}
	return c.Redirect(landing(u, next), fiber.StatusSeeOther)
}

// landing is where a user goes after signing in.
func landing(u *chorus.User, next string) string {
	switch {
	case u.MustChangePassword:
		return "/account"
	case next != "":
		return next
	default:
		return "/staff"
	}
}

// safeNext returns next if it is a path on this site, else "" (no open redirects).
func safeNext(next string) string {
	if len(next) > 1000 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\\r\n\t") || strings.HasPrefix(next, "/login") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return ""
	}
	return u.RequestURI()
}

// handleLogoutForm signs out everywhere and goes to the sign-in page.
func (s *Server) handleLogoutForm(c *fiber.Ctx) error {
	u := currentUser(c)
	if err := s.svc.Auth.SignOut(c.UserContext(), auth.Actor{UserID: u.ID, Via: "web"}, u.ID); err != nil {
		return err
	}
	s.clearSessionCookie(c)
	return c.Redirect("/login", fiber.StatusSeeOther)
}

// decodeJSON decodes a JSON object body into v, a struct of typed fields: an
// operator object where a string belongs, an unknown field, or trailing data is a 400.
// A body that is not declared as JSON is a 415.
func decodeJSON(c *fiber.Ctx, v any) error {
	if !c.Is("json") {
		return fiber.NewError(fiber.StatusUnsupportedMediaType, "Send JSON (Content-Type: application/json).")
	}
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	bad := fiber.NewError(fiber.StatusBadRequest, "The request body is not the JSON this route takes.")
	if err := dec.Decode(v); err != nil {
		return bad
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return bad
	}
	return nil
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type tokenResponse struct {
	Token              string    `json:"token"`
	ExpiresAt          time.Time `json:"expires_at"`
	MustChangePassword bool      `json:"must_change_password,omitempty"`
}

// handleAuthLogin signs in through the API: 200 {"token","expires_at"} and the
// session cookie; 401 for wrong credentials; 429 after too many failures.
func (s *Server) handleAuthLogin(c *fiber.Ctx) error {
	var req loginRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.Email) == "" || req.Password == "" {
		return fiber.NewError(fiber.StatusBadRequest, "Send an email and a password.")
	}
	u, err := s.svc.Auth.Login(c.UserContext(), req.Email, req.Password, s.clientIP(c), "api")
	s.logSignIn(c, u, err)
	if err != nil {
		return err
	}
	tok, sess, err := s.startSession(c, u)
	if err != nil {
		return err
	}
	return c.JSON(tokenResponse{Token: tok, ExpiresAt: sess.ExpiresAt.UTC(), MustChangePassword: u.MustChangePassword})
}

type meResponse struct {
	ID                 string    `json:"id"`
	Email              string    `json:"email"`
	Name               string    `json:"name,omitempty"`
	Role               string    `json:"role"`
	Areas              []string  `json:"areas,omitempty"`
	MustChangePassword bool      `json:"must_change_password,omitempty"`
	ExpiresAt          time.Time `json:"expires_at"`
}

// handleAuthMe says who is signed in.
func (s *Server) handleAuthMe(c *fiber.Ctx) error {
	p := principalOf(c)
	u := p.user
	return c.JSON(meResponse{ID: u.ID, Email: u.Email, Name: u.Name, Role: string(u.Role), Areas: u.Areas,
		MustChangePassword: u.MustChangePassword, ExpiresAt: p.session.ExpiresAt.UTC()})
}

// handleAuthLogout ends every session of the signed-in user: 204.
func (s *Server) handleAuthLogout(c *fiber.Ctx) error {
	u := currentUser(c)
	if err := s.svc.Auth.SignOut(c.UserContext(), auth.Actor{UserID: u.ID, Via: "api"}, u.ID); err != nil {
		return err
	}
	s.clearSessionCookie(c)
	return c.SendStatus(fiber.StatusNoContent)
}

// handleAuthRefresh swaps a valid session token for a fresh one with the same sign-in
// time; after auth.MaxSessionAge since signing in it is 401.
func (s *Server) handleAuthRefresh(c *fiber.Ctx) error {
	p := principalOf(c)
	tok, sess, err := s.svc.Tokens.IssueSession(p.user.ID, p.session)
	if err != nil {
		return err
	}
	if !p.bearer {
		s.setSessionCookie(c, tok, sess)
	}
	return c.JSON(tokenResponse{Token: tok, ExpiresAt: sess.ExpiresAt.UTC(), MustChangePassword: p.user.MustChangePassword})
}

type passwordRequest struct {
	Current  string `json:"current"`
	Password string `json:"password"`
}

// handleAuthPassword changes the signed-in user's password. Every session ends; the
// answer carries a new token for this client. 422 with per-field errors, 429.
func (s *Server) handleAuthPassword(c *fiber.Ctx) error {
	var req passwordRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	p := principalOf(c)
	u, err := s.svc.Auth.ChangePassword(c.UserContext(), auth.Actor{UserID: p.user.ID, Via: "api"}, p.user, req.Current, req.Password, s.clientIP(c))
	if err != nil {
		return err
	}
	tok, sess, err := s.svc.Tokens.IssueSession(u.ID, nil)
	if err != nil {
		return err
	}
	if !p.bearer {
		s.setSessionCookie(c, tok, sess)
	}
	return c.JSON(tokenResponse{Token: tok, ExpiresAt: sess.ExpiresAt.UTC()})
}

// createShareLink makes a link that shows briefing briefingID to anyone holding it
// for ttl (at most auth.MaxShareTTL), records it in the audit log, and returns the
// link's path with its token: /briefings/{id}?share=…. The caller checks that the
// briefing exists and that the current user may share it.
func (s *Server) createShareLink(c *fiber.Ctx, briefingID string, ttl time.Duration) (string, *chorus.ShareLink, error) {
	u := currentUser(c)
	if u == nil {
		return "", nil, chorus.Errorf(chorus.EFORBIDDEN, "Only staff can share briefings.")
	}
	if ttl <= 0 || ttl > auth.MaxShareTTL {
		return "", nil, chorus.Invalid("Choose how long the link lasts.", map[string]string{"ttl": "Choose up to 90 days."})
	}
	l := &chorus.ShareLink{BriefingID: briefingID, CreatedBy: u.ID, ExpiresAt: s.now().Add(ttl)}
	if err := s.svc.ShareLinks.CreateShareLink(c.UserContext(), l); err != nil {
		return "", nil, err
	}
	tok, err := s.svc.Tokens.IssueShare(l.ID, briefingID, l.ExpiresAt)
	if err != nil {
		return "", nil, err
	}
	if err := s.audit(c, chorus.ActionShareCreate, "share:"+l.ID, "briefing "+briefingID); err != nil {
		return "", nil, err
	}
	return "/briefings/" + url.PathEscape(briefingID) + "?share=" + url.QueryEscape(tok), l, nil
}

// revokeShareLink stops a share link working at once and records it.
func (s *Server) revokeShareLink(c *fiber.Ctx, linkID string) error {
	if err := s.svc.ShareLinks.RevokeShareLink(c.UserContext(), linkID, s.now()); err != nil {
		return err
	}
	return s.audit(c, chorus.ActionShareRevoke, "share:"+linkID, "")
}
