package files

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"testing"

	"herd/internal/core/site"
	"herd/internal/media"
	"herd/internal/media/mediatest"
)

// fakeMediaFetcher serves bodies by URL and records the limit asked.
type fakeMediaFetcher struct {
	files map[string][]byte
	max   int64
}

func (f *fakeMediaFetcher) FetchMedia(ctx context.Context, url string, max int64) ([]byte, error) {
	f.max = max
	b, ok := f.files[url]
	if !ok {
		return nil, media.ErrNotFetched
	}
	return b, nil
}

func TestFetchRemoteImage(t *testing.T) {
	ctx := context.Background()
	herd := site.Site{Domain: "herd.test", Protocol: "https"}
	c := New(Deps{Site: herd})
	if _, err := c.FetchRemoteImage(ctx, "https://remote.test/a.png"); !errors.Is(err, ErrNoMediaFetcher) {
		t.Fatalf("without a fetcher: %v, want ErrNoMediaFetcher", err)
	}
	f := &fakeMediaFetcher{files: map[string][]byte{
		"https://remote.test/a.png":    mediatest.PNG(1280, 720),
		"https://remote.test/page.png": []byte("<html><body>not an image</body></html>"),
	}}
	c = New(Deps{Site: herd, Fetcher: f,
		Media: &media.Local{Dir: filepath.Join(t.TempDir(), "media"), BaseURL: "https://herd.test/system"}})

	img, err := c.FetchRemoteImage(ctx, "https://remote.test/a.png")
	if err != nil {
		t.Fatal(err)
	}
	if f.max != media.MaxImageBytes {
		t.Errorf("fetched with a limit of %d bytes, want %d", f.max, media.MaxImageBytes)
	}
	if img.Width != 1280 || img.Height != 720 || img.SmallWidth != 640 || img.Blurhash == "" {
		t.Errorf("processed %dx%d (small %dx%d, blurhash %q), want 1280x720, small 640 wide, a blurhash",
			img.Width, img.Height, img.SmallWidth, img.SmallHeight, img.Blurhash)
	}
	original, small, err := c.storeImage(ctx, "media_attachments", img)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string][]byte{original: img.Original, small: img.Small} {
		f, err := c.OpenMediaFile(ctx, key)
		if err != nil {
			t.Fatalf("open %s: %v", key, err)
		}
		got, _ := io.ReadAll(f)
		f.Close()
		if string(got) != string(want) {
			t.Errorf("%s holds %d bytes, want the %d processed", key, len(got), len(want))
		}
	}
	if _, err := c.FetchRemoteImage(ctx, "https://remote.test/page.png"); !errors.Is(err, media.ErrUnsupported) {
		t.Errorf("HTML served as a .png: %v, want ErrUnsupported", err)
	}
	if _, err := c.FetchRemoteImage(ctx, "https://remote.test/missing.png"); !errors.Is(err, media.ErrNotFetched) {
		t.Errorf("missing file: %v, want ErrNotFetched", err)
	}
}
