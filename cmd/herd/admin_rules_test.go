package main

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"herd/internal/db"
)

func TestAdminRules(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "herd.db")
	database, err := db.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	if err := database.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	database.Close()
	log := slog.New(slog.DiscardHandler)
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := admin(append(append([]string{"rules"}, args...), "--db", dsn), &out, log)
		return out.String(), err
	}
	out, err := run("add", "Be kind", "--hint", "No harassment.")
	if err != nil || !strings.HasPrefix(out, "added rule ") {
		t.Fatalf("add = %q, %v", out, err)
	}
	id := strings.TrimSpace(strings.TrimPrefix(out, "added rule "))
	if _, err := run("add", "No spam"); err != nil {
		t.Fatal(err)
	}
	out, err = run("list")
	if err != nil || !strings.Contains(out, "Be kind") || !strings.Contains(out, "No harassment.") ||
		strings.Index(out, "Be kind") > strings.Index(out, "No spam") {
		t.Fatalf("list = %q, %v", out, err)
	}
	if _, err := run("add", " "); err == nil {
		t.Error("blank rule added")
	}
	if out, err := run("remove", id); err != nil || !strings.Contains(out, "removed") {
		t.Fatalf("remove = %q, %v", out, err)
	}
	if _, err := run("remove", id); err == nil || !strings.Contains(err.Error(), "no rule") {
		t.Errorf("second remove = %v", err)
	}
	if out, _ := run("list"); strings.Contains(out, "Be kind") {
		t.Errorf("removed rule still listed: %q", out)
	}
	if _, err := run("frobnicate"); err == nil {
		t.Error("unknown action accepted")
	}
}
