package media_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"herd/internal/media"
	"herd/internal/media/s3test"
)

// backends are the storages every round trip runs on: a local folder and
// S3 (an in-process fake service, real S3 requests).
var backends = []struct {
	name string
	open func(t *testing.T) media.Storage
}{
	{"local", func(t *testing.T) media.Storage {
		return &media.Local{Dir: filepath.Join(t.TempDir(), "media"), BaseURL: "https://h.test/system/"}
	}},
	{"s3", func(t *testing.T) media.Storage { return newS3(t, s3test.Start(t, "herd-media"), "") }},
}

func newS3(t *testing.T, srv *s3test.Server, publicURL string) *media.S3 {
	t.Helper()
	s, err := media.NewS3(media.S3Options{Endpoint: srv.URL, Bucket: srv.Bucket, AccessKey: s3test.AccessKey,
		SecretKey: s3test.SecretKey, Region: s3test.Region, PathStyle: true, PublicURL: publicURL,
		Transport: srv.Client.Transport})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStorageRoundTrip(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s, ctx := b.open(t), context.Background()
			key := media.NewKey("media_attachments") + "/original.jpg"
			data := []byte("0123456789abcdefghij")
			before := time.Now().Add(-2 * time.Second)
			if err := s.Put(ctx, key, bytes.NewReader(data)); err != nil {
				t.Fatal(err)
			}
			f, err := s.Open(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if m := f.ModTime(); m.Before(before) || m.After(time.Now().Add(2*time.Second)) {
				t.Errorf("ModTime %v, want about now", m)
			}
			// http.ServeContent's moves: the size from the end, then a range.
			if n, err := f.Seek(0, io.SeekEnd); err != nil || n != int64(len(data)) {
				t.Fatalf("Seek(end) = %d, %v", n, err)
			}
			if _, err := f.Seek(10, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			part := make([]byte, 4)
			if _, err := io.ReadFull(f, part); err != nil || string(part) != "abcd" {
				t.Fatalf("read at 10: %q, %v", part, err)
			}
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			if all, err := io.ReadAll(f); err != nil || !bytes.Equal(all, data) {
				t.Fatalf("read all: %q, %v", all, err)
			}

			// A reader whose length is unknown is stored whole too.
			key2 := media.NewKey("accounts_avatars") + "/original.png"
			if err := s.Put(ctx, key2, io.MultiReader(strings.NewReader("unknown "), strings.NewReader("length"))); err != nil {
				t.Fatal(err)
			}
			if got := readAll(t, s, key2); got != "unknown length" {
				t.Fatalf("second file: %q", got)
			}

			if err := s.Delete(ctx, key); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Open(ctx, key); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("after delete: %v", err)
			}
			if err := s.Delete(ctx, key); err != nil {
				t.Fatalf("deleting a missing key: %v", err)
			}
			if got := readAll(t, s, key2); got != "unknown length" {
				t.Fatalf("other file after delete: %q", got)
			}
		})
	}
}

func readAll(t *testing.T, s media.Storage, key string) string {
	t.Helper()
	f, err := s.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("open %s: %v", key, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return string(b)
}

// Keys the server could not have made are refused before any file or
// request is touched, so none names something outside the store.
func TestStorageRefusesBadKeys(t *testing.T) {
	bad := []string{"../secret.jpg", "media_attachments/../../secret.jpg", "/etc/passwd", "a/B.jpg", "a/b.txt",
		"a//b.jpg", "a/./b.jpg", "a/b.jpg?x=1", "a/b.jpg/", "", "%2e%2e/secret.jpg"}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s, ctx := b.open(t), context.Background()
			for _, key := range bad {
				if _, err := s.Open(ctx, key); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("Open(%q) = %v", key, err)
				}
				if err := s.Put(ctx, key, strings.NewReader("x")); !errors.Is(err, media.ErrBadKey) {
					t.Errorf("Put(%q) = %v", key, err)
				}
				if err := s.Delete(ctx, key); !errors.Is(err, media.ErrBadKey) {
					t.Errorf("Delete(%q) = %v", key, err)
				}
			}
		})
	}
}

func TestLocalStorageStaysInItsFolder(t *testing.T) {
	dir := t.TempDir()
	s := &media.Local{Dir: filepath.Join(dir, "media"), BaseURL: "https://h.test/system/"}
	os.WriteFile(filepath.Join(dir, "secret.jpg"), []byte("x"), 0o600)
	if _, err := s.Open(context.Background(), "../secret.jpg"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("open outside the folder: %v", err)
	}
	if key := "media_attachments/ab/cd/x/original.jpg"; s.URL(key) != "https://h.test/system/"+key {
		t.Fatalf("URL = %q", s.URL(key))
	}
}

// S3 objects carry the type their key says and a year's caching, and
// clients fetch them from the public URL, not through Herd.
func TestS3StoresTypeAndCachingAndServesPublicly(t *testing.T) {
	srv := s3test.Start(t, "herd-media")
	s := newS3(t, srv, "")
	ctx := context.Background()
	for _, tc := range []struct{ ext, typ string }{
		{".jpg", "image/jpeg"}, {".png", "image/png"}, {".mp4", "video/mp4"}, {".mp3", "audio/mpeg"},
		{".raw", "application/octet-stream"},
	} {
		key := media.NewKey("media_attachments") + "/original" + tc.ext
		if err := s.Put(ctx, key, strings.NewReader("body")); err != nil {
			t.Fatal(err)
		}
		h := srv.PutHeaders(key)
		if h.Get("Content-Type") != tc.typ || h.Get("Cache-Control") != media.CacheControl || h.Get("X-Amz-Acl") != "" {
			t.Errorf("%s stored with %v", tc.ext, h)
		}
		if tc.ext == ".raw" {
			continue
		}
		u := s.URL(key)
		if u != srv.URL+"/herd-media/"+key {
			t.Fatalf("URL = %q, want the bucket's path-style URL", u)
		}
		resp, err := srv.Client.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != "body" || resp.Header.Get("Content-Type") != tc.typ {
			t.Errorf("GET %s: %d %q %q", u, resp.StatusCode, body, resp.Header.Get("Content-Type"))
		}
	}
}

func TestS3Options(t *testing.T) {
	key := "media_attachments/ab/cd/x/original.jpg"
	for _, tc := range []struct {
		opts media.S3Options
		url  string
	}{
		{media.S3Options{Endpoint: "https://s3.example.com", Bucket: "b"}, "https://b.s3.example.com/" + key},
		{media.S3Options{Endpoint: "http://127.0.0.1:9000/", Bucket: "b", PathStyle: true}, "http://127.0.0.1:9000/b/" + key},
		{media.S3Options{Endpoint: "https://s3.example.com", Bucket: "b", PublicURL: "https://cdn.example.com/b/"}, "https://cdn.example.com/b/" + key},
	} {
		s, err := media.NewS3(tc.opts)
		if err != nil {
			t.Fatalf("%+v: %v", tc.opts, err)
		}
		if got := s.URL(key); got != tc.url {
			t.Errorf("%+v: URL %q, want %q", tc.opts, got, tc.url)
		}
	}
	for _, bad := range []media.S3Options{
		{Endpoint: "s3.example.com", Bucket: "b"},
		{Endpoint: "ftp://s3.example.com", Bucket: "b"},
		{Endpoint: "https://s3.example.com/bucket", Bucket: "b"},
		{Endpoint: "https://s3.example.com"},
		{Endpoint: "https://s3.example.com", Bucket: "b", PublicURL: "cdn.example.com"},
	} {
		if _, err := media.NewS3(bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
