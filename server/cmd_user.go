package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/chorus-voice/chorus/server/auth"
	"github.com/chorus-voice/chorus/server/chorus"
)

// ensureFirstAdmin creates an admin on a store with no users and prints its one-time
// password once, to the console (Out) and never to the log.
func (m *Main) ensureFirstAdmin(ctx context.Context, accounts *auth.Service) {
	password, err := accounts.EnsureFirstAdmin(ctx, m.Config.AdminEmail)
	if err != nil {
		m.Log.Error("cannot create the first admin", "err", err)
		return
	}
	if password == "" {
		return
	}
	_, port, _ := net.SplitHostPort(m.Addr)
	// One write, set apart by rules, so that log lines cannot fall inside it.
	rule := strings.Repeat("=", 72)
	fmt.Fprintf(m.Out, "\n%s\n"+
		"  There were no users, so Chorus has made an admin account.\n\n"+
		"    email:              %s\n"+
		"    one-time password:  %s\n\n"+
		"  Sign in at http://localhost:%s/login and choose a new password.\n"+
		"  This password is not shown again.\n"+
		"%s\n\n",
		rule, chorus.NormalizeEmail(m.Config.AdminEmail), password, port, rule)
}

const userUsage = `Usage:
  chorus user add --email E --role admin|facilitator|viewer [--name N] [--areas CODES]
  chorus user list
  chorus user disable --email E
  chorus user enable --email E
  chorus user reset-password --email E
  chorus user revoke --email E

add and reset-password read the password from standard input when it is not a
terminal; at a terminal they generate a one-time password, print it, and the user
must change it at first sign-in. The commands work on the store named by
MONGODB_URI (for a running server with the embedded store, use the URI it printed),
or else on the embedded store in CHORUS_DATA.
`

// runUser runs a user subcommand and returns the exit code: 0, 1 on failure, 2 on
// bad usage.
func runUser(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, userUsage)
		return 2
	}
	if isHelp(args[0]) {
		fmt.Fprint(stdout, userUsage)
		return 0
	}
	sub := args[0]
	fs := flag.NewFlagSet("chorus user "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "the user's email address")
	role := fs.String("role", "", "admin, facilitator or viewer")
	name := fs.String("name", "", "the user's name (optional)")
	areas := fs.String("areas", "", "council area codes a viewer is limited to, comma-separated (optional)")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 {
		fmt.Fprint(stderr, userUsage)
		return 2
	}
	switch sub {
	case "list":
	case "add":
		if *email == "" || *role == "" {
			fmt.Fprintln(stderr, "chorus: user add needs --email and --role")
			return 2
		}
	case "disable", "enable", "reset-password", "revoke":
		if *email == "" {
			fmt.Fprintf(stderr, "chorus: user %s needs --email\n", sub)
			return 2
		}
	default:
		fmt.Fprintf(stderr, "chorus: unknown user command %q\n\n%s", sub, userUsage)
		return 2
	}

	cfg, err := LoadConfig(withoutSigningSecret(getenv)) // user commands sign nothing
	if err != nil {
		fmt.Fprintln(stderr, "chorus:", err)
		return 1
	}
	// Errors reach the console as the command's own; the services log nothing it needs.
	svc, closeAll, err := openServices(cfg, slog.New(slog.DiscardHandler), time.Now)
	if err != nil {
		fmt.Fprintln(stderr, "chorus:", err)
		return 1
	}
	defer closeAll()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := &userCommand{svc: svc.Auth, stdin: stdin, out: stdout, actor: auth.Actor{Via: "cli"}}
	switch sub {
	case "add":
		err = c.add(ctx, *email, *name, *role, *areas)
	case "list":
		err = c.list(ctx)
	case "disable", "enable":
		err = c.setDisabled(ctx, *email, sub == "disable")
	case "reset-password":
		err = c.resetPassword(ctx, *email)
	case "revoke":
		err = c.revoke(ctx, *email)
	}
	if err != nil {
		fmt.Fprintln(stderr, "chorus:", describeError(err))
		return 1
	}
	return 0
}

type userCommand struct {
	svc   *auth.Service
	stdin io.Reader
	out   io.Writer
	actor auth.Actor
}

// password returns the password piped to standard input, or "" at a terminal, where
// the service generates a one-time password instead.
func (c *userCommand) password() (string, error) {
	if f, ok := c.stdin.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return "", nil
		}
	}
	line, err := bufio.NewReaderSize(io.LimitReader(c.stdin, 4096), 4096).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password from standard input: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password on standard input: pipe one in, or run at a terminal to generate one")
	}
	return line, nil
}

func (c *userCommand) add(ctx context.Context, email, name, role, areaList string) error {
	r, err := chorus.ParseRole(role)
	if err != nil {
		return err
	}
	areas, err := chorus.ParseAreas(areaList)
	if err != nil {
		return err
	}
	password, err := c.password()
	if err != nil {
		return err
	}
	u := &chorus.User{Email: email, Name: name, Role: r, Areas: areas}
	oneTime, err := c.svc.CreateUser(ctx, c.actor, u, password)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.out, "Added %s %s (id %s).\n", u.Role, u.Email, u.ID)
	if oneTime != "" {
		fmt.Fprintf(c.out, "One-time password: %s\nThey must choose a new password when they first sign in. It is not shown again.\n", oneTime)
	}
	return nil
}

func (c *userCommand) list(ctx context.Context) error {
	users, err := c.svc.Users.FindUsers(ctx)
	if err != nil {
		return err
	}
	sort.Slice(users, func(i, j int) bool { return users[i].Email < users[j].Email })
	w := tabwriter.NewWriter(c.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "EMAIL\tROLE\tAREAS\tSTATUS\tLAST SIGN-IN")
	for _, u := range users {
		status, last, areas := "active", "never", "all"
		switch {
		case u.Disabled:
			status = "disabled"
		case u.MustChangePassword:
			status = "must-change-password"
		}
		if !u.LastSignIn.IsZero() {
			last = u.LastSignIn.UTC().Format(time.RFC3339)
		}
		if len(u.Areas) > 0 {
			areas = strings.Join(u.Areas, ",")
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", u.Email, u.Role, areas, status, last)
	}
	return w.Flush()
}

func (c *userCommand) find(ctx context.Context, email string) (*chorus.User, error) {
	u, err := c.svc.Users.FindUserByEmail(ctx, email)
	if chorus.ErrorCode(err) == chorus.ENOTFOUND {
		return nil, errors.New("no user has that email")
	}
	return u, err
}

func (c *userCommand) setDisabled(ctx context.Context, email string, disabled bool) error {
	u, err := c.find(ctx, email)
	if err != nil {
		return err
	}
	if _, err := c.svc.SetDisabled(ctx, c.actor, u.ID, disabled); err != nil {
		return err
	}
	if disabled {
		fmt.Fprintf(c.out, "Disabled %s; their sessions have ended.\n", u.Email)
	} else {
		fmt.Fprintf(c.out, "Enabled %s.\n", u.Email)
	}
	return nil
}

func (c *userCommand) resetPassword(ctx context.Context, email string) error {
	u, err := c.find(ctx, email)
	if err != nil {
		return err
	}
	password, err := c.password()
	if err != nil {
		return err
	}
	oneTime, _, err := c.svc.ResetPassword(ctx, c.actor, u.ID, password)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.out, "Reset the password of %s; their sessions have ended and they must choose a new password when they sign in.\n", u.Email)
	if oneTime != "" {
		fmt.Fprintf(c.out, "One-time password: %s\n", oneTime)
	}
	return nil
}

func (c *userCommand) revoke(ctx context.Context, email string) error {
	u, err := c.find(ctx, email)
	if err != nil {
		return err
	}
	if err := c.svc.RevokeSessions(ctx, c.actor, u.ID); err != nil {
		return err
	}
	fmt.Fprintf(c.out, "Ended every session of %s.\n", u.Email)
	return nil
}

// describeError gives a domain error's message and field messages for the console.
func describeError(err error) string {
	var e *chorus.Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	msg := strings.TrimSuffix(chorus.ErrorMessage(err), ".")
	var keys []string
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		msg += fmt.Sprintf("\n  %s: %s", k, e.Fields[k])
	}
	return msg
}
