package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"herd/internal/config"
	"herd/internal/core"
	"herd/internal/core/social"
	"herd/internal/db"
	"herd/internal/model"
	"herd/internal/server"
	"herd/internal/store"
)

// TestAdminFeedsRebuild: a status whose fan-out never ran (no server was
// up to work the job) reaches a follower's home feed through
// `herd admin feeds rebuild`.
func TestAdminFeedsRebuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildHerd(t)
	dir := t.TempDir()
	env := append(os.Environ(), "HERD_DB="+filepath.Join(dir, "herd.db"), "HERD_DOMAIN=localhost:8080")
	run := func(args ...string) string {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("herd %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	run("migrate")
	run("admin", "accounts", "create", "alice", "--email", "alice@example.com", "--password", "a long password")
	run("admin", "accounts", "create", "bob", "--email", "bob@example.com", "--password", "a long password")

	t.Setenv("HERD_DB", filepath.Join(dir, "herd.db"))
	t.Setenv("HERD_DOMAIN", "localhost:8080")
	cfg, err := config.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	database, err := db.Open(ctx, cfg.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close()
	db := store.New(database)
	c := core.New(core.Deps{Store: db, Config: server.CoreConfig(cfg)})
	viewer := func(name string) *model.Viewer {
		acct, err := db.AccountByUsername(ctx, name, "")
		if err != nil {
			t.Fatal(err)
		}
		u, err := db.UserByAccountID(ctx, acct.ID)
		if err != nil {
			t.Fatal(err)
		}
		return &model.Viewer{Account: acct, User: u}
	}
	alice, bob := viewer("alice"), viewer("bob")
	if _, err := c.Social.Follow(ctx, bob, alice.Account.ID, social.FollowOptions{}); err != nil {
		t.Fatal(err)
	}
	st, err := c.PostStatus(ctx, alice, core.NewStatus{Text: "posted while no worker ran"})
	if err != nil {
		t.Fatal(err)
	}
	inFeed := func() bool {
		ids, err := db.HomeFeedPage(ctx, bob.Account.ID, model.Page{Limit: 40})
		if err != nil {
			t.Fatal(err)
		}
		return slices.Contains(ids, st.ID)
	}
	if inFeed() {
		t.Fatal("the status reached bob's feed before any fan-out or rebuild")
	}
	if out := run("admin", "feeds", "rebuild", "bob"); !strings.Contains(out, "rebuilt 1 home feed") {
		t.Fatalf("rebuild said %q", out)
	}
	if !inFeed() {
		t.Fatal("after rebuild, bob's home feed lacks alice's status")
	}
}
