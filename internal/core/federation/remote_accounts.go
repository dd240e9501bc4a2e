package federation

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"herd/internal/core/files"
	"herd/internal/core/links"
	"herd/internal/core/site"
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

// RemoteAccountByURI finds a known remote account by its ActivityPub id
// (model.ErrNotFound when unknown).
func (s *Service) RemoteAccountByURI(ctx context.Context, uri string) (*model.RemoteAccount, error) {
	return s.store.RemoteAccountByURI(ctx, uri)
}

// RemoteAccountByAcct finds a known remote account by name and domain
// (model.ErrNotFound when unknown).
func (s *Service) RemoteAccountByAcct(ctx context.Context, username, domain string) (*model.RemoteAccount, error) {
	return s.store.RemoteAccountByUsername(ctx, username, domain)
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
func (s *Service) SaveRemoteAccount(ctx context.Context, r RemoteActor) (*model.Account, error) {
	if err := s.checkRemoteOrigin(r); err != nil {
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
	saved, stale, err := s.saveRemoteAccount(ctx, r, a, now)
	if errors.Is(err, store.ErrDuplicate) {
		// Another request stored the same new actor first: update it.
		saved, stale, err = s.saveRemoteAccount(ctx, r, a, now)
	}
	if err != nil {
		return nil, err
	}
	s.accountChanged(saved.ID)
	s.files.DeleteFiles(ctx, stale...)
	if err := s.files.SaveRemoteEmojis(ctx, saved.Domain, r.Emojis); err != nil {
		return nil, err
	}
	return saved, nil
}

// saveRemoteAccount is SaveRemoteAccount's transaction. It also answers
// the keys of cached avatar and header files whose remote address changed
// (forgotten here, to delete once committed) and queues the fetch of the
// images not cached.
func (s *Service) saveRemoteAccount(ctx context.Context, r RemoteActor, a *model.Account, now time.Time) (*model.Account, []string, error) {
	var saved *model.Account
	var stale []string
	err := s.store.InTx(ctx, func(tx *store.Store) error {
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
			if err := s.domains.LimitNewAccount(ctx, tx, a); err != nil {
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
		if err := s.links.QueueLinkVerification(ctx, tx, saved, s.links.RemoteLinkDelay()); err != nil {
			return err
		}
		return s.files.QueueRemoteAccountImages(ctx, tx, saved)
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
func (s *Service) checkRemoteOrigin(r RemoteActor) error {
	if r.Username == "" || r.Domain == "" || r.URI == "" {
		return fmt.Errorf("remote actor: missing username, domain or id")
	}
	u, err := url.Parse(r.URI)
	if err != nil || site.CanonicalHost(u) != strings.ToLower(r.Domain) {
		return fmt.Errorf("remote actor %s is not on its domain %s", r.URI, r.Domain)
	}
	if s.site.IsLocalHost(u) {
		return fmt.Errorf("remote actor %s claims this instance's domain", r.URI)
	}
	return nil
}

// MarkRemoteAccountGone records that the origin of a known remote account
// answered 410 Gone for it: the account is suspended as Mastodon suspends
// it (origin remote), so the API shows it with suspended: true and an
// empty profile, and an account.suspended event drops it from caches.
func (s *Service) MarkRemoteAccountGone(ctx context.Context, id int64) error {
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.MarkRemoteAccountGone(ctx, id, time.Now()); err != nil {
			return err
		}
		return tx.AppendEvent(ctx, store.EventAccountSuspended, id, id, "")
	})
	if err != nil {
		return err
	}
	s.accountChanged(id)
	return nil
}
