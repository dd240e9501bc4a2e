package main

import (
	"bytes"
	"context"
	"flag"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"herd/internal/core"
	"herd/internal/core/moderation"
	"herd/internal/db"
	"herd/internal/ids"
	"herd/internal/model"
)

// TestAdminReports: the reports users file are listed for moderators,
// with who filed them, against whom, why and about which posts.
func TestAdminReports(t *testing.T) {
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "herd.db")
	database, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if err := database.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	database.Close()
	log := slog.New(slog.DiscardHandler)
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := admin(append(args, "--db", dsn), &out, log)
		return out.String(), err
	}
	for _, name := range []string{"alice", "spammer"} {
		if _, err := run("accounts", "create", name, "--email", name+"@example.com", "--password", "correct horse battery"); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := run("reports", "list"); err != nil || strings.Count(out, "\n") != 1 {
		t.Fatalf("no reports yet = %q, %v", out, err)
	}

	c, closeDB, err := adminCore(ctx, flag.NewFlagSet("test", flag.ContinueOnError), []string{"--db", dsn}, log)
	if err != nil {
		t.Fatal(err)
	}
	alice, _ := c.LookupAccount(ctx, "alice")
	spammer, _ := c.LookupAccount(ctx, "spammer")
	st, err := c.PostStatus(ctx, &model.Viewer{Account: spammer}, core.NewStatus{Text: "buy now"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Moderation.Report(ctx, &model.Viewer{Account: alice}, moderation.ReportRequest{AccountID: spammer.ID,
		StatusIDs: []int64{st.ID}, Comment: "sells\nthings", Category: "spam"}); err != nil {
		t.Fatal(err)
	}
	closeDB()

	out, err := run("reports", "list")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("list = %q", out)
	}
	for _, want := range []string{"@alice", "@spammer", "spam", "sells things", "no"} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("report row %q lacks %q", lines[1], want)
		}
	}
	if !strings.Contains(lines[1], ids.Format(st.ID)) {
		t.Errorf("report row %q lacks the status reported", lines[1])
	}
	if _, err := run("reports", "close"); err == nil {
		t.Error("unknown action accepted")
	}
}
