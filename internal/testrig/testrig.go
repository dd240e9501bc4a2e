// Package testrig boots real Herd instances for tests, on SQLite and (when
// HERD_TEST_POSTGRES holds a DSN) on PostgreSQL, and makes users, tokens
// and clients in one line each.
package testrig

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"herd/internal/config"
	"herd/internal/core"
	"herd/internal/core/accounts"
	"herd/internal/media/s3test"
	"herd/internal/model"
	"herd/internal/server"
	"herd/internal/store"
)

// PostgresEnv names the variable holding the PostgreSQL DSN for tests.
const PostgresEnv = "HERD_TEST_POSTGRES"

// DB is one database engine the suite runs on.
type DB struct {
	Name string // "sqlite" or "postgres"
	dsn  func(t testing.TB) string
}

// SQLite is a fresh SQLite file per instance.
var SQLite = DB{Name: "sqlite", dsn: func(t testing.TB) string {
	return filepath.Join(t.TempDir(), "herd.db")
}}

// Postgres is a fresh schema per instance in the HERD_TEST_POSTGRES
// database, dropped when the test ends.
var Postgres = DB{Name: "postgres", dsn: postgresSchema}

// ForEachDB runs fn as a subtest on SQLite and on PostgreSQL; the
// PostgreSQL run is skipped, saying why, when HERD_TEST_POSTGRES is unset.
func ForEachDB(t *testing.T, fn func(t *testing.T, db DB)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite) })
	t.Run("postgres", func(t *testing.T) {
		if os.Getenv(PostgresEnv) == "" {
			t.Skip("PostgreSQL run skipped: set " + PostgresEnv + " to a DSN (e.g. postgres://postgres@127.0.0.1:5432/test) to run it")
		}
		fn(t, Postgres)
	})
}

func postgresSchema(t testing.TB) string {
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skip(PostgresEnv + " is not set")
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "herd_test_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("postgres: create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Shared returns a DB whose instances all use one fresh database of d:
// nodes of one instance, for tests of what crosses nodes.
func (d DB) Shared(t testing.TB) DB {
	dsn := d.dsn(t)
	return DB{Name: d.Name, dsn: func(testing.TB) string { return dsn }}
}

// DSN returns a fresh database for one instance.
func (d DB) DSN(t testing.TB) string { return d.dsn(t) }

// Instance is a running Herd node behind a real HTTP listener.
type Instance struct {
	URL    string // e.g. http://127.0.0.1:41234
	Domain string // host:port
	Server *server.Server
	Core   *core.Core
	Store  *store.Store // the node's database, for fixtures and checks
	HTTP   *httptest.Server
	app    *model.App
	// What WaitJobs and WaitEvents watch (wait.go): requests that may
	// leave work behind (all but GET and HEAD) received and still being
	// answered, and the newest event the events reader has read.
	writes, writing atomic.Int64
	eventsRead      atomic.Int64
	watched         bool // started by the rig, so the above are kept
}

// Start boots an instance on db; configure may adjust settings before start.
func Start(t testing.TB, db DB, configure ...func(*config.Config)) *Instance {
	t.Helper()
	return start(t, db, httptest.NewUnstartedServer(nil), configure...)
}

// StartNetwork boots one instance per name (e.g. "a.herd.test"), each on
// a fresh database and its own listener, serving http://NAME and reaching
// the others by their names: every instance's outbound requests resolve
// the network's names to their listeners (private addresses allowed, since
// loopback is all there is). Federation tests use it to make several real
// Herd instances talk over HTTP with real signatures.
func StartNetwork(t testing.TB, db DB, names ...string) []*Instance {
	t.Helper()
	return StartNetworkWith(t, db, nil, names...)
}

// StartNetworkWith is StartNetwork with configure, when not nil, adjusting
// each instance's settings (by its name) before it starts.
func StartNetworkWith(t testing.TB, db DB, configure func(name string, c *config.Config), names ...string) []*Instance {
	t.Helper()
	listeners := make(map[string]*httptest.Server, len(names))
	for _, n := range names {
		listeners[n] = httptest.NewUnstartedServer(nil)
	}
	resolve := func(ctx context.Context, host, port string) ([]netip.AddrPort, error) {
		ts, ok := listeners[strings.ToLower(host)]
		if !ok || port != "80" {
			return nil, fmt.Errorf("test network: no host %s:%s", host, port)
		}
		ap, err := netip.ParseAddrPort(ts.Listener.Addr().String())
		return []netip.AddrPort{ap}, err
	}
	out := make([]*Instance, 0, len(names))
	for _, n := range names {
		out = append(out, start(t, db, listeners[n], func(c *config.Config) {
			c.Domain, c.AllowPrivateAddresses, c.OutboundResolve = n, true, resolve
			if configure != nil {
				configure(n, c)
			}
		}))
	}
	return out
}

// WithS3 configures an instance to store its media in the fake S3
// service srv (s3test.Start), files fetched from the bucket's own URL.
func WithS3(srv *s3test.Server) func(*config.Config) {
	return func(c *config.Config) {
		c.S3Endpoint, c.S3Bucket, c.S3PathStyle = srv.URL, srv.Bucket, true
		c.S3AccessKey, c.S3SecretKey, c.S3Region = s3test.AccessKey, s3test.SecretKey, s3test.Region
		c.S3Transport = srv.Client.Transport
	}
}

func start(t testing.TB, db DB, ts *httptest.Server, configure ...func(*config.Config)) *Instance {
	t.Helper()
	domain := ts.Listener.Addr().String()
	cfg := &config.Config{
		Domain: domain, Listen: domain, DB: db.DSN(t), MediaDir: filepath.Join(t.TempDir(), "media"),
		Protocol: "http", MaxStatusChars: 500, MaxMediaAttachments: 4, Registrations: "open", Title: "Herd test",
		Description: "A test instance", ContactEmail: "admin@example.com",
		TrustedProxies: []string{"127.0.0.0/8", "::1/128"}, BodyMinRate: 4096, BodyReadGrace: 10 * time.Second,
	}
	for _, f := range configure {
		f(cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	logs := &testWriter{t: t}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := server.New(ctx, cfg, log)
	if err != nil {
		cancel()
		t.Fatalf("start instance: %v", err)
	}
	inst := &Instance{Domain: cfg.Domain, Server: srv, Core: srv.Core, Store: srv.Store, HTTP: ts, watched: true}
	// The events reader starts where the log ends when Run starts it;
	// nothing writes in between, so it has read up to here.
	last, err := srv.Store.LastEventID(ctx)
	if err != nil {
		cancel()
		srv.Close()
		t.Fatalf("start instance: %v", err)
	}
	inst.eventsRead.Store(last)
	srv.Core.Subscribe(inst.noteEvent)
	srv.Run(ctx)
	ts.Config.Handler = inst.watch(srv.Handler)
	ts.Start()
	inst.URL = ts.URL
	t.Cleanup(func() {
		logs.stop()
		ts.Close()
		cancel()
		srv.Close()
	})
	return inst
}

// testWriter sends the instance's log to the test's log until the test
// ends: background goroutines (event polling, job workers) may still log
// while the instance shuts down, and testing panics on a log line written
// after a test has finished.
type testWriter struct {
	t       testing.TB
	mu      sync.Mutex
	stopped bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.stopped {
		w.t.Log(strings.TrimSpace(string(p)))
	}
	return len(p), nil
}

func (w *testWriter) stop() {
	w.mu.Lock()
	w.stopped = true
	w.mu.Unlock()
}

// User is a local account with a full-scope access token.
type User struct {
	Account *model.Account
	Email   string
	Token   string
}

// testPassword is every test user's password.
const testPassword = "correct horse battery"

// Password is the password NewUser gives every account.
func Password() string { return testPassword }

// NewUser creates an approved account and a token with read, write, follow
// and push scopes, going through the same use cases as registration.
func (i *Instance) NewUser(t testing.TB, username string) *User {
	t.Helper()
	ctx := context.Background()
	email := username + "@example.com"
	acct, _, err := i.Core.Accounts.CreateAccount(ctx, accounts.NewAccount{Username: username, Email: email,
		Password: testPassword, Approved: true})
	if err != nil {
		t.Fatalf("create %s: %v", username, err)
	}
	tok := i.Token(t, acct.ID, "read", "write", "follow", "push")
	return &User{Account: acct, Email: email, Token: tok}
}

// Token mints a token for accountID (0 = app-only) with the given scopes.
func (i *Instance) Token(t testing.TB, accountID int64, scopes ...string) string {
	t.Helper()
	ctx := context.Background()
	if i.app == nil {
		app, err := i.Core.Accounts.CreateApp(ctx, "testrig", "", []string{"urn:ietf:wg:oauth:2.0:oob"},
			[]string{"read", "write", "follow", "push", "profile"})
		if err != nil {
			t.Fatalf("create app: %v", err)
		}
		i.app = app
	}
	it, err := i.Core.Accounts.IssueToken(ctx, i.app.ID, accountID, scopes, false)
	if err != nil {
		t.Fatalf("issue token: %v", err)
	}
	return it.AccessToken
}
