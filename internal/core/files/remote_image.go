package files

import (
	"bytes"
	"context"
	"errors"

	"herd/internal/media"
)

// MediaFetcher downloads a remote file of at most max bytes; media.Fetcher
// implements it over the guarded outbound client (private addresses
// refused, redirects and time bounded).
type MediaFetcher interface {
	FetchMedia(ctx context.Context, url string, max int64) ([]byte, error)
}

// ErrNoMediaFetcher: remote media cannot be fetched on this node (no
// fetcher or no storage set).
var ErrNoMediaFetcher = errors.New("files: remote media fetching is not enabled")

// processImage runs media.ProcessImage holding one of the node's image
// slots: decoding an image at the pixel limit takes a few hundred MB, so
// at most one per CPU is decoded at a time, uploads and fetches alike.
func (s *Service) processImage(ctx context.Context, data []byte) (*media.Image, error) {
	select {
	case s.imageSlots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.imageSlots }()
	return media.ProcessImage(data)
}

// FetchRemoteImage fetches the image at url through the guarded client
// (at most media.MaxImageBytes) and processes it as an upload is: the
// type sniffed from the bytes (a page served as image/png is refused),
// pixels bounded before decoding, re-encoded without metadata, previewed
// and blurhashed. Store its files with storeImage. Callers decide first
// whether url may be fetched at all (reject_media, suspended domains).
func (s *Service) FetchRemoteImage(ctx context.Context, url string) (*media.Image, error) {
	if s.mediaFetcher == nil || s.media == nil {
		return nil, ErrNoMediaFetcher
	}
	data, err := s.mediaFetcher.FetchMedia(ctx, url, media.MaxImageBytes)
	if err != nil {
		return nil, err
	}
	return s.processImage(ctx, data)
}

// storeImage stores a processed image's original and preview under a new
// key folder below prefix (e.g. "media_attachments", "accounts/avatars")
// and returns their keys; on failure nothing is left behind.
func (s *Service) storeImage(ctx context.Context, prefix string, img *media.Image) (original, small string, err error) {
	if s.media == nil {
		return "", "", ErrNoMediaFetcher
	}
	folder := media.NewKey(prefix)
	original, small = folder+"/original"+img.Ext, folder+"/small"+img.SmallExt
	if err = s.media.Put(ctx, original, bytes.NewReader(img.Original)); err == nil {
		err = s.media.Put(ctx, small, bytes.NewReader(img.Small))
	}
	if err != nil {
		s.DeleteFiles(ctx, original, small)
		return "", "", err
	}
	return original, small, nil
}

// DeleteFiles removes stored files, best effort: a file no row names is
// unreachable, so a failure is only logged.
func (s *Service) DeleteFiles(ctx context.Context, keys ...string) {
	if s.media == nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	for _, key := range keys {
		if key == "" {
			continue
		}
		if err := s.media.Delete(ctx, key); err != nil {
			s.log.Warn("delete media file", "key", key, "err", err)
		}
	}
}
