// Package site names this instance's addresses: its origin, and the
// ActivityPub ids and web pages of its accounts, statuses and tags. Every
// core area builds links through it, so they all agree on one shape.
package site

import (
	"strings"

	"herd/internal/ids"
)

// Site is the instance's public origin.
type Site struct {
	Domain   string // public host[:port]
	Protocol string // https, or http for local testing
}

// BaseURL is the instance's origin, e.g. https://example.com.
func (s Site) BaseURL() string { return s.Protocol + "://" + s.Domain }

// AccountURI is a local account's ActivityPub id.
func (s Site) AccountURI(username string) string { return s.BaseURL() + "/users/" + username }

// AccountURL is a local account's profile page.
func (s Site) AccountURL(username string) string { return s.BaseURL() + "/@" + username }

// StatusURI is a local status's ActivityPub id.
func (s Site) StatusURI(username string, id int64) string {
	return s.AccountURI(username) + "/statuses/" + ids.Format(id)
}

// StatusURL is a local status's web page.
func (s Site) StatusURL(username string, id int64) string {
	return s.AccountURL(username) + "/" + ids.Format(id)
}

// TagURL is a hashtag's page.
func (s Site) TagURL(name string) string { return s.BaseURL() + "/tags/" + strings.ToLower(name) }

// IsLocalDomain reports whether an address's domain part names this
// instance ("" counts, as in "@alice").
func (s Site) IsLocalDomain(domain string) bool {
	return domain == "" || strings.EqualFold(domain, s.Domain)
}
