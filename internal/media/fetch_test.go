package media_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"herd/internal/media"
	"herd/internal/media/mediatest"
	"herd/internal/safehttp"
)

func TestFetchMedia(t *testing.T) {
	png := mediatest.PNG(40, 30)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/a.png":
			w.Header().Set("Content-Type", "image/png")
			w.Write(png)
		case "/big":
			w.Write(make([]byte, 5000))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	allowed := media.NewFetcher(safehttp.New(safehttp.Options{AllowPrivateAddresses: true}))

	got, err := allowed.FetchMedia(ctx, srv.URL+"/a.png", 1<<20)
	if err != nil || !bytes.Equal(got, png) {
		t.Fatalf("fetch: %d bytes, %v; want the %d bytes served", len(got), err, len(png))
	}
	var tooLarge *safehttp.BodyTooLargeError
	if _, err := allowed.FetchMedia(ctx, srv.URL+"/big", 4096); !errors.As(err, &tooLarge) {
		t.Errorf("5000 bytes with a 4096 limit: %v, want BodyTooLargeError", err)
	}
	if _, err := allowed.FetchMedia(ctx, srv.URL+"/gone", 4096); !errors.Is(err, media.ErrNotFetched) {
		t.Errorf("404: %v, want ErrNotFetched", err)
	}
	if _, err := allowed.FetchMedia(ctx, "file:///etc/passwd", 4096); !errors.Is(err, media.ErrNotFetched) {
		t.Errorf("file URL: %v, want ErrNotFetched", err)
	}
	// The production client refuses the loopback address the test server
	// listens on: a remote document cannot make Herd fetch its own network.
	guarded := media.NewFetcher(safehttp.New(safehttp.Options{}))
	if _, err := guarded.FetchMedia(ctx, srv.URL+"/a.png", 1<<20); !errors.Is(err, safehttp.ErrBlocked) {
		t.Errorf("loopback with the production client: %v, want ErrBlocked", err)
	}
}
