package activitypub_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"herd/internal/config"
	"herd/internal/core"
	"herd/internal/ids"
	"herd/internal/jobs"
	"herd/internal/model"
	"herd/internal/safehttp"
	"herd/internal/server"
	"herd/internal/store"
	"herd/internal/testrig"
)

// TestDeliveryResumesAfterRestart: a node expands a delivery (twice, as
// after a crash between its commit and the job's removal: one inbox job
// all the same), a worker claims the inbox job and dies before sending;
// a node started later on the same database sends it once the lease has
// run out.
func TestDeliveryResumesAfterRestart(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		ctx := context.Background()
		dsn := db.DSN(t)
		r := &fakeRemote{host: remoteHost, docs: map[string]answer{}, hits: map[string]int{}}
		r.srv = httptest.NewServer(r)
		t.Cleanup(r.srv.Close)
		resolve, err := safehttp.MapHosts(map[string]string{remoteHost: r.srv.Listener.Addr().String()})
		if err != nil {
			t.Fatal(err)
		}
		client := safehttp.New(safehttp.Options{Domain: localDomain, Resolve: resolve, AllowPrivateAddresses: true})

		// Node one: no workers run; the test plays them.
		cfg := &config.Config{Domain: localDomain, DB: dsn, MediaDir: filepath.Join(t.TempDir(), "media"),
			Protocol: "http", MaxStatusChars: 500, Registrations: "open", Title: "Herd test"}
		one, err := server.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		one.Deliverer.SetClient(client)
		n := &network{inst: &testrig.Instance{Core: one.Core, Store: one.Store, Server: one}}
		alice := n.inst.NewUser(t, "alice")
		bob := r.url("/users/bob")
		if err := one.Store.InTx(ctx, func(tx *store.Store) error {
			return tx.InsertRemoteAccount(ctx, remoteAccount(bob, "bob", remoteHost), time.Now())
		}); err != nil {
			t.Fatal(err)
		}
		ra, err := one.Core.Federation.RemoteAccountByURI(ctx, bob)
		if err != nil {
			t.Fatal(err)
		}
		n.enqueue(t, core.Delivery{Kind: "Follow", ActorID: alice.Account.ID, ObjectID: 21, TargetID: ra.ID})
		claim := func(queue string, lease time.Duration) []jobs.Job {
			var claimed []jobs.Job
			if err := one.Store.InTx(ctx, func(tx *store.Store) error {
				var err error
				claimed, err = tx.ClaimJobs(ctx, queue, time.Now(), lease, 10)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if len(claimed) != 1 {
				t.Fatalf("%d %s jobs claimed, want 1", len(claimed), queue)
			}
			return claimed
		}
		expand := claim(core.QueueDelivery, time.Minute)
		for range 2 {
			if failed := one.Deliverer.Jobs(ctx, expand); len(failed) != 0 {
				t.Fatalf("expansion failed: %v", failed)
			}
		}
		if c := n.count(t, "SELECT COUNT(*) FROM jobs WHERE queue = 'deliver_inbox'"); c != 1 {
			t.Fatalf("%d inbox jobs after expanding twice, want 1", c)
		}
		claim(core.QueueDeliverInbox, 500*time.Millisecond) // and the worker is killed
		if err := one.Close(); err != nil {
			t.Fatal(err)
		}
		if len(r.postsOf("")) != 0 {
			t.Fatal("node one sent something")
		}

		// Node two, on the same database, with workers.
		two := testrig.Start(t, db, func(c *config.Config) { c.Domain, c.DB = localDomain, dsn })
		two.Server.Deliverer.SetClient(client)
		posts := r.waitPosts(t, "Follow", 1)
		if posts[0]["id"] != alice.Account.URI+"#follows/21" || posts[0]["object"] != bob {
			t.Fatalf("delivered %v", posts[0])
		}
		n2 := &network{inst: two}
		n2.quiet(t)
		if c := n2.count(t, "SELECT COUNT(*) FROM jobs"); c != 0 || len(r.postsOf("")) != 1 {
			t.Fatalf("%d jobs left, %d POSTs", c, len(r.postsOf("")))
		}
	})
}

// remoteAccount is a remote account row for the actor uri on host, with
// the host's shared inbox, as resolving its actor would store it.
func remoteAccount(uri, name, host string) *model.Account {
	return &model.Account{ID: ids.New(), Username: name, Domain: host, URI: uri, URL: "http://" + host + "/@" + name,
		InboxURL: uri + "/inbox", SharedInboxURL: "http://" + host + "/inbox", Discoverable: true, CreatedAt: time.Now()}
}

// TestDeliveryShutdownIsNotAnAttempt: a POST cut short because the node
// stops is put back as it was, due at once, with no attempt counted and no
// failure held against the host.
func TestDeliveryShutdownIsNotAnAttempt(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		r := &fakeRemote{host: remoteHost, docs: map[string]answer{}, hits: map[string]int{}, postHold: make(chan struct{})}
		r.srv = httptest.NewServer(r)
		t.Cleanup(r.srv.Close)
		resolve, err := safehttp.MapHosts(map[string]string{remoteHost: r.srv.Listener.Addr().String()})
		if err != nil {
			t.Fatal(err)
		}
		cfg := &config.Config{Domain: localDomain, DB: db.DSN(t), MediaDir: filepath.Join(t.TempDir(), "media"),
			Protocol: "http", MaxStatusChars: 500, Registrations: "open", Title: "Herd test"}
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		srv, err := server.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		srv.Deliverer.SetClient(safehttp.New(safehttp.Options{Domain: localDomain, Resolve: resolve, AllowPrivateAddresses: true}))
		srv.Run(ctx)
		n := &network{inst: &testrig.Instance{Core: srv.Core, Store: srv.Store, Server: srv}}
		alice := n.inst.NewUser(t, "alice")
		bob := remoteAccount(r.url("/users/bob"), "bob", remoteHost)
		if err := srv.Store.InTx(ctx, func(tx *store.Store) error {
			return tx.InsertRemoteAccount(ctx, bob, time.Now())
		}); err != nil {
			t.Fatal(err)
		}
		n.enqueue(t, core.Delivery{Kind: "Block", ActorID: alice.Account.ID, ObjectID: 3, TargetID: bob.ID})
		r.waitPosts(t, "Block", 1) // held by the remote
		stop()
		srv.Jobs.Wait()
		if err := srv.Close(); err != nil {
			t.Fatal(err)
		}
		srv2, err := server.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		defer srv2.Close()
		n2 := &network{inst: &testrig.Instance{Core: srv2.Core, Store: srv2.Store, Server: srv2}}
		if c := n2.count(t, "SELECT COUNT(*) FROM jobs WHERE queue = 'deliver_inbox' AND attempts = 0 AND locked_until = 0 AND run_at <= $1",
			time.Now().UnixMilli()); c != 1 {
			t.Fatal("the interrupted delivery is not waiting, due, with no attempt counted")
		}
		if c := n2.count(t, "SELECT COUNT(*) FROM delivery_failures"); c != 0 {
			t.Fatal("the shutdown was held against the host")
		}
	})
}
