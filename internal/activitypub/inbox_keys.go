package activitypub

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"herd/internal/core/site"
	"herd/internal/httpsig"
	"herd/internal/model"
)

// inboxKeys finds the key of an incoming signature through the remote
// account code: the key id's actor (the id without its fragment, or the
// owner a separate key document names) is looked up, fetched when unknown,
// and fetched again when the verifier asks (a rotated key). It
// remembers the actor whose key it returned: the signer.
type inboxKeys struct {
	fetcher *Fetcher
	cache   *keyCache
	owner   string
}

// keyCacheTTL is how long a verified actor's parsed key is reused without
// asking the database; a signature that fails with it still refetches.
const keyCacheTTL = time.Minute

// keyCacheMax bounds the cache; when full it starts over.
const keyCacheMax = 10_000

// keyCache keeps parsed public keys by key id for keyCacheTTL, so a burst
// of deliveries from one actor costs one lookup and one PEM parse.
type keyCache struct {
	mu      sync.Mutex
	entries map[string]cachedKey
}

type cachedKey struct {
	owner string
	key   crypto.PublicKey
	at    time.Time
}

func newKeyCache() *keyCache { return &keyCache{entries: map[string]cachedKey{}} }

func (c *keyCache) get(keyID string, now time.Time) (cachedKey, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[keyID]
	if !ok || now.Sub(e.at) > keyCacheTTL {
		return cachedKey{}, false
	}
	return e, true
}

func (c *keyCache) put(keyID string, e cachedKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= keyCacheMax {
		c.entries = map[string]cachedKey{}
	}
	c.entries[keyID] = e
}

var _ httpsig.KeyFetcher = (*inboxKeys)(nil)

func (k *inboxKeys) FetchKey(ctx context.Context, keyID string, refetch bool) (httpsig.PublicKey, error) {
	if !refetch && k.cache != nil {
		if e, ok := k.cache.get(keyID, time.Now()); ok {
			k.owner = e.owner
			return httpsig.PublicKey{ID: keyID, Owner: e.owner, Key: e.key, Cached: true}, nil
		}
	}
	actorURI, _, _ := strings.Cut(keyID, "#")
	var a *model.Account
	var err error
	cached := false
	switch {
	case refetch:
		a, err = k.fetcher.refreshActor(ctx, actorURI)
	default:
		var known *model.RemoteAccount
		known, err = k.fetcher.core.Federation.RemoteAccountByURI(ctx, actorURI)
		if err == nil {
			// A stale actor's stored key is tried as it is, so the inbox
			// answers without waiting on the actor's server: a rotated key
			// fails and is fetched again (refetch), and the ingest worker
			// refreshes the stale actor when it resolves the signer.
			a, cached = known.Account, true
		} else {
			a, err = k.fetcher.ResolveActor(ctx, actorURI)
		}
	}
	if err != nil && !strings.Contains(keyID, "#") {
		// GoToSocial and others publish the key as its own document
		// (…/main-key) naming its owner.
		a, err = k.keyOwner(ctx, keyID, refetch)
	}
	if err != nil {
		return httpsig.PublicKey{}, err
	}
	if a.Suspended() || a.PublicKey == "" {
		return httpsig.PublicKey{}, fmt.Errorf("actor %s has no usable key", a.URI)
	}
	pub, err := httpsig.ParsePublicKeyPEM([]byte(a.PublicKey))
	if err != nil {
		return httpsig.PublicKey{}, err
	}
	k.owner = a.URI
	if k.cache != nil {
		k.cache.put(keyID, cachedKey{owner: a.URI, key: pub, at: time.Now()})
	}
	return httpsig.PublicKey{ID: keyID, Owner: a.URI, Key: pub, Cached: cached}, nil
}

// keyOwner fetches a key document and resolves the actor that owns it; the
// owner must be on the key's host, and the owner's own document supplies
// the key (validated as the actor's when it was stored).
func (k *inboxKeys) keyOwner(ctx context.Context, keyID string, refetch bool) (*model.Account, error) {
	doc, err := k.fetcher.Fetch(ctx, keyID)
	if err != nil {
		return nil, err
	}
	var key struct {
		Owner string `json:"owner"`
	}
	if json.Unmarshal(doc.Body, &key) != nil || key.Owner == "" {
		return nil, fmt.Errorf("%w: key %s names no owner", ErrInvalidActor, keyID)
	}
	ku, _ := k.fetcher.CheckURI(doc.ID)
	ou, err := k.fetcher.CheckURI(key.Owner)
	if err != nil || ku == nil || site.CanonicalHost(ou) != site.CanonicalHost(ku) {
		return nil, fmt.Errorf("%w: key %s is owned from another host", ErrInvalidActor, keyID)
	}
	if refetch {
		return k.fetcher.refreshActor(ctx, key.Owner)
	}
	return k.fetcher.ResolveActor(ctx, key.Owner)
}

// refreshActor fetches a known actor again whether or not it is stale (its
// key may have rotated, or it sent an Update); an unknown one is resolved
// as usual. A renamed actor is refused here: ResolveActor confirms renames
// through WebFinger once the account is stale.
func (f *Fetcher) refreshActor(ctx context.Context, uri string) (*model.Account, error) {
	known, err := f.core.Federation.RemoteAccountByURI(ctx, uri)
	if errors.Is(err, model.ErrNotFound) {
		return f.ResolveActor(ctx, uri)
	}
	if err != nil {
		return nil, err
	}
	actor, err := f.fetchActor(ctx, uri)
	if errors.Is(err, ErrGone) {
		if err := f.core.Federation.MarkRemoteAccountGone(ctx, known.ID); err != nil {
			return nil, err
		}
	}
	if err != nil {
		return nil, err
	}
	if actor.URI != uri || !strings.EqualFold(known.Acct(), actor.Username+"@"+actor.Domain) {
		return nil, fmt.Errorf("%w: %s now names %s@%s", ErrInvalidActor, uri, actor.Username, actor.Domain)
	}
	return f.core.Federation.SaveRemoteAccount(ctx, actor)
}
