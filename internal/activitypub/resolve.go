package activitypub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"herd/internal/core/federation"
	"herd/internal/core/site"
	"herd/internal/model"
)

// ResolveActor returns the account of the remote actor uri, fetching it
// when it is unknown or stale (fetched more than a day ago, as Mastodon
// refreshes accounts on use). A stale account whose origin cannot be
// reached is returned as it was; one whose origin answers 410 Gone is
// marked gone (suspended, as Mastodon does) and ErrGone is returned.
//
// A new actor must be confirmed by WebFinger on its host
// (preferredUsername@host must point back at uri, as Mastodon requires
// before creating an account), and so must a known one that changed its
// name.
func (f *Fetcher) ResolveActor(ctx context.Context, uri string) (*model.Account, error) {
	return f.resolveActor(ctx, uri, "")
}

// resolveActor is ResolveActor; confirmed is the "user@host" WebFinger has
// just tied to uri ("" when none was).
func (f *Fetcher) resolveActor(ctx context.Context, uri, confirmed string) (*model.Account, error) {
	if _, err := f.CheckURI(uri); err != nil {
		return nil, err
	}
	known, err := f.core.Federation.RemoteAccountByURI(ctx, uri)
	switch {
	case errors.Is(err, model.ErrNotFound):
		known = nil
	case err != nil:
		return nil, err
	case !federation.RemoteIsStale(known, time.Now()):
		return known.Account, nil
	}
	actor, err := f.fetchActor(ctx, uri)
	if err != nil {
		if known == nil {
			return nil, err
		}
		if errors.Is(err, ErrGone) {
			if err := f.core.Federation.MarkRemoteAccountGone(ctx, known.ID); err != nil {
				return nil, err
			}
			return nil, err
		}
		f.core.Log.Warn("refreshing remote actor failed; serving the stored copy", "uri", uri, "err", err)
		return known.Account, nil
	}
	if actor.URI != uri {
		// uri was an alias (a profile URL, say) and the document, fetched
		// again from the id it named, agreed: the id is the actor's.
		if known, err = f.core.Federation.RemoteAccountByURI(ctx, actor.URI); errors.Is(err, model.ErrNotFound) {
			known = nil
		} else if err != nil {
			return nil, err
		}
	}
	acct := actor.Username + "@" + actor.Domain
	renamed := known != nil && !strings.EqualFold(known.Acct(), acct)
	if !strings.EqualFold(confirmed, acct) && (known == nil || renamed) {
		href, subject, err := f.webFinger(ctx, actor.Username, actor.Domain)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: WebFinger of %s: %v", ErrInvalidActor, uri, acct, err)
		}
		if href != actor.URI || !strings.EqualFold(subject, acct) {
			return nil, fmt.Errorf("%w: %s: WebFinger of %s points at %s (%s)", ErrInvalidActor, actor.URI, acct, href, subject)
		}
	}
	return f.core.Federation.SaveRemoteAccount(ctx, actor)
}

// fetchActor fetches and validates the actor document at uri and reads
// its collections' sizes.
func (f *Fetcher) fetchActor(ctx context.Context, uri string) (federation.RemoteActor, error) {
	doc, err := f.Fetch(ctx, uri)
	if err != nil {
		return federation.RemoteActor{}, err
	}
	actor, err := f.parseActor(doc)
	if err != nil {
		return federation.RemoteActor{}, err
	}
	var cols struct {
		Outbox, Followers, Following json.RawMessage
	}
	_ = json.Unmarshal(doc.Body, &cols) // parseActor decoded the same body
	actor.StatusesCount = f.collectionSize(ctx, cols.Outbox, actor.Domain)
	actor.FollowersCount = f.collectionSize(ctx, cols.Followers, actor.Domain)
	actor.FollowingCount = f.collectionSize(ctx, cols.Following, actor.Domain)
	return actor, nil
}

// collectionSize reads totalItems of an actor's collection: embedded, or
// fetched when it is a link on the actor's own host. nil when unknown:
// hidden collections, errors and foreign hosts keep the counts Herd had.
func (f *Fetcher) collectionSize(ctx context.Context, raw json.RawMessage, domain string) *int64 {
	var total struct {
		TotalItems *int64 `json:"totalItems"`
	}
	var link string
	if json.Unmarshal(raw, &link) != nil {
		if json.Unmarshal(raw, &total) != nil {
			return nil
		}
		return total.TotalItems
	}
	u, err := f.CheckURI(link)
	if err != nil || site.CanonicalHost(u) != domain {
		return nil
	}
	doc, err := f.Fetch(ctx, link)
	if err != nil || json.Unmarshal(doc.Body, &total) != nil {
		return nil
	}
	return total.TotalItems
}

// WebFingerLookup finds the remote account at an address ("user@host",
// with or without a leading @ or "acct:"), asking the host's WebFinger
// when the account is unknown or stale: the answer's self link names the
// actor, which must come back as the same user@host (the JRD's subject is
// followed when it names another address, and must agree).
func (f *Fetcher) WebFingerLookup(ctx context.Context, acct string) (*model.Account, error) {
	user, host, err := splitAcct(acct)
	if err != nil {
		return nil, err
	}
	known, err := f.core.Federation.RemoteAccountByAcct(ctx, user, host)
	switch {
	case err == nil && !federation.RemoteIsStale(known, time.Now()):
		return known.Account, nil
	case err != nil && !errors.Is(err, model.ErrNotFound):
		return nil, err
	}
	href, subject, err := f.webFinger(ctx, user, host)
	if err != nil {
		if errors.Is(err, ErrGone) && known != nil {
			if err := f.core.Federation.MarkRemoteAccountGone(ctx, known.ID); err != nil {
				return nil, err
			}
		}
		return nil, err
	}
	if !strings.EqualFold(subject, user+"@"+host) {
		// The host answered for another address (its canonical one, or a
		// separate domain serving WebFinger): ask that address's host,
		// which must name the same actor.
		u2, h2, err := splitAcct(subject)
		if err != nil {
			return nil, err
		}
		href2, subject2, err := f.webFinger(ctx, u2, h2)
		if err != nil {
			return nil, err
		}
		if href2 != href || !strings.EqualFold(subject2, subject) {
			return nil, fmt.Errorf("%w: %s names %s, which does not confirm it", ErrInvalidActor, acct, subject)
		}
	}
	a, err := f.resolveActor(ctx, href, subject)
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(a.Acct(), subject) {
		return nil, fmt.Errorf("%w: %s resolved to %s, which is %s", ErrInvalidActor, acct, href, a.Acct())
	}
	return a, nil
}
