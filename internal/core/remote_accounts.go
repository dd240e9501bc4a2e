package core

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"herd/internal/core/files"
	"herd/internal/core/links"
	"herd/internal/core/social"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
)

// RemoteStaleAfter is how long a fetched remote actor is trusted before it
// is fetched again on use (Mastodon's Account::STALE_THRESHOLD).
const RemoteStaleAfter = 24 * time.Hour

// RemoteActor is a remote actor as the federation layer read it from its
// origin: validated (id, key owner, origin), HTML sanitized and lengths
// capped. Counts are nil when the remote did not say.
type RemoteActor struct {
	URI            string // the actor's id
	Username       string // preferredUsername
	Domain         string // host[:port] of the id
	DisplayName    string
	Note           string // sanitized HTML
	Fields         []model.Field
	URL            string
	InboxURL       string
	SharedInboxURL string
	PublicKeyPEM   string
	AvatarURL      string
	HeaderURL      string
	Locked         bool
	Bot            bool
	Discoverable   bool
	Indexable      bool
	StatusesCount  *int64
	FollowersCount *int64
	FollowingCount *int64
	Emojis         []files.RemoteEmoji // its Emoji tags
}

// Resolver reaches other servers for core: it finds a remote account by
// its address ("user@host", through WebFinger) or by its ActivityPub id,
// fetching and storing it when it is unknown or stale, and what a URL
// names (an account, or a status it fetches and stores through the
// receive path). The activitypub package implements it; core defines it
// so core never speaks HTTP.
type Resolver interface {
	WebFingerLookup(ctx context.Context, acct string) (*model.Account, error)
	ResolveActor(ctx context.Context, uri string) (*model.Account, error)
	// ResolveURL returns the account or the status (one of them) uri names.
	ResolveURL(ctx context.Context, uri string) (*model.Account, *model.Status, error)
}

// SetResolver gives core its way to other servers. Call it once, while
// wiring the server, before serving.
func (c *Core) SetResolver(r Resolver) { c.resolver = r }

// ResolveAccount finds an account by address for
// GET /api/v1/accounts/lookup: a local one by name, a remote one known
// (refreshed in the background when stale) or, for a signed-in viewer,
// found through the Resolver (WebFinger, then the actor) within
// RemoteResolveTimeout. An address that resolves to nothing, or to an
// account its origin said is gone, is a 404.
//
// An anonymous viewer gets known accounts only, as search with resolve
// refuses anonymous callers: otherwise anyone could make this server send
// requests (four per address) to hosts of their choosing, and Mastodon's
// lookup never resolves (ResolveAccountService with skip_webfinger).
func (c *Core) ResolveAccount(ctx context.Context, v *model.Viewer, acct string) (*model.Account, error) {
	name, domain, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(acct), "@"), "@")
	if c.IsLocalDomain(domain) || name == "" || v.AccountID() == 0 {
		return c.LookupAccount(ctx, acct)
	}
	a, err := c.remoteAccountByAddress(ctx, name, domain)
	if err != nil {
		return nil, err
	}
	return social.TargetAccount(ctx, c.store, a.ID)
}

// RemoteAccountByURI finds a known remote account by its ActivityPub id
// (model.ErrNotFound when unknown).
func (c *Core) RemoteAccountByURI(ctx context.Context, uri string) (*model.RemoteAccount, error) {
	return c.store.RemoteAccountByURI(ctx, uri)
}

// RemoteAccountByAcct finds a known remote account by name and domain
// (model.ErrNotFound when unknown).
func (c *Core) RemoteAccountByAcct(ctx context.Context, username, domain string) (*model.RemoteAccount, error) {
	return c.store.RemoteAccountByUsername(ctx, username, domain)
}

// RemoteIsStale reports whether a stored remote account should be fetched
// again before use: never fetched, or fetched more than RemoteStaleAfter
// ago. A gone account is never stale: its origin said it will not return.
func RemoteIsStale(a *model.RemoteAccount, now time.Time) bool {
	if a.GoneAt != nil {
		return false
	}
	return a.FetchedAt == nil || now.Sub(*a.FetchedAt) > RemoteStaleAfter
}

// SaveRemoteAccount creates or updates the account an actor document
// describes and returns it. The account is found by its id first, then by
// name on its domain (the same origin may move an actor to a new id); a
// rename to a name another account of the domain holds keeps the old
// name. An actor can never be stored under this instance's domain, nor
// with an id on another host than its domain.
func (c *Core) SaveRemoteAccount(ctx context.Context, r RemoteActor) (*model.Account, error) {
	if err := c.checkRemoteOrigin(r); err != nil {
		return nil, err
	}
	now := time.Now()
	a := &model.Account{
		Username: r.Username, Domain: strings.ToLower(r.Domain), DisplayName: r.DisplayName, Note: r.Note,
		Fields: r.Fields, Locked: r.Locked, Bot: r.Bot, Discoverable: r.Discoverable, Indexable: r.Indexable,
		AvatarURL: r.AvatarURL, HeaderURL: r.HeaderURL, URI: r.URI, URL: r.URL, InboxURL: r.InboxURL,
		SharedInboxURL: r.SharedInboxURL, PublicKey: r.PublicKeyPEM, CreatedAt: now, UpdatedAt: now,
	}
	if a.URL == "" {
		a.URL = a.URI
	}
	saved, stale, err := c.saveRemoteAccount(ctx, r, a, now)
	if errors.Is(err, store.ErrDuplicate) {
		// Another request stored the same new actor first: update it.
		saved, stale, err = c.saveRemoteAccount(ctx, r, a, now)
	}
	if err != nil {
		return nil, err
	}
	c.forgetAccount(saved.ID)
	c.Files.DeleteFiles(ctx, stale...)
	if err := c.Files.SaveRemoteEmojis(ctx, saved.Domain, r.Emojis); err != nil {
		return nil, err
	}
	return saved, nil
}

// saveRemoteAccount is SaveRemoteAccount's transaction. It also answers
// the keys of cached avatar and header files whose remote address changed
// (forgotten here, to delete once committed) and queues the fetch of the
// images not cached.
func (c *Core) saveRemoteAccount(ctx context.Context, r RemoteActor, a *model.Account, now time.Time) (*model.Account, []string, error) {
	var saved *model.Account
	var stale []string
	err := c.store.InTx(ctx, func(tx *store.Store) error {
		stale = nil
		old, err := tx.RemoteAccountByURI(ctx, r.URI)
		if errors.Is(err, model.ErrNotFound) {
			old, err = tx.RemoteAccountByUsername(ctx, r.Username, a.Domain)
		}
		switch {
		case errors.Is(err, model.ErrNotFound):
			a.ID = ids.New()
			setCounts(a, r, nil)
			if err := tx.InsertRemoteAccount(ctx, a, now); err != nil {
				return err
			}
			// A new account of a blocked domain starts limited as the
			// domain's known accounts were (Mastodon's auto-silence).
			if err := c.Domains.LimitNewAccount(ctx, tx, a); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			a.ID, a.CreatedAt = old.ID, old.CreatedAt
			setCounts(a, r, old.Account)
			links.KeepVerified(a.Fields, old.Account.Fields)
			if !strings.EqualFold(old.Username, a.Username) {
				if other, err := tx.RemoteAccountByUsername(ctx, a.Username, a.Domain); err == nil && other.ID != a.ID {
					a.Username = old.Username
				}
			}
			if err := tx.UpdateRemoteAccount(ctx, a, now); err != nil {
				return err
			}
			if stale = files.ChangedRemoteImages(old.Account, a); len(stale) > 0 {
				if err := tx.SetAccountImageKeys(ctx, a.ID, a.AvatarKey, a.HeaderKey); err != nil {
					return err
				}
			}
			if err := tx.AppendEvent(ctx, store.EventAccountUpdated, a.ID, a.ID, ""); err != nil {
				return err
			}
		}
		if saved, err = tx.AccountByID(ctx, a.ID); err != nil {
			return err
		}
		if err := c.Links.QueueLinkVerification(ctx, tx, saved, c.Links.RemoteLinkDelay()); err != nil {
			return err
		}
		return c.Files.QueueRemoteAccountImages(ctx, tx, saved)
	})
	return saved, stale, err
}

// setCounts takes the counters the remote declared, else keeps old's.
func setCounts(a *model.Account, r RemoteActor, old *model.Account) {
	if old != nil {
		a.StatusesCount, a.FollowersCount, a.FollowingCount = old.StatusesCount, old.FollowersCount, old.FollowingCount
	}
	for _, p := range []struct {
		dst *int64
		src *int64
	}{{&a.StatusesCount, r.StatusesCount}, {&a.FollowersCount, r.FollowersCount}, {&a.FollowingCount, r.FollowingCount}} {
		if p.src != nil && *p.src >= 0 {
			*p.dst = *p.src
		}
	}
}

// checkRemoteOrigin refuses an actor that claims this instance's domain or
// whose id is not on its domain. The federation layer checks both before
// it gets here; core checks again because a remote claiming a local
// account would be the worst mistake the federation layer could make.
func (c *Core) checkRemoteOrigin(r RemoteActor) error {
	if r.Username == "" || r.Domain == "" || r.URI == "" {
		return fmt.Errorf("remote actor: missing username, domain or id")
	}
	u, err := url.Parse(r.URI)
	if err != nil || CanonicalHost(u) != strings.ToLower(r.Domain) {
		return fmt.Errorf("remote actor %s is not on its domain %s", r.URI, r.Domain)
	}
	if c.IsLocalHost(u) {
		return fmt.Errorf("remote actor %s claims this instance's domain", r.URI)
	}
	return nil
}

// CanonicalHost is a URL's host[:port] as Herd stores domains: lowercased,
// without a trailing dot, and without the scheme's default port, so
// "https://Example.com.:443" and "https://example.com" are one host.
func CanonicalHost(u *url.URL) string {
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	port := u.Port()
	if (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		return host + ":" + port
	}
	return host
}

// IsLocalHost reports whether u is on this instance's host name, on any
// port: no remote document may speak for a URI there.
func (c *Core) IsLocalHost(u *url.URL) bool {
	local := &url.URL{Host: c.Config.Domain}
	return strings.TrimSuffix(strings.ToLower(u.Hostname()), ".") == strings.ToLower(local.Hostname())
}

// MarkRemoteAccountGone records that the origin of a known remote account
// answered 410 Gone for it: the account is suspended as Mastodon suspends
// it (origin remote), so the API shows it with suspended: true and an
// empty profile, and an account.suspended event drops it from caches.
func (c *Core) MarkRemoteAccountGone(ctx context.Context, id int64) error {
	err := c.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.MarkRemoteAccountGone(ctx, id, time.Now()); err != nil {
			return err
		}
		return tx.AppendEvent(ctx, store.EventAccountSuspended, id, id, "")
	})
	if err != nil {
		return err
	}
	c.forgetAccount(id)
	return nil
}
