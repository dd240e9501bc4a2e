package media

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"herd/internal/safehttp"
)

// Limits of remote files (Mastodon's MediaAttachment IMAGE_LIMIT and
// VIDEO_LIMIT): a remote image larger than MaxImageBytes or a video or
// audio file larger than MaxVideoBytes is not fetched.
const MaxVideoBytes = 99 << 20

// ErrNotFetched is a remote file that could not be fetched: not a web
// URL, or its server answered other than 200. Refused addresses
// (safehttp.ErrBlocked) and oversized bodies (*safehttp.BodyTooLargeError)
// come back as they are.
var ErrNotFetched = errors.New("media: remote file not fetched")

// Fetcher downloads remote media through the one guarded outbound client,
// so its private-address guard, redirect limit and timeouts apply to
// every attachment, avatar and emoji URL a remote document names.
type Fetcher struct {
	client *safehttp.Client
}

// NewFetcher builds a Fetcher on the server's outbound client.
func NewFetcher(client *safehttp.Client) *Fetcher { return &Fetcher{client: client} }

// FetchMedia GETs rawURL and returns its body, refusing one longer than
// max bytes before (declared length) or while reading it. Whatever the
// server says the file is, callers sniff the bytes.
func (f *Fetcher) FetchMedia(ctx context.Context, rawURL string, max int64) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: not a web URL: %q", ErrNotFetched, rawURL)
	}
	resp, err := f.client.Get(ctx, rawURL, "image/*, video/*, audio/*, */*;q=0.5")
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("%w: %s answered %d", ErrNotFetched, u.Redacted(), resp.StatusCode)
	}
	return safehttp.ReadLimited(resp, max)
}
