package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"herd/internal/testrig"
)

// TestAdminDomains: `herd admin domains` blocks, lists, updates, unblocks,
// allows and disallows, writing through the use cases and the events log,
// so a server already running on the same database sees each change
// without restarting (its in-memory policy is reloaded).
func TestAdminDomains(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite)
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := admin(append(append([]string{"domains"}, args...), "--db", inst.Server.Config.DB), &out, log)
		return out.String(), err
	}
	// The running server has loaded its policy: evil.example federates.
	if !inst.Core.Domains.FederationAllowed(ctx, "evil.example") {
		t.Fatal("evil.example refused before any block")
	}
	// (The server's events reader noted where the log ended before Start
	// returned, so it reads what the CLI writes from now on.)
	out, err := run("block", "Evil.Example", "--reject-media", "--obfuscate", "--public-comment", "spam")
	if err != nil || out != "blocked evil.example (suspend)\n" {
		t.Fatalf("block = %q, %v", out, err)
	}
	inst.WaitEvents(t)
	if inst.Core.Domains.FederationAllowed(ctx, "sub.evil.example") {
		t.Fatal("the server did not see the block once it read the CLI's event")
	}
	var public []struct{ Domain, Severity string }
	inst.Expect(t, http.StatusOK, "GET", "/api/v1/instance/domain_blocks", "", nil).JSON(t, &public)
	if len(public) != 1 || public[0].Domain == "evil.example" || public[0].Severity != "suspend" {
		t.Errorf("public list %+v, want one obfuscated suspension", public)
	}
	// Blocking it again changes the block.
	if out, err := run("block", "evil.example", "--severity", "silence"); err != nil || !strings.Contains(out, "(silence)") {
		t.Fatalf("re-block = %q, %v", out, err)
	}
	inst.WaitEvents(t)
	if !inst.Core.Domains.FederationAllowed(ctx, "evil.example") {
		t.Fatal("the server did not see the silence once it read the CLI's event")
	}
	if _, err := run("block", "sub.evil.example", "--severity", "noop"); err == nil {
		t.Error("a weaker block of a subdomain was accepted")
	}
	if _, err := run("block", "not a domain"); err == nil {
		t.Error("an invalid domain was blocked")
	}
	if _, err := run("block", "x.example", "--severity", "nuke"); err == nil {
		t.Error("an unknown severity was accepted")
	}
	if out, err := run("allow", "friend.example"); err != nil || out != "allowed friend.example\n" {
		t.Fatalf("allow = %q, %v", out, err)
	}
	out, err = run("list")
	if err != nil || !hasRow(out, "evil.example silence reject-media,obfuscate spam") || !hasRow(out, "friend.example allow") {
		t.Fatalf("list = %q, %v", out, err)
	}
	if out, err := run("unblock", "evil.example"); err != nil || out != "unblocked evil.example\n" {
		t.Fatalf("unblock = %q, %v", out, err)
	}
	if _, err := run("unblock", "evil.example"); err == nil || !strings.Contains(err.Error(), "no block") {
		t.Errorf("second unblock = %v", err)
	}
	if out, err := run("disallow", "friend.example"); err != nil || out != "disallowed friend.example\n" {
		t.Fatalf("disallow = %q, %v", out, err)
	}
	if out, _ := run("list"); strings.Contains(out, "example") {
		t.Errorf("list after removing everything = %q", out)
	}
	if _, err := run("frobnicate"); err == nil {
		t.Error("unknown action accepted")
	}
}

// hasRow reports whether a table printed by the CLI has a row whose
// columns are the words of row.
func hasRow(table, row string) bool {
	for _, line := range strings.Split(table, "\n") {
		if strings.Join(strings.Fields(line), " ") == row {
			return true
		}
	}
	return false
}
