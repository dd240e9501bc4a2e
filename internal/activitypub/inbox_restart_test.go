package activitypub_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"herd/internal/activitypub"
	"herd/internal/config"
	"herd/internal/httpsig"
	"herd/internal/safehttp"
	"herd/internal/server"
	"herd/internal/testrig"
)

// TestInboxActivitySurvivesRestart: a node answers 202 and stops before
// any worker ran (its job workers were never started, as if it was killed
// right after answering); a node started later on the same database
// processes the activity.
func TestInboxActivitySurvivesRestart(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		dsn := db.DSN(t)
		r := &fakeRemote{host: remoteHost, docs: map[string]answer{}, hits: map[string]int{}}
		r.srv = httptest.NewServer(r)
		t.Cleanup(r.srv.Close)
		resolve, err := safehttp.MapHosts(map[string]string{remoteHost: r.srv.Listener.Addr().String()})
		if err != nil {
			t.Fatal(err)
		}
		client := safehttp.New(safehttp.Options{Domain: localDomain, Resolve: resolve, AllowPrivateAddresses: true})
		key, _ := testKey(t)
		signer := func(context.Context) (httpsig.Signer, bool, error) {
			return httpsig.Signer{KeyID: "http://" + localDomain + "/actor#main-key", Key: key}, true, nil
		}
		bob := r.person(t, "bob")

		// Node one: the inbox only, no workers.
		cfg := &config.Config{Domain: localDomain, DB: dsn, MediaDir: filepath.Join(t.TempDir(), "media"),
			Protocol: "http", MaxStatusChars: 500, Registrations: "open", Title: "Herd test"}
		one, err := server.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		one.Inbox.SetFetcher(activitypub.NewFetcher(client, one.Core, signer))
		ts := httptest.NewServer(one.Handler)
		n := &network{inst: &testrig.Instance{URL: ts.URL, HTTP: ts, Core: one.Core, Store: one.Store, Server: one}}
		uri := "http://remote.test/notes/survivor"
		n.accept(t, create(bob, note(bob, uri, "<p>still here</p>")))
		ts.Close()
		// Answered, stored as a job, not processed yet.
		if n.count(t, "SELECT COUNT(*) FROM jobs WHERE queue = 'ingest'") != 1 || n.count(t, "SELECT COUNT(*) FROM statuses WHERE uri = $1", uri) != 0 {
			t.Fatal("the activity was not waiting as a job")
		}
		if err := one.Close(); err != nil {
			t.Fatal(err)
		}

		// Node two, on the same database, with workers.
		two := testrig.Start(t, db, func(c *config.Config) { c.Domain, c.DB = localDomain, dsn })
		two.Server.Receiver.SetFetcher(activitypub.NewFetcher(client, two.Core, signer))
		two.Server.Jobs.Wake()
		two.WaitJobs(t)
		var c int
		if err := two.Store.DB.Read.QueryRow("SELECT COUNT(*) FROM statuses WHERE uri = $1", uri).Scan(&c); err != nil {
			t.Fatal(err)
		}
		if c != 1 {
			t.Fatal("the activity answered 202 was never processed after the restart")
		}
	})
}
