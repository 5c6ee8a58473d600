package web

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/chorus-voice/chorus/server/auth"
	"github.com/chorus-voice/chorus/server/chorus"
)

func (s *Server) registerUserRoutes() {
	s.app.Get("/staff", s.handleStaffHome)
	s.app.Get("/account", s.handleAccount)
	s.app.Post("/account/password", s.handleAccountPassword)
	s.app.Post("/account/revoke", s.handleAccountRevoke)
	s.app.Get("/api/v1/users", s.handleUserList)
	s.app.Get("/admin/users", s.handleUsersPage)
	s.app.Get("/admin/users/new", s.handleUserNew)
	s.app.Post("/admin/users", s.handleUserCreate)
	s.app.Get("/admin/users/:id", s.handleUserPage)
	s.app.Post("/admin/users/:id", s.handleUserUpdate)
	s.app.Post("/admin/users/:id/disable", s.handleUserDisable)
	s.app.Post("/admin/users/:id/enable", s.handleUserEnable)
	s.app.Post("/admin/users/:id/reset-password", s.handleUserResetPassword)
	s.app.Post("/admin/users/:id/revoke", s.handleUserRevoke)
}

// staffPage is embedded in the view model of every staff page: the layout's Page with
// the CSRF token for its forms, and who is signed in, for the staff header (the
// "staffnav" partial). Other staff pages use it too.
type staffPage struct {
	Page
	Me staffMe
}

type staffMe struct {
	Email, Name        string
	Role               chorus.Role
	Admin, Facilitator bool
}

func (s *Server) staffPage(c *fiber.Ctx, title string) staffPage {
	p := staffPage{Page: s.page(c, title)}
	p.CSRF = s.csrfToken(c)
	if u := currentUser(c); u != nil {
		p.Me = staffMe{Email: u.Email, Name: u.Name, Role: u.Role,
			Admin: u.Role == chorus.RoleAdmin, Facilitator: u.Role != chorus.RoleViewer}
	}
	return p
}

// staffErrors is what a form shows when it fails: a summary and per-field messages.
type staffErrors struct {
	Summary string
	Fields  map[string]string
	List    []staffFieldError // for the summary, in the form's order
}

type staffFieldError struct{ Field, Message string }

// newStaffErrors returns nil for nil, and the messages of err otherwise; order lists the
// form's fields from top to bottom.
func newStaffErrors(err error, order ...string) *staffErrors {
	if err == nil {
		return nil
	}
	e := &staffErrors{Summary: chorus.ErrorMessage(err), Fields: chorus.ErrorFields(err)}
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if len(order) == 0 {
		order = []string{"email", "current", "password", "confirm", "name", "role", "areas"}
	}
	for _, f := range order {
		if m, ok := e.Fields[f]; ok {
			e.List = append(e.List, staffFieldError{f, m})
		}
	}
	return e
}

// userView is a user as staff pages show it: never the password hash.
type userView struct {
	ID, Email, Name, Role, Areas, LastSignIn string
	Disabled, MustChange                     bool
}

func viewUser(u *chorus.User) userView {
	v := userView{ID: u.ID, Email: u.Email, Name: u.Name, Role: string(u.Role), Areas: strings.Join(u.Areas, ", "),
		Disabled: u.Disabled, MustChange: u.MustChangePassword, LastSignIn: "never"}
	if !u.LastSignIn.IsZero() {
		v.LastSignIn = u.LastSignIn.UTC().Format("2 Jan 2006 15:04 UTC")
	}
	return v
}

// done turns a ?done= key into a fixed message, so no request text is echoed.
var accountDoneMessages = map[string]string{
	"password": "Your password has been changed.",
	"saved":    "Saved.",
	"disabled": "The account is disabled and its sessions have ended.",
	"enabled":  "The account is enabled.",
	"revoked":  "Every session of this account has ended.",
}

type staffHomePage struct {
	staffPage
	// Concerns counts the safeguarding concerns waiting for review by level
	// (facilitators).
	Concerns concernCounts
}

// handleStaffHome is where staff land after signing in.
func (s *Server) handleStaffHome(c *fiber.Ctx) error {
	p := &staffHomePage{staffPage: s.staffPage(c, "Staff")}
	if p.Me.Facilitator {
		p.Concerns = s.openConcerns(c.UserContext())
	}
	return s.render(c, "staff-home", p)
}

type accountPage struct {
	staffPage
	User   userView
	Done   string
	Errors *staffErrors
}

func (s *Server) renderAccount(c *fiber.Ctx, status int, err error) error {
	p := &accountPage{staffPage: s.staffPage(c, "Your account"), User: viewUser(currentUser(c)),
		Done: accountDoneMessages[c.Query("done")], Errors: newStaffErrors(err, "current", "password", "confirm")}
	if err != nil {
		p.Title = "Error: " + p.Title
	}
	return s.render(c.Status(status), "staff-account", p)
}

// handleAccount shows one's own account: change password, sign out everywhere.
func (s *Server) handleAccount(c *fiber.Ctx) error { return s.renderAccount(c, fiber.StatusOK, nil) }

// handleAccountPassword changes one's own password. Every other session ends; this
// browser gets a new one.
func (s *Server) handleAccountPassword(c *fiber.Ctx) error {
	current, next, confirm := c.FormValue("current"), c.FormValue("password"), c.FormValue("confirm")
	u := currentUser(c)
	if next != confirm {
		return s.renderAccount(c, fiber.StatusUnprocessableEntity,
			chorus.Invalid("Check your passwords.", map[string]string{"confirm": "The new passwords do not match."}))
	}
	u, err := s.svc.Auth.ChangePassword(c.UserContext(), auth.Actor{UserID: u.ID, Via: "web"}, u, current, next, s.clientIP(c))
	switch chorus.ErrorCode(err) {
	case "":
	case chorus.EINVALID:
		return s.renderAccount(c, fiber.StatusUnprocessableEntity, err)
	default:
		return err
	}
	if _, _, err := s.startSession(c, u); err != nil {
		return err
	}
	return c.Redirect("/account?done=password", fiber.StatusSeeOther)
}

// handleAccountRevoke ends every session of one's own account, this one included.
func (s *Server) handleAccountRevoke(c *fiber.Ctx) error {
	u := currentUser(c)
	if err := s.svc.Auth.RevokeSessions(c.UserContext(), auth.Actor{UserID: u.ID, Via: "web"}, u.ID); err != nil {
		return err
	}
	s.clearSessionCookie(c)
	return c.Redirect("/login", fiber.StatusSeeOther)
}

type userJSON struct {
	ID                 string    `json:"id"`
	Email              string    `json:"email"`
	Name               string    `json:"name"`
	Role               string    `json:"role"`
	Areas              []string  `json:"areas"`
	Disabled           bool      `json:"disabled"`
	MustChangePassword bool      `json:"must_change_password"`
	LastSignIn         time.Time `json:"last_sign_in,omitzero"`
}

// handleUserList lists every user (admins only): 200 {"users":[…]}.
func (s *Server) handleUserList(c *fiber.Ctx) error {
	users, err := s.svc.Users.FindUsers(c.UserContext())
	if err != nil {
		return err
	}
	out := make([]userJSON, len(users))
	for i, u := range users {
		areas := u.Areas
		if areas == nil {
			areas = []string{}
		}
		out[i] = userJSON{ID: u.ID, Email: u.Email, Name: u.Name, Role: string(u.Role), Areas: areas,
			Disabled: u.Disabled, MustChangePassword: u.MustChangePassword, LastSignIn: u.LastSignIn}
	}
	return c.JSON(fiber.Map{"users": out})
}

type usersPage struct {
	staffPage
	Users []userView
}

// handleUsersPage lists every user, for admins.
func (s *Server) handleUsersPage(c *fiber.Ctx) error {
	users, err := s.svc.Users.FindUsers(c.UserContext())
	if err != nil {
		return err
	}
	p := &usersPage{staffPage: s.staffPage(c, "Users")}
	for _, u := range users {
		p.Users = append(p.Users, viewUser(u))
	}
	return s.render(c, "staff-users", p)
}

type userFormPage struct {
	staffPage
	User   userView // the form's values
	Roles  []chorus.Role
	Done   string
	Self   bool
	Errors *staffErrors
}

func (s *Server) renderUserForm(c *fiber.Ctx, status int, page, title string, v userView, err error) error {
	p := &userFormPage{staffPage: s.staffPage(c, title), User: v, Roles: chorus.Roles,
		Done: accountDoneMessages[c.Query("done")], Self: v.ID != "" && v.ID == currentUser(c).ID,
		Errors: newStaffErrors(err, "email", "name", "role", "areas")}
	if err != nil {
		p.Title = "Error: " + title
	}
	return s.render(c.Status(status), page, p)
}

// handleUserNew shows the form to add a user.
func (s *Server) handleUserNew(c *fiber.Ctx) error {
	return s.renderUserForm(c, fiber.StatusOK, "staff-user-new", "Add a user", userView{Role: string(chorus.RoleViewer)}, nil)
}

// userFromForm reads the user form; areas are parsed here so their errors show.
func userFromForm(c *fiber.Ctx) (userView, *chorus.User, error) {
	v := userView{Email: strings.TrimSpace(c.FormValue("email")), Name: c.FormValue("name"),
		Role: c.FormValue("role"), Areas: c.FormValue("areas")}
	areas, err := chorus.ParseAreas(v.Areas)
	if err != nil {
		return v, nil, err
	}
	return v, &chorus.User{Email: v.Email, Name: v.Name, Role: chorus.Role(v.Role), Areas: areas}, nil
}

type userCreatedPage struct {
	staffPage
	User     userView
	Password string
	Reset    bool
}

// handleUserCreate adds a user with a one-time password, shown once on the answer
// page (which is why this POST renders instead of redirecting).
func (s *Server) handleUserCreate(c *fiber.Ctx) error {
	v, u, err := userFromForm(c)
	var password string
	if err == nil {
		password, err = s.svc.Auth.CreateUser(c.UserContext(), auth.Actor{UserID: currentUser(c).ID, Via: "web"}, u, "")
	}
	if chorus.ErrorCode(err) == chorus.EINVALID {
		return s.renderUserForm(c, fiber.StatusUnprocessableEntity, "staff-user-new", "Add a user", v, err)
	} else if err != nil {
		return err
	}
	return s.render(c, "staff-user-created", &userCreatedPage{staffPage: s.staffPage(c, "User added"),
		User: viewUser(u), Password: password})
}

// handleUserPage shows one user with the forms to change them.
func (s *Server) handleUserPage(c *fiber.Ctx) error {
	u, err := s.svc.Users.FindUserByID(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return s.renderUserForm(c, fiber.StatusOK, "staff-user", u.Email, viewUser(u), nil)
}

// handleUserUpdate changes a user's name, role and areas.
func (s *Server) handleUserUpdate(c *fiber.Ctx) error {
	id := c.Params("id")
	old, err := s.svc.Users.FindUserByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	v, u, err := userFromForm(c)
	if err == nil {
		_, err = s.svc.Auth.UpdateUser(c.UserContext(), auth.Actor{UserID: currentUser(c).ID, Via: "web"}, id, u.Name, u.Role, u.Areas)
	}
	if chorus.ErrorCode(err) == chorus.EINVALID {
		cur := viewUser(old)
		cur.Name, cur.Role, cur.Areas = v.Name, v.Role, v.Areas
		return s.renderUserForm(c, fiber.StatusUnprocessableEntity, "staff-user", old.Email, cur, err)
	} else if err != nil {
		return err
	}
	return c.Redirect("/admin/users/"+id+"?done=saved", fiber.StatusSeeOther)
}

func (s *Server) handleUserDisable(c *fiber.Ctx) error { return s.setDisabled(c, true) }
func (s *Server) handleUserEnable(c *fiber.Ctx) error  { return s.setDisabled(c, false) }

func (s *Server) setDisabled(c *fiber.Ctx, disabled bool) error {
	id := c.Params("id")
	if _, err := s.svc.Auth.SetDisabled(c.UserContext(), auth.Actor{UserID: currentUser(c).ID, Via: "web"}, id, disabled); err != nil {
		return err
	}
	done := "enabled"
	if disabled {
		done = "disabled"
	}
	return c.Redirect("/admin/users/"+id+"?done="+done, fiber.StatusSeeOther)
}

// handleUserResetPassword gives a user a new one-time password, shown once.
func (s *Server) handleUserResetPassword(c *fiber.Ctx) error {
	password, u, err := s.svc.Auth.ResetPassword(c.UserContext(), auth.Actor{UserID: currentUser(c).ID, Via: "web"}, c.Params("id"), "")
	if err != nil {
		return err
	}
	return s.render(c, "staff-user-created", &userCreatedPage{staffPage: s.staffPage(c, "Password reset"),
		User: viewUser(u), Password: password, Reset: true})
}

// handleUserRevoke ends every session of a user.
func (s *Server) handleUserRevoke(c *fiber.Ctx) error {
	id := c.Params("id")
	if _, err := s.svc.Users.FindUserByID(c.UserContext(), id); err != nil {
		return err
	}
	if err := s.svc.Auth.RevokeSessions(c.UserContext(), auth.Actor{UserID: currentUser(c).ID, Via: "web"}, id); err != nil {
		return err
	}
	return c.Redirect("/admin/users/"+id+"?done=revoked", fiber.StatusSeeOther)
}
