package files

import (
	"context"

	"herd/internal/model"
)

// The images an account without its own shows, at Mastodon's paths
// (served by the server package).
const (
	missingAvatarPath = "/avatars/original/missing.png"
	missingHeaderPath = "/headers/original/missing.png"
)

// AccountAvatar is the one rule for the avatar URL every door shows (the
// API entity, the web pages, the actor document, WebFinger), always an
// address on this instance or its media storage, never a remote server's:
// viewers' browsers load it, and an origin's address could point them
// anywhere, inside their own networks too. It is the stored file when the
// account has one (a local upload, or a remote image cached here); for a
// remote account whose picture is not cached (not fetched yet, failed, or
// pruned), the media proxy, which fetches it when asked
// (AccountImageFile); else the default picture (also for a suspended
// account, whatever it had, and for an account of a domain that rejects
// media, as Mastodon hides those pictures). own is false for the default,
// which the actor document and WebFinger leave out as Mastodon does.
func (s *Service) AccountAvatar(a *model.Account) (url string, own bool) {
	return s.accountImage(a, ProfileAvatar)
}

// AccountHeader is AccountAvatar for the profile header.
func (s *Service) AccountHeader(a *model.Account) (url string, own bool) {
	return s.accountImage(a, ProfileHeader)
}

func (s *Service) accountImage(a *model.Account, which ProfileImage) (string, bool) {
	key, remoteURL := *which.Key(a), which.remoteURL(a)
	// As Mastodon's serializer shows an unavailable account; a domain
	// that rejects media shows no pictures, cached before the block or not.
	if a.Suspended() || (!a.Local() && (key != "" || remoteURL != "") && s.mediaRejected(context.Background(), a.Domain)) {
		return s.site.BaseURL() + which.missingPath(), false
	}
	if u := s.MediaURL(key); u != "" {
		return u, true
	}
	if !a.Local() && remoteURL != "" {
		return s.accountImageProxyURL(a.ID, which), true
	}
	return s.site.BaseURL() + which.missingPath(), false
}
