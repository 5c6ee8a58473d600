package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chorus-voice/chorus/server/app"
	"github.com/chorus-voice/chorus/server/auth"
	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/mongodb"
	"github.com/chorus-voice/chorus/server/mongodb/mongodbtest"
)

// userCLI runs `chorus user …` against a fresh database of the test store, reached
// through MONGODB_URI as an operator would reach a running server's store.
type userCLI struct {
	t   *testing.T
	env map[string]string
	svc *auth.Service
}

func newUserCLI(t *testing.T) *userCLI {
	t.Helper()
	env := map[string]string{"MONGODB_URI": mongodbtest.URI(t), "CHORUS_DATABASE": mongodbtest.Database()}
	db, err := mongodb.Open(context.Background(), mongodb.Options{URI: env["MONGODB_URI"], Database: env["CHORUS_DATABASE"], Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = db.Drop(ctx)
		_ = db.Close(ctx)
	})
	return &userCLI{t: t, env: env, svc: auth.NewService(mongodb.NewUserService(db), mongodb.NewAuditService(db), auth.DefaultHasher())}
}

// runEnv runs a user command with the test's environment.
func (c *userCLI) runEnv(stdin io.Reader, args ...string) (code int, stdout, stderr string) {
	c.t.Helper()
	var out, errOut bytes.Buffer
	code = runUser(args, stdin, &out, &errOut, func(k string) string { return c.env[k] })
	return code, out.String(), errOut.String()
}

func (c *userCLI) user(email string) *chorus.User {
	c.t.Helper()
	u, err := c.svc.Users.FindUserByEmail(context.Background(), email)
	if err != nil {
		c.t.Fatalf("find %s: %v", email, err)
	}
	return u
}

func (c *userCLI) canSignIn(email, password string) bool {
	_, err := c.svc.Login(context.Background(), email, password, "test", "test")
	return err == nil
}

func TestUserCommands(t *testing.T) {
	c := newUserCLI(t)

	t.Run("AddFromStdin", func(t *testing.T) {
		code, out, errOut := c.runEnv(strings.NewReader("tangerine orbit lantern\n"), "add", "--email", " Ana@Example.org", "--role", "viewer", "--areas", "e10000002,E06000001", "--name", "Ana")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		u := c.user("ana@example.org")
		if u.Role != chorus.RoleViewer || len(u.Areas) != 2 || u.Name != "Ana" || u.MustChangePassword || !strings.Contains(out, "Added viewer ana@example.org") {
			t.Errorf("stored %+v; printed %q", u, out)
		}
		if strings.Contains(out, "tangerine") {
			t.Error("the password was printed")
		}
		if !c.canSignIn("ana@example.org", "tangerine orbit lantern") {
			t.Error("cannot sign in with the password from stdin")
		}
	})
	t.Run("AddAtTerminal", func(t *testing.T) {
		tty, err := os.Open(os.DevNull) // a character device, as a terminal is
		if err != nil {
			t.Fatal(err)
		}
		defer tty.Close()
		code, out, errOut := c.runEnv(tty, "add", "--email", "bea@example.org", "--role", "admin")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		m := regexp.MustCompile(`One-time password: (\S+)`).FindStringSubmatch(out)
		if m == nil || !c.user("bea@example.org").MustChangePassword || !c.canSignIn("bea@example.org", m[1]) {
			t.Errorf("printed %q; want a one-time password that works and must be changed", out)
		}
	})
	for name, tt := range map[string]struct {
		stdin string
		args  []string
		code  int
		msg   string
	}{
		"ErrDuplicate":     {"violet kettle meadow\n", []string{"add", "--email", "ANA@example.org", "--role", "viewer"}, 1, "already an account"},
		"ErrWeakPassword":  {"password1234\n", []string{"add", "--email", "cat@example.org", "--role", "viewer"}, 1, "too common"},
		"ErrEmptyStdin":    {"", []string{"add", "--email", "cat@example.org", "--role", "viewer"}, 1, "no password"},
		"ErrRole":          {"violet kettle meadow\n", []string{"add", "--email", "cat@example.org", "--role", "root"}, 1, "admin, facilitator or viewer"},
		"ErrAreas":         {"violet kettle meadow\n", []string{"add", "--email", "cat@example.org", "--role", "viewer", "--areas", "Kent"}, 1, "council codes"},
		"ErrMissingFlags":  {"", []string{"add", "--email", "cat@example.org"}, 2, "needs --email and --role"},
		"ErrUnknownUser":   {"", []string{"disable", "--email", "nobody@example.org"}, 1, "no user has that email"},
		"ErrUnknownFlag":   {"", []string{"list", "--all"}, 2, "Usage"},
		"ErrUnknownAction": {"", []string{"promote", "--email", "ana@example.org"}, 2, "unknown user command"},
	} {
		t.Run(name, func(t *testing.T) {
			code, _, errOut := c.runEnv(strings.NewReader(tt.stdin), tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.msg) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, tt.code, tt.msg)
			}
		})
	}
	t.Run("List", func(t *testing.T) {
		code, out, errOut := c.runEnv(nil, "list")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 3 || !strings.HasPrefix(lines[0], "EMAIL") ||
			!strings.Contains(lines[1], "ana@example.org") || !strings.Contains(lines[1], "E10000002,E06000001") ||
			!strings.Contains(lines[2], "bea@example.org") || !strings.Contains(lines[2], "must-change-password") {
			t.Errorf("list printed:\n%s", out)
		}
	})
	t.Run("DisableEnable", func(t *testing.T) {
		if code, _, errOut := c.runEnv(nil, "disable", "--email", "ana@example.org"); code != 0 {
			t.Fatalf("disable: exit %d: %s", code, errOut)
		}
		if !c.user("ana@example.org").Disabled || c.canSignIn("ana@example.org", "tangerine orbit lantern") {
			t.Error("a disabled user can still sign in")
		}
		if _, out, _ := c.runEnv(nil, "list"); !strings.Contains(out, "disabled") {
			t.Error("list does not show the account disabled")
		}
		if code, _, errOut := c.runEnv(nil, "enable", "--email", "ana@example.org"); code != 0 {
			t.Fatalf("enable: exit %d: %s", code, errOut)
		}
		if !c.canSignIn("ana@example.org", "tangerine orbit lantern") {
			t.Error("cannot sign in after enable")
		}
	})
	t.Run("ResetPassword", func(t *testing.T) {
		before := c.user("ana@example.org").TokensValidAfter
		code, out, errOut := c.runEnv(strings.NewReader("violet kettle meadow\r\n"), "reset-password", "--email", "ana@example.org")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		u := c.user("ana@example.org")
		if !u.MustChangePassword || !u.TokensValidAfter.After(before) || strings.Contains(out, "violet") {
			t.Errorf("after reset: must change %v, sessions ended %v; printed %q", u.MustChangePassword, u.TokensValidAfter.After(before), out)
		}
		if !c.canSignIn("ana@example.org", "violet kettle meadow") || c.canSignIn("ana@example.org", "tangerine orbit lantern") {
			t.Error("the new password does not work, or the old one still does")
		}
	})
	t.Run("Revoke", func(t *testing.T) {
		before := c.user("bea@example.org").TokensValidAfter
		if code, _, errOut := c.runEnv(nil, "revoke", "--email", "bea@example.org"); code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if !c.user("bea@example.org").TokensValidAfter.After(before) {
			t.Error("sessions were not ended")
		}
	})
	t.Run("Audited", func(t *testing.T) {
		entries, err := c.svc.Audit.FindAudit(context.Background(), chorus.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		cli := 0
		for _, e := range entries {
			if e.Via == "cli" {
				cli++
			}
		}
		if cli < 6 { // 2 adds, disable, enable, reset, revoke
			t.Errorf("%d audit entries from the command line, want at least 6", cli)
		}
	})
	t.Run("Dispatch", func(t *testing.T) {
		var out, errOut bytes.Buffer
		if code := run([]string{"user"}, nil, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "chorus user add") {
			t.Errorf("`chorus user` alone: exit %d, %q; want usage and 2", code, errOut.String())
		}
	})
}

func TestFirstAdmin(t *testing.T) {
	ctx := context.Background()
	db := mongodbtest.Open(t)
	dir := t.TempDir()
	var out, logs bytes.Buffer
	m := &Main{Config: Config{DataDir: dir, AdminEmail: "Boss@Example.org"}, Log: slog.New(slog.NewJSONHandler(&logs, nil)),
		Out: &out, Addr: "[::]:8123", DB: db}
	svc := buildServices(t, m.Config, db)
	if info, err := os.Stat(filepath.Join(dir, "jwt-secret")); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("generated secret: %v, %v; want mode 0600", info, err)
	}
	m.ensureFirstAdmin(ctx, svc.Auth)
	match := regexp.MustCompile(`one-time password:\s+(\S+)`).FindStringSubmatch(out.String())
	if match == nil || !strings.Contains(out.String(), "boss@example.org") || !strings.Contains(out.String(), "http://localhost:8123/login") {
		t.Fatalf("printed %q; want the email, a one-time password and where to sign in", out.String())
	}
	if strings.Contains(logs.String(), match[1]) {
		t.Error("the one-time password reached the log")
	}
	u, err := svc.Auth.Login(ctx, "boss@example.org", match[1], "test", "test")
	if err != nil || u.Role != chorus.RoleAdmin || !u.MustChangePassword {
		t.Fatalf("first admin %+v, %v; want an admin who must change the password", u, err)
	}

	out.Reset()
	m.ensureFirstAdmin(ctx, svc.Auth)
	if out.Len() != 0 {
		t.Errorf("a second start printed %q", out.String())
	}

	// Another start on the same data directory signs with the same secret.
	tok, _, err := svc.Tokens.IssueSession(u.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := buildServices(t, Config{DataDir: dir}, db).Tokens.ParseSession(tok); err != nil {
		t.Errorf("a token from before the restart is refused: %v", err)
	}
	other := buildServices(t, Config{DataDir: t.TempDir(), JWTSecret: strings.Repeat("k", 32)}, db)
	if _, err := other.Tokens.ParseSession(tok); err == nil {
		t.Error("a token signed with the generated secret passed with CHORUS_JWT_SECRET set to another")
	}
}

// buildServices builds the services for cfg on db as serve does (the signing secret
// from cfg or CHORUS_DATA), with the shipped surveys and a cheap password hasher.
func buildServices(t *testing.T, cfg Config, db *mongodb.DB) *app.Services {
	t.Helper()
	secret, err := signingSecret(cfg)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := app.Build(context.Background(), app.Config{SurveysDir: "../surveys", Secret: secret, Hasher: auth.NewHasher(64, 1, 1, 4)},
		db, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = svc.Close(context.Background()) })
	return svc
}
