package files

import (
	"context"
	"errors"
	"time"

	"herd/internal/core/fault"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
)

// The media proxy is how this instance shows remote files it has not
// cached (not fetched yet, refused, failed, or pruned): at addresses on
// its own host, /media_proxy/…, which fetch the file through the guarded
// client when asked and redirect to the stored copy. A remote server's
// own address is never handed to viewers' browsers (in the API or the
// pages): they would load whatever it names, inside their own networks
// too. AttachmentURLs, AccountAvatar and CustomEmojiURL decide each
// address; the functions here answer the proxy's requests.

// remoteImageRetry is how long a node waits before the media proxy asks
// an origin again for a remote picture it tried to fetch: every view of a
// page would otherwise make this server ask (and wait on) the origin.
const remoteImageRetry = 10 * time.Minute

// AttachmentURLs are the addresses attachment m is shown at, the file
// and its preview ("" while an upload is processed). A remote attachment
// not cached is shown, as Mastodon shows it, through the media proxy
// (RemoteMediaFile), never at its origin's address (remote_url, which
// the API gives apart, is that).
func (s *Service) AttachmentURLs(m *model.MediaAttachment) (file, preview string) {
	if m.RemoteURL != "" && !m.Cached() {
		return s.mediaProxyURL(m, false), s.mediaProxyURL(m, true)
	}
	if m.Processing != model.MediaProcessed {
		return "", ""
	}
	return s.MediaURL(m.FileKey), s.MediaURL(m.PreviewKey)
}

// mediaProxyURL is Mastodon's /media_proxy/:id/:variant address of
// remote attachment m, its file or (small) its preview.
func (s *Service) mediaProxyURL(m *model.MediaAttachment, small bool) string {
	variant := "original"
	if small {
		variant = "small"
	}
	return s.site.BaseURL() + "/media_proxy/" + ids.Format(m.ID) + "/" + variant
}

// RemoteMediaFile answers the stored file of remote attachment id (its
// preview when small) for viewerID (0 for a visitor), as Mastodon's
// /media_proxy/:id/:variant: only if the viewer may see its status, as
// the proxy answers anyone who asks. A file not cached is tried at most
// once per remoteImageRetry on this node: an image is fetched first; a
// video or audio file (up to 99 MB, transcoded) is only ever fetched by
// the remote_media job, queued again here so that a pruned one comes
// back. Local uploads, hidden statuses, and files refused by the domain
// policy, failing to fetch or not there yet are not found. It returns
// the file's public URL.
func (s *Service) RemoteMediaFile(ctx context.Context, viewerID, id int64, small bool) (string, error) {
	m, err := s.store.MediaByID(ctx, id)
	if err != nil {
		return "", fault.NotFoundOr(err)
	}
	if m.RemoteURL == "" || m.StatusID == 0 {
		return "", fault.ErrRecordNotFound
	}
	if _, err := s.visibleStatus(ctx, viewerID, m.StatusID); err != nil {
		return "", err
	}
	// Files cached before the domain was blocked are not served either.
	author, err := s.store.AccountByID(ctx, m.AccountID)
	if err != nil {
		return "", fault.NotFoundOr(err)
	}
	if author.Suspended() || s.mediaRejected(ctx, author.Domain) {
		return "", fault.ErrRecordNotFound
	}
	if !m.Cached() {
		if !fetchable(m) || !s.imageTries.claim(s.mediaProxyURL(m, false), time.Now(), remoteImageRetry) {
			return "", fault.ErrRecordNotFound
		}
		if m.Type != "image" {
			if err := s.store.InTx(ctx, func(tx *store.Store) error { return s.queueStatusMedia(ctx, tx, m.StatusID) }); err != nil {
				return "", err
			}
			s.wake()
			return "", fault.ErrRecordNotFound
		}
	}
	m, err = s.cacheRemoteMedia(ctx, m)
	if isFetchFailure(err) {
		return "", fault.ErrRecordNotFound
	}
	if err != nil {
		return "", err
	}
	key := m.FileKey
	if small {
		key = m.PreviewKey
	}
	if u := s.MediaURL(key); u != "" {
		return u, nil
	}
	return "", fault.ErrRecordNotFound // audio has no preview
}

// accountImageProxyURL is the media proxy's address for a picture of
// account id (served by the server package).
func (s *Service) accountImageProxyURL(id int64, which ProfileImage) string {
	name := "avatar"
	if which == ProfileHeader {
		name = "header"
	}
	return s.site.BaseURL() + "/media_proxy/accounts/" + ids.Format(id) + "/" + name
}

// AccountImageFile is where the media proxy sends a browser asking for
// the avatar (or header) of account id: its stored file, once a remote
// account's picture that is not cached is fetched through the guarded
// client and processed as the remote_media job does; the default picture
// when the account has none to show, the fetch fails, or this node tried
// it less than remoteImageRetry ago (the job or a refresh fetches it
// again in time). Only database and storage errors are returned.
func (s *Service) AccountImageFile(ctx context.Context, id int64, which ProfileImage) (string, error) {
	missing := s.site.BaseURL() + which.missingPath()
	a, err := s.store.AccountByID(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return missing, nil
	}
	if err != nil {
		return "", err
	}
	proxy := s.accountImageProxyURL(a.ID, which)
	if u, _ := s.accountImage(a, which); u != proxy {
		return u, nil
	}
	if !s.imageTries.claim(proxy, time.Now(), remoteImageRetry) {
		return missing, nil
	}
	key, err := s.cacheRemoteAccountImage(ctx, a, which, which.remoteURL(a))
	switch {
	case isFetchFailure(err) || errors.Is(err, ErrNoMediaFetcher):
		return missing, nil
	case err != nil:
		return "", err
	case key == "": // the account changed meanwhile; its next view shows what it has now
		return missing, nil
	}
	return s.MediaURL(key), nil
}

// customEmojiProxyURL is the media proxy's address for remote emoji id
// (served by the server package).
func (s *Service) customEmojiProxyURL(id int64) string {
	return s.site.BaseURL() + "/media_proxy/custom_emojis/" + ids.Format(id)
}

// CustomEmojiFile is where the media proxy sends a browser asking for the
// image of emoji id: its stored copy, once a remote emoji's image that is
// not cached is fetched through the guarded client and processed as the
// remote_media job does. An emoji that is disabled, not shown, fails to
// fetch, or was tried on this node less than remoteImageRetry ago is not
// found (an emoji has no default picture; the shortcode is the image's
// alt text).
func (s *Service) CustomEmojiFile(ctx context.Context, id int64) (string, error) {
	e, err := s.store.CustomEmojiByID(ctx, id)
	if err != nil {
		return "", fault.NotFoundOr(err)
	}
	proxy := s.customEmojiProxyURL(e.ID)
	switch u := s.CustomEmojiURL(e); {
	case e.Disabled || u == "":
		return "", fault.ErrRecordNotFound
	case u != proxy:
		return u, nil
	}
	if !s.imageTries.claim(proxy, time.Now(), remoteImageRetry) {
		return "", fault.ErrRecordNotFound
	}
	err = s.cacheRemoteEmoji(ctx, id)
	if isFetchFailure(err) || errors.Is(err, ErrNoMediaFetcher) {
		return "", fault.ErrRecordNotFound
	}
	if err != nil {
		return "", err
	}
	if e, err = s.store.CustomEmojiByID(ctx, id); err != nil {
		return "", fault.NotFoundOr(err)
	}
	if u := s.MediaURL(e.ImageKey); u != "" {
		return u, nil
	}
	return "", fault.ErrRecordNotFound
}
