package core

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
// API entity, the actor document, WebFinger): the stored file when the
// account has one (a local upload, or a remote image cached here), else a
// remote account's image at its origin, else the default picture (also
// for a suspended account, whatever it had, and for an account of a
// domain that rejects media, as Mastodon hides those pictures). own is
// false for the default, which the actor document and WebFinger leave out
// as Mastodon does.
func (c *Core) AccountAvatar(a *model.Account) (url string, own bool) {
	return c.accountImage(a.AvatarKey, a.AvatarURL, a, missingAvatarPath)
}

// AccountHeader is AccountAvatar for the profile header.
func (c *Core) AccountHeader(a *model.Account) (url string, own bool) {
	return c.accountImage(a.HeaderKey, a.HeaderURL, a, missingHeaderPath)
}

func (c *Core) accountImage(key, remoteURL string, a *model.Account, missing string) (string, bool) {
	// As Mastodon's serializer shows an unavailable account; a domain
	// that rejects media shows no pictures, cached before the block or not.
	if a.Suspended() || (!a.Local() && (key != "" || remoteURL != "") && c.mediaRejected(context.Background(), a.Domain)) {
		return c.BaseURL() + missing, false
	}
	if u := c.MediaURL(key); u != "" {
		return u, true
	}
	if !a.Local() && remoteURL != "" {
		return remoteURL, true
	}
	return c.BaseURL() + missing, false
}
