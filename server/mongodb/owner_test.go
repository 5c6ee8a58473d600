package mongodb

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// TestEmbeddedStoreOwnerOnly starts the embedded store and runs a client as another
// OS user (nobody) against the printed URI: it must not get in. As controls, the same
// client as this user gets in, and so does nobody once the permissions are opened up
// (so a refusal is the permissions' doing, not a broken client).
func TestEmbeddedStoreOwnerOnly(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, to run a client as another OS user (nobody); run the tests as root to check the embedded store keeps other users out")
	}
	base := t.TempDir()
	// Every directory above CHORUS_DATA is open to all, so only Chorus's own
	// permissions stand between nobody and the store.
	for d := base; d != "/" && d != os.TempDir(); d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	data := filepath.Join(base, "data")
	db, err := Open(context.Background(), Options{DataDir: data, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := db.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(db.URI, "mongodb://%2F") || !strings.HasSuffix(db.URI, ".sock/") {
		t.Errorf("URI %q does not name the store's socket", db.URI)
	}
	sock := filepath.Join(data, "db", SocketName)
	for path, want := range map[string]os.FileMode{filepath.Join(data, "db"): 0o700, sock: 0o600} {
		if fi, err := os.Stat(path); err != nil {
			t.Errorf("%s: %v", path, err)
		} else if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode().Perm(), want)
		}
	}

	// The client is this test binary, copied where nobody can run it.
	bin := filepath.Join(base, "client")
	copyFile(t, os.Args[0], bin)
	client := func(uid uint32) string {
		cmd := exec.Command(bin, "-test.run=^TestStoreClientHelper$", "-test.count=1")
		cmd.Env = append(os.Environ(), "CHORUS_STORE_CLIENT_URI="+db.URI)
		cmd.Dir = base
		if uid != 0 {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: uid}}
		}
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	const nobody = 65534
	if out := client(0); !strings.Contains(out, "CONNECTED") {
		t.Fatalf("the client as Chorus's own user did not connect:\n%s", out)
	}
	if out := client(nobody); strings.Contains(out, "CONNECTED") || !strings.Contains(out, "REFUSED") {
		t.Errorf("another OS user (nobody) reached the store:\n%s", out)
	}
	// The socket's own mode keeps nobody out even with the directory open.
	for _, d := range []string{data, filepath.Join(data, "db")} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if out := client(nobody); strings.Contains(out, "CONNECTED") {
		t.Errorf("nobody reached the store through the open directory; the socket is not owner-only:\n%s", out)
	}
	if err := os.Chmod(sock, 0o666); err != nil {
		t.Fatal(err)
	}
	if out := client(nobody); !strings.Contains(out, "CONNECTED") {
		t.Errorf("control: with everything opened up, nobody still did not connect, so the refusals above prove nothing:\n%s", out)
	}
}

// TestStoreClientHelper is the client TestEmbeddedStoreOwnerOnly runs as another user.
func TestStoreClientHelper(t *testing.T) {
	uri := os.Getenv("CHORUS_STORE_CLIENT_URI")
	if uri == "" {
		t.Skip("run by TestEmbeddedStoreOwnerOnly")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := mongo.Connect(options.Client().ApplyURI(uri).SetServerSelectionTimeout(3 * time.Second))
	if err == nil {
		defer func() { _ = c.Disconnect(ctx) }()
		err = c.Database("chorus").RunCommand(ctx, bson.D{{Key: "listCollections", Value: 1}}).Err()
	}
	if err != nil {
		fmt.Println("REFUSED:", err)
		return
	}
	fmt.Println("CONNECTED")
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestEmbeddedStoreSocketReuse: a command started while the server runs uses the
// server's socket rather than a second store; a socket left by a process that died is
// replaced.
func TestEmbeddedStoreSocketReuse(t *testing.T) {
	ctx := context.Background()
	data := filepath.Join(t.TempDir(), "d")
	sock := filepath.Join(data, "db", SocketName)
	if err := os.MkdirAll(filepath.Dir(sock), 0o700); err != nil {
		t.Fatal(err)
	}
	// A stale socket: bound, then closed without being removed.
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	_ = ln.Close()

	server, err := Open(ctx, Options{DataDir: data, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("open over a stale socket: %v", err)
	}
	t.Cleanup(func() { _ = server.Close(ctx) })
	if !server.Embedded() {
		t.Fatal("the first process did not start the store")
	}
	command, err := Open(ctx, Options{DataDir: data, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = command.Close(ctx) }()
	if command.Embedded() || command.URI != server.URI {
		t.Errorf("the second process started its own store (%v) or another URI %q", command.Embedded(), command.URI)
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := command.WaitReady(wctx); err != nil {
		t.Fatalf("the second process cannot use the first one's store: %v", err)
	}
}
