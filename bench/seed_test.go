package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"herd/internal/config"
	"herd/internal/core"
	"herd/internal/db"
	"herd/internal/server"
	"herd/internal/store"
	"herd/internal/testrig"
)

// TestSeedShape seeds a tiny instance and checks what the measurements
// rely on: the counts asked for, counters that agree with the rows, home
// feeds only for active accounts and only from whom they follow, and
// tokens that authenticate through the real API.
func TestSeedShape(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, tdb testrig.DB) {
		ctx := context.Background()
		cfg := seedConfig{DB: tdb.DSN(t), Domain: "bench.test", Protocol: "https", Accounts: 50, Statuses: 500,
			Active: 0.3, Tokens: 20, Days: 10, FeedSize: 40, Favourites: 0.5, Tags: 20, Seed: 7}
		rep, err := seed(ctx, cfg, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		database, err := db.Open(ctx, cfg.DB)
		if err != nil {
			t.Fatal(err)
		}
		defer database.Close()
		count := func(q string) int64 {
			t.Helper()
			var n int64
			if err := database.Read.QueryRowContext(ctx, q).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		checks := []struct {
			name      string
			got, want int64
		}{
			{"accounts", count("SELECT COUNT(*) FROM accounts"), 50},
			{"users", count("SELECT COUNT(*) FROM users"), 50},
			{"statuses", count("SELECT COUNT(*) FROM statuses"), 500},
			{"follows", count("SELECT COUNT(*) FROM follows"), rep.Follows},
			{"tokens", count("SELECT COUNT(*) FROM tokens"), 20},
			{"feed rows", count("SELECT COUNT(*) FROM home_feed"), rep.FeedRows},
			{"statuses_count sum", count("SELECT SUM(statuses_count) FROM accounts"), 500},
			{"followers_count sum", count("SELECT SUM(followers_count) FROM accounts"), rep.Follows},
			{"following_count sum", count("SELECT SUM(following_count) FROM accounts"), rep.Follows},
			{"replies_count sum", count("SELECT SUM(replies_count) FROM statuses"),
				count("SELECT COUNT(*) FROM statuses WHERE in_reply_to_id IS NOT NULL")},
			{"reblogs_count sum", count("SELECT SUM(reblogs_count) FROM statuses"),
				count("SELECT COUNT(*) FROM statuses WHERE reblog_of_id IS NOT NULL")},
			{"favourites_count sum", count("SELECT SUM(favourites_count) FROM statuses"), rep.Favourites},
			// Every account follows at least 20 others (or all 49).
			{"accounts following < 20", count("SELECT COUNT(*) FROM accounts WHERE following_count < 20"), 0},
			// Feed rows come only from the account itself or whom it follows.
			{"feed rows from strangers", count(`SELECT COUNT(*) FROM home_feed h WHERE h.author_id <> h.account_id
				AND NOT EXISTS (SELECT 1 FROM follows f WHERE f.account_id = h.account_id AND f.target_account_id = h.author_id)`), 0},
			{"feed rows of direct statuses", count(`SELECT COUNT(*) FROM home_feed h JOIN statuses s ON s.id = h.status_id
				WHERE s.visibility = 'direct'`), 0},
			{"feeds over feed-size", count(`SELECT COUNT(*) FROM (SELECT account_id FROM home_feed GROUP BY account_id
				HAVING COUNT(*) > 40) x`), 0},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
			}
		}
		if rep.FeedRows == 0 || count("SELECT COUNT(*) FROM mentions") == 0 || count("SELECT COUNT(*) FROM status_tags") == 0 {
			t.Errorf("seed wrote no feed rows, mentions or tags: %+v", rep)
		}
		if n := count("SELECT COUNT(*) FROM statuses WHERE in_reply_to_id IS NOT NULL AND replies_count > 0"); n == 0 {
			t.Error("no thread has a reply with replies of its own")
		}
		checkTokensAuthenticate(t, database, cfg)
	})
}

// checkTokensAuthenticate boots a server on the seeded database and calls
// verify_credentials with every seeded token, as run will.
func checkTokensAuthenticate(t *testing.T, database *db.DB, cfg seedConfig) {
	ctx := context.Background()
	tg, err := loadTargets(ctx, database)
	if err != nil {
		t.Fatal(err)
	}
	if len(tg.Tokens) != cfg.Tokens || len(tg.Threads) == 0 {
		t.Fatalf("targets: %d tokens, %d threads", len(tg.Tokens), len(tg.Threads))
	}
	c := core.New(core.Deps{Store: store.New(database), Config: core.Config{Domain: cfg.Domain, Protocol: cfg.Protocol}})
	for _, tok := range tg.Tokens {
		if v, err := c.Accounts.Authenticate(ctx, tok); err != nil || v.AccountID() == 0 {
			t.Fatalf("seeded token does not authenticate: %v", err)
		}
	}
	srv, err := server.New(ctx, &config.Config{Domain: cfg.Domain, Protocol: cfg.Protocol, DB: cfg.DB,
		MaxStatusChars: 500, Registrations: "open"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv.Handler)
	defer ts.Close()
	r := drive(ctx, newClient(4), ts.URL, "verify_credentials", 4, 0, 300*time.Millisecond, tg.verifyCredentials, nil)
	if r.OK == 0 || r.Failed != 0 {
		t.Fatalf("verify_credentials with seeded tokens: %d ok, %d failed (%s)", r.OK, r.Failed, r.Sample)
	}
}

// TestDriveCountsAndLatency checks the load driver against a server whose
// answers are known: every second request of a worker fails.
func TestDriveCountsAndLatency(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer bad" {
			http.Error(w, `{"error":"nope"}`, http.StatusUnauthorized)
			return
		}
		time.Sleep(time.Millisecond)
		w.Write([]byte("[]"))
	}))
	defer ts.Close()
	w := func(worker, seq int) request {
		if seq%2 == 1 {
			return request{method: "GET", path: "/x", token: "bad"}
		}
		return request{method: "GET", path: "/x", token: "good"}
	}
	r := driveCount(context.Background(), newClient(2), ts.URL, "x", 2, 40, 10*time.Second, w, nil)
	// Workers share the 40 requests unevenly, so each half is about 20.
	if r.OK+r.Failed != 40 || r.Statuses[200] != r.OK || r.Statuses[401] != r.Failed || r.OK < 19 || r.Failed < 18 {
		t.Fatalf("ok %d failed %d statuses %v, want 40 requests, half failed", r.OK, r.Failed, r.Statuses)
	}
	if r.P50 < time.Millisecond || r.P99 < r.P50 || r.RPS() <= 0 {
		t.Fatalf("latency p50 %s p99 %s rps %.0f", r.P50, r.P99, r.RPS())
	}
}
