package core

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"herd/internal/core/fault"
	"herd/internal/core/federation"
	"herd/internal/core/social"
	"herd/internal/model"
	"herd/internal/text"
)

// RemoteResolveTimeout bounds how long a request a user waits on (posting
// with remote mentions, a lookup, a search) waits for other servers. The
// outbound client's own limits (30 s a request) are for background work.
const RemoteResolveTimeout = 10 * time.Second

// remoteRefreshRetry is how long after a failed refresh of a stale
// account the next one waits, so a dead origin is not asked on every use.
const remoteRefreshRetry = 10 * time.Minute

// maxParallelResolves is how many unknown addresses of one post are looked
// up at once.
const maxParallelResolves = 4

// attempts remembers when each thing (a stale remote account to refresh,
// a remote picture to fetch) was last tried on this node, so that it is
// tried at most once per interval however often it is asked for.
type attempts[K comparable] struct {
	mu   sync.Mutex
	last map[K]time.Time
}

// claim reports whether k may be tried now, at most once per every, and
// records it.
func (r *attempts[K]) claim(k K, now time.Time, every time.Duration) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.last == nil {
		r.last = map[K]time.Time{}
	}
	if t, ok := r.last[k]; ok && now.Sub(t) < every {
		return false
	}
	if len(r.last) > 10_000 {
		for k, t := range r.last {
			if now.Sub(t) >= every {
				delete(r.last, k)
			}
		}
	}
	r.last[k] = now
	return true
}

// forget clears k's record after an attempt that worked: when k is next
// asked for (a refreshed account that is stale again), it may be tried.
func (r *attempts[K]) forget(k K) {
	r.mu.Lock()
	delete(r.last, k)
	r.mu.Unlock()
}

// RefreshStarted reports whether a background refresh of the remote
// account id was started and has not succeeded yet. It only reads: the
// claim is taken in the request that finds the account stale, before it
// answers, so tests use it to show that a request started no refresh.
func (c *Core) RefreshStarted(id int64) bool {
	c.refreshing.mu.Lock()
	defer c.refreshing.mu.Unlock()
	_, ok := c.refreshing.last[id]
	return ok
}

// remoteAccountByAddress finds the remote account user@domain for a
// request a user waits on: a known one at once (and, when stale, fetched
// again in the background, as Mastodon refreshes accounts on use); an
// unknown one through the Resolver (WebFinger, then the actor), within
// RemoteResolveTimeout. Gone and suspended accounts are not found: an
// origin that answered 410 said the account no longer exists.
func (c *Core) remoteAccountByAddress(ctx context.Context, user, domain string) (*model.Account, error) {
	known, err := c.store.RemoteAccountByUsername(ctx, user, domain)
	switch {
	case err == nil:
		if known.Suspended() {
			return nil, fault.ErrRecordNotFound
		}
		c.refreshLater(known)
		return known.Account, nil
	case !errors.Is(err, model.ErrNotFound):
		return nil, err
	case c.resolver == nil:
		return nil, fault.ErrRecordNotFound
	}
	ctx, cancel := context.WithTimeout(ctx, RemoteResolveTimeout)
	defer cancel()
	a, err := c.resolver.WebFingerLookup(ctx, user+"@"+domain)
	if err != nil {
		c.Log.Info("resolving a remote account failed", "acct", user+"@"+domain, "err", err)
		return nil, fault.ErrRecordNotFound
	}
	if a.Suspended() {
		return nil, fault.ErrRecordNotFound
	}
	return a, nil
}

// refreshLater fetches a stale remote account again in the background, at
// most once per remoteRefreshRetry, so the request that used it does not
// wait on its origin. An origin answering 410 marks it gone (the
// Resolver does that).
func (c *Core) refreshLater(a *model.RemoteAccount) {
	now := time.Now()
	if c.resolver == nil || !federation.RemoteIsStale(a, now) || !c.refreshing.claim(a.ID, now, remoteRefreshRetry) {
		return
	}
	id, uri := a.ID, a.URI
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), RemoteResolveTimeout)
		defer cancel()
		if _, err := c.resolver.ResolveActor(ctx, uri); err != nil {
			c.Log.Info("refreshing a stale remote account failed", "uri", uri, "err", err)
			return
		}
		c.refreshing.forget(id)
	}()
}

// resolveRemoteMentions finds the accounts a post's remote mentions name,
// keyed by lowercased "user@domain"; addresses that resolve to nothing are
// left out (they stay plain text). Unknown addresses are looked up in
// parallel, all within RemoteResolveTimeout. It runs before the post's
// transaction, never inside it: a slow server must not hold the writer.
func (c *Core) resolveRemoteMentions(ctx context.Context, mentions []text.Mention) map[string]*model.Account {
	out := make(map[string]*model.Account, len(mentions))
	var mu sync.Mutex
	var wg sync.WaitGroup
	slots := make(chan struct{}, maxParallelResolves)
	ctx, cancel := context.WithTimeout(ctx, RemoteResolveTimeout)
	defer cancel()
	for _, m := range mentions {
		wg.Add(1)
		slots <- struct{}{}
		go func(m text.Mention) {
			defer func() { <-slots; wg.Done() }()
			a, err := c.remoteAccountByAddress(ctx, m.Username, m.Domain)
			if err != nil {
				return
			}
			mu.Lock()
			out[mentionKey(m)] = a
			mu.Unlock()
		}(m)
	}
	wg.Wait()
	return out
}

// mentionKey is how a mention's address is compared: case-insensitively.
func mentionKey(m text.Mention) string {
	return strings.ToLower(m.Username) + "@" + strings.ToLower(m.Domain)
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
