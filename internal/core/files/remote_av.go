package files

import (
	"context"
	"errors"
	"os"
	"path/filepath"

	"herd/internal/media"
	"herd/internal/model"
)

// fetchRemoteAttachment fetches remote attachment m and stores its
// processed files, answering m with them filled in (not yet recorded);
// on failure nothing is stored. What went wrong with the remote file
// comes back as a *fetchFailure; local failures (storage) as they are.
func (s *Service) fetchRemoteAttachment(ctx context.Context, m *model.MediaAttachment) (*model.MediaAttachment, error) {
	if m.Type != "image" {
		return s.cacheRemoteAV(ctx, m)
	}
	img, err := s.FetchRemoteImage(ctx, m.RemoteURL)
	if err != nil {
		return nil, remoteFailure(ctx, err)
	}
	next := *m
	if next.FileKey, next.PreviewKey, err = s.storeImage(ctx, "media_attachments", img); err != nil {
		return nil, err
	}
	next.ContentType = img.ContentType
	next.Meta = model.MediaMeta{
		Original: model.MediaSize{Width: img.Width, Height: img.Height},
		Small:    model.MediaSize{Width: img.SmallWidth, Height: img.SmallHeight},
	}
	if next.Blurhash == "" { // the origin's own blurhash is kept, as it shows while loading there too
		next.Blurhash = img.Blurhash
	}
	return &next, nil
}

// cacheRemoteAV fetches a remote video, gifv or audio attachment (at most
// Mastodon's 99 MB) and processes it as an upload is: the format sniffed
// from the bytes, Mastodon's limits checked by ffprobe before decoding,
// transcoded by ffmpeg (media.ProcessAV) into MP4 or MP3 with a preview
// of the first frame, metadata dropped. What it turns out to be (video,
// gifv, audio) decides the type; a still image where a video was
// announced, or any other file, is refused.
func (s *Service) cacheRemoteAV(ctx context.Context, m *model.MediaAttachment) (*model.MediaAttachment, error) {
	if s.mediaFetcher == nil || s.media == nil {
		return nil, ErrNoMediaFetcher
	}
	if !s.av.Available() {
		return nil, &fetchFailure{media.ErrNoFFmpeg} // shown at its remote URL
	}
	data, err := s.mediaFetcher.FetchMedia(ctx, m.RemoteURL, media.MaxVideoBytes)
	if err != nil {
		return nil, remoteFailure(ctx, err)
	}
	format := media.Sniff(data)
	switch format {
	case "", "jpeg", "png", "webp", "avif", "heic":
		return nil, &fetchFailure{media.ErrUnsupported}
	case "gif":
		if media.GIFFrames(data, 2) < 2 {
			return nil, &fetchFailure{media.ErrUnsupported}
		}
	}
	dir, err := os.MkdirTemp("", "herd-remote-media-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "upload")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return nil, err
	}
	data = nil // the file holds it now
	plan, err := s.av.CheckAV(ctx, path, format)
	if err != nil {
		return nil, remoteFailure(ctx, err)
	}
	av, err := s.av.ProcessAV(ctx, path, plan, dir)
	if err != nil {
		return nil, remoteFailure(ctx, err)
	}
	next := *m
	origin := next.Blurhash
	if err := s.storeAV(ctx, &next, media.NewKey("media_attachments"), av); err != nil {
		return nil, err
	}
	if origin != "" { // the origin's own blurhash is kept
		next.Blurhash = origin
	}
	return &next, nil
}

// remoteFailure wraps an error of fetching or processing a remote file as
// a *fetchFailure, unless it is ours: no fetcher, or the caller gave up.
func remoteFailure(ctx context.Context, err error) error {
	if errors.Is(err, ErrNoMediaFetcher) || ctx.Err() != nil {
		return err
	}
	return &fetchFailure{err}
}
