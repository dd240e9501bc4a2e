package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"herd/internal/config"
	"herd/internal/db"
	"herd/internal/media/mediatest"
	"herd/internal/media/s3test"
)

func TestAdminEmoji(t *testing.T) {
	dir := t.TempDir()
	dsn := filepath.Join(dir, "herd.db")
	database, err := db.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	if err := database.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	database.Close()
	mediaDir := filepath.Join(dir, "media")
	log := slog.New(slog.DiscardHandler)
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := admin(append(append([]string{"emoji"}, args...), "--db", dsn, "--media-dir", mediaDir), &out, log)
		return out.String(), err
	}
	file := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := file("blob.png", mediatest.PNG(64, 64))
	if out, err := run("add", "blobcat", good, "--category", "Blobs"); err != nil || !strings.HasPrefix(out, "added :blobcat:") {
		t.Fatalf("add = %q, %v", out, err)
	}
	stored, _ := filepath.Glob(filepath.Join(mediaDir, "custom_emojis", "*", "*", "*", "static.png"))
	if len(stored) != 1 {
		t.Fatalf("stored files: %v", stored)
	}
	for _, c := range []struct{ code, path, want string }{
		{"blobcat", good, "already been taken"},
		{"x", good, "Shortcode"},
		{"has-dash", good, "Shortcode"},
		{"notimage", file("note.png", []byte("just some text, named .png")), "PNG, GIF, WebP or JPEG"},
		{"huge", file("huge.png", append(mediatest.PNG(8, 8), make([]byte, 300<<10)...)), "256 KB"},
		{"missing", filepath.Join(dir, "nope.png"), "no such file"},
	} {
		if _, err := run("add", c.code, c.path); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("add %s %s: err %v, want %q", c.code, filepath.Base(c.path), err, c.want)
		}
	}
	if stored, _ := filepath.Glob(filepath.Join(mediaDir, "custom_emojis", "*", "*", "*", "*")); len(stored) != 1 {
		t.Errorf("refused files left something stored: %v", stored)
	}
	out, err := run("list")
	if err != nil || !strings.Contains(out, ":blobcat:") || !strings.Contains(out, "Blobs") || strings.Contains(out, "notimage") {
		t.Fatalf("list = %q, %v", out, err)
	}
	if out, err := run("remove", "blobcat"); err != nil || !strings.Contains(out, "removed :blobcat:") {
		t.Fatalf("remove = %q, %v", out, err)
	}
	if _, err := run("remove", "blobcat"); err == nil || !strings.Contains(err.Error(), "no custom emoji") {
		t.Errorf("second remove = %v", err)
	}
	if stored, _ := filepath.Glob(filepath.Join(mediaDir, "custom_emojis", "*", "*", "*", "*")); len(stored) != 0 {
		t.Errorf("removed emoji's file kept: %v", stored)
	}
	if out, _ := run("list"); strings.Contains(out, "blobcat") {
		t.Errorf("removed emoji still listed: %q", out)
	}
	if _, err := run("frobnicate"); err == nil {
		t.Error("unknown action accepted")
	}
}

// TestAdminUsesS3Storage: the admin commands (emoji, media prune) store
// and remove files where the server does, S3 included.
func TestAdminUsesS3Storage(t *testing.T) {
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
	s3 := s3test.Start(t, "herd-media")
	cfg, err := config.Load([]string{"--db", dsn, "--s3-endpoint", s3.URL, "--s3-bucket", s3.Bucket, "--s3-path-style",
		"--s3-access-key", s3test.AccessKey, "--s3-secret-key", s3test.SecretKey, "--s3-region", s3test.Region})
	if err != nil {
		t.Fatal(err)
	}
	cfg.S3Transport = s3.Client.Transport // trusts the fake's certificate
	c, closeDB, err := openCore(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB()
	e, err := c.Files.AddCustomEmoji(ctx, "bucket", mediatest.PNG(64, 64), "")
	if err != nil {
		t.Fatal(err)
	}
	keys := s3.Keys(t)
	if len(keys) != 1 || c.Files.CustomEmojiURL(e) != s3.URL+"/herd-media/"+keys[0] {
		t.Fatalf("emoji at %q, bucket holds %v", c.Files.CustomEmojiURL(e), keys)
	}
	if err := c.Files.RemoveCustomEmoji(ctx, "bucket"); err != nil || len(s3.Keys(t)) != 0 {
		t.Fatalf("remove: %v, bucket holds %v", err, s3.Keys(t))
	}
}
