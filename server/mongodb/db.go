// Package mongodb is the only package that talks to the store: it opens MongoDB (or an
// embedded FerretDB on SQLite when no MongoDB URI is given), creates indexes, and maps
// documents and driver errors to the domain.
package mongodb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"github.com/prometheus/client_golang/prometheus"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/connstring"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"github.com/chorus-voice/chorus/server/chorus"
)

// Options says where the store is.
type Options struct {
	// URI of a MongoDB deployment. Empty starts an embedded FerretDB under DataDir.
	URI string
	// DataDir holds the embedded store's SQLite files (in DataDir/db).
	DataDir string
	// Database is the database name; "chorus" when empty.
	Database string
	// Logger receives store events; never documents.
	Logger *slog.Logger
	// Registerer receives the store latency histogram; nil registers nothing.
	Registerer prometheus.Registerer
}

// DB is an open connection to the store.
type DB struct {
	client   *mongo.Client
	db       *mongo.Database
	log      *slog.Logger
	embedded *ferretdb.FerretDB
	stopFDB  context.CancelFunc
	fdbDone  chan struct{}

	// URI is the MongoDB URI in use, with any password removed; for the embedded
	// store it names its Unix socket, which mongosh and mongodump can use.
	URI string

	indexMu sync.Mutex
	indexed bool
}

// Open connects to the store. It does not wait for the store to answer: an unreachable
// MongoDB makes Ready fail until it comes back. It fails at once for a malformed URI or
// an unusable data directory.
func Open(ctx context.Context, o Options) (*DB, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Database == "" {
		o.Database = "chorus"
	}
	d := &DB{log: o.Logger}
	uri := o.URI
	if uri == "" {
		var err error
		if uri, err = d.startEmbedded(o.DataDir); err != nil {
			return nil, err
		}
	} else if db := databaseFromURI(uri); db != "" && o.Database == "chorus" {
		o.Database = db
	}

	hist := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "chorus_store_command_seconds",
		Help:    "Latency of store commands by command name.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
	}, []string{"command", "outcome"})
	if o.Registerer != nil {
		if err := o.Registerer.Register(hist); err != nil {
			var are prometheus.AlreadyRegisteredError
			if errors.As(err, &are) {
				hist = are.ExistingCollector.(*prometheus.HistogramVec)
			}
		}
	}
	monitor := &event.CommandMonitor{
		Succeeded: func(_ context.Context, e *event.CommandSucceededEvent) {
			hist.WithLabelValues(e.CommandName, "ok").Observe(e.Duration.Seconds())
		},
		Failed: func(_ context.Context, e *event.CommandFailedEvent) {
			hist.WithLabelValues(e.CommandName, "error").Observe(e.Duration.Seconds())
		},
	}

	copts := options.Client().ApplyURI(uri).
		SetWriteConcern(writeconcern.Majority()).
		SetRetryWrites(true).
		SetServerSelectionTimeout(2 * time.Second).
		SetConnectTimeout(2 * time.Second).
		SetMaxPoolSize(64).
		SetMonitor(monitor).
		SetAppName("chorus")
	if err := copts.Validate(); err != nil {
		d.stopEmbedded()
		return nil, fmt.Errorf("MONGODB_URI: %w", err)
	}
	client, err := mongo.Connect(copts)
	if err != nil {
		d.stopEmbedded()
		return nil, fmt.Errorf("MONGODB_URI: %w", err)
	}
	d.client = client
	d.db = client.Database(o.Database)
	d.URI = redactURI(uri)
	return d, nil
}

// startEmbedded starts FerretDB on SQLite files under dataDir/db, listening only on a
// Unix socket in that directory: the directory is 0700 and the socket 0600, so only
// the OS user Chorus runs as can connect (a loopback port would let any local user
// read every answer and make themselves an admin). If the socket already answers,
// another Chorus process (the server, while a command runs) has the store open, and
// its socket is used. SQLite runs in WAL mode with synchronous=FULL so that an
// acknowledged write survives a crash of the process or the machine.
func (d *DB) startEmbedded(dataDir string) (string, error) {
	if dataDir == "" {
		dataDir = "data"
	}
	dir, err := filepath.Abs(filepath.Join(dataDir, "db"))
	if err != nil {
		return "", fmt.Errorf("CHORUS_DATA: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("CHORUS_DATA: cannot create %s: %w", dir, err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return "", fmt.Errorf("CHORUS_DATA: cannot make %s private: %w", dir, err)
	}
	probe := filepath.Join(dir, ".write-test")
	if err := os.WriteFile(probe, nil, 0o600); err != nil {
		return "", fmt.Errorf("CHORUS_DATA: %s is not writable: %w", dir, err)
	}
	_ = os.Remove(probe)

	sock, err := socketPath(dir)
	if err != nil {
		return "", err
	}
	uri := SocketURI(sock)
	switch err := dialSocket(sock); {
	case err == nil:
		return uri, nil
	case errors.Is(err, syscall.ECONNREFUSED):
		_ = os.Remove(sock) // left by a process that stopped without removing it
	case !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOENT):
		// Someone else's store (another OS user's): never remove or take it over.
		return "", fmt.Errorf("CHORUS_DATA: the store's socket %s is there but cannot be opened by this user (%v); run Chorus as the user that owns CHORUS_DATA", sock, err)
	}

	sqliteURL := (&url.URL{Scheme: "file", Opaque: dir + "/", RawQuery: url.Values{
		"_pragma": {"busy_timeout(10000)", "journal_mode(wal)", "synchronous(full)"},
	}.Encode()}).String()
	fdb, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{Unix: sock},
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
		// FerretDB logs whole wire messages on some errors: they may hold a child's
		// words, so its own logs are dropped. Store failures surface through the driver.
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		if dialSocket(sock) == nil { // another process started it just now
			return uri, nil
		}
		return "", fmt.Errorf("embedded store: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.embedded, d.stopFDB, d.fdbDone = fdb, cancel, make(chan struct{})
	go func() {
		defer close(d.fdbDone)
		_ = fdb.Run(ctx)
	}()
	// The directory already keeps others out; the socket's own mode says so too.
	if err := os.Chmod(sock, 0o600); err != nil {
		d.stopEmbedded()
		return "", fmt.Errorf("embedded store: %w", err)
	}
	return uri, nil
}

// SocketName is the embedded store's Unix socket in CHORUS_DATA/db.
const SocketName = "mongodb.sock"

// maxSocketPath is the longest socket path every Unix allows (sun_path less its NUL).
const maxSocketPath = 103

// SocketURI is the mongodb:// URI of a Unix socket: the path, percent-encoded, is the
// host (the form the Go driver, mongosh and mongodump understand).
func SocketURI(path string) string {
	return "mongodb://" + strings.ReplaceAll(url.QueryEscape(path), "+", "%20") + "/"
}

// socketPath is where the store's socket goes: CHORUS_DATA/db/mongodb.sock, or, when
// that path is too long for a socket, a private directory of the temporary directory
// named after it (made 0700 by this user, and refused if anyone else made it).
func socketPath(dir string) (string, error) {
	sock := filepath.Join(dir, SocketName)
	if len(sock) <= maxSocketPath {
		return sock, nil
	}
	sum := sha256.Sum256([]byte(dir))
	short := filepath.Join(os.TempDir(), "chorus-"+hex.EncodeToString(sum[:8]))
	if err := os.Mkdir(short, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", fmt.Errorf("embedded store: %w", err)
	}
	if fi, err := os.Lstat(short); err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 || !ownedByMe(fi) {
		return "", fmt.Errorf("CHORUS_DATA: %s is too long for the store's socket, and %s is not a private directory of this user; use a shorter CHORUS_DATA", sock, short)
	}
	return filepath.Join(short, SocketName), nil
}

// dialSocket connects to the socket and hangs up: nil if something listens there.
func dialSocket(path string) error {
	c, err := net.DialTimeout("unix", path, time.Second)
	if err != nil {
		return err
	}
	return c.Close()
}

func (d *DB) stopEmbedded() {
	if d.embedded == nil {
		return
	}
	d.stopFDB()
	<-d.fdbDone
	d.embedded = nil
}

// Embedded reports whether the store is the embedded FerretDB.
func (d *DB) Embedded() bool { return d.fdbDone != nil }

// Close disconnects and stops the embedded store, if any.
func (d *DB) Close(ctx context.Context) error {
	err := d.client.Disconnect(ctx)
	d.stopEmbedded()
	return err
}

// Ready returns nil if the store answers a ping within ctx, and creates the indexes the
// first time it does. It returns EUNAVAILABLE otherwise.
func (d *DB) Ready(ctx context.Context) error {
	if err := d.client.Ping(ctx, readpref.Primary()); err != nil {
		return chorus.Wrap(chorus.EUNAVAILABLE, err, "The store is not available.")
	}
	d.indexMu.Lock()
	defer d.indexMu.Unlock()
	if d.indexed {
		return nil
	}
	if err := d.ensureIndexes(ctx); err != nil {
		return err
	}
	d.indexed = true
	return nil
}

// WaitReady retries Ready with backoff until it succeeds or ctx ends.
func (d *DB) WaitReady(ctx context.Context) error {
	delay := 100 * time.Millisecond
	for {
		pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		err := d.Ready(pctx)
		cancel()
		if err == nil {
			return nil
		}
		d.log.Warn("store not ready; retrying", "err", err, "in", delay)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay = min(delay*2, 5*time.Second)
	}
}

// Collection returns a collection of the Chorus database. It is for tests and tools
// in this package's callers that inspect raw documents.
func (d *DB) Collection(name string) *mongo.Collection { return d.db.Collection(name) }

// Drop removes the whole database; tests use it to clean up.
func (d *DB) Drop(ctx context.Context) error { return d.db.Drop(ctx) }

// translate maps a driver error to a domain error, naming the operation.
func translate(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return chorus.Wrap(chorus.ENOTFOUND, err, "Not found.")
	case mongo.IsDuplicateKeyError(err):
		return chorus.Wrap(chorus.ECONFLICT, err, "It already exists.")
	case mongo.IsTimeout(err), mongo.IsNetworkError(err),
		errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, mongo.ErrClientDisconnected),
		isServerSelection(err):
		return chorus.Wrap(chorus.EUNAVAILABLE, fmt.Errorf("%s: %w", op, err), "The store is not available. Please try again.")
	default:
		return fmt.Errorf("%s: %w", op, err)
	}
}

func isServerSelection(err error) bool {
	var sse topology.ServerSelectionError
	return errors.As(err, &sse) || strings.Contains(err.Error(), "server selection")
}

func databaseFromURI(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return ""
	}
	return strings.Trim(u.Path, "/")
}

// redactURI removes any password from a URI so it can be printed.
func redactURI(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.User == nil {
		return uri
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// SetSetting keeps a small value in the settings collection under name.
func (d *DB) SetSetting(ctx context.Context, name, value string) error {
	_, err := d.db.Collection("settings").UpdateOne(ctx, bson.D{{Key: "_id", Value: name}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "text", Value: value}}}}, options.UpdateOne().SetUpsert(true))
	return translate("store setting "+name, err)
}

// Setting returns the value SetSetting kept under name; ENOTFOUND if there is none.
func (d *DB) Setting(ctx context.Context, name string) (string, error) {
	var doc struct {
		Text string `bson:"text"`
	}
	err := d.db.Collection("settings").FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Decode(&doc)
	return doc.Text, translate("find setting "+name, err)
}

// SettingServerURL names the setting where a server keeps the address it serves on,
// so that commands on the same store can link to it.
const SettingServerURL = "server_url"

// CheckURI reports whether uri is a MongoDB URI the driver can use: a host list, an SRV
// name or a percent-encoded Unix socket path.
func CheckURI(uri string) error {
	_, err := connstring.ParseAndValidate(uri)
	return err
}
