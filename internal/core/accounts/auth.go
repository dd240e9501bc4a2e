package accounts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sync"
	"time"

	"herd/internal/core/fault"
	"herd/internal/model"
)

// HashSecret is how Herd stores token, code and session secrets: only a
// SHA-256, so a leaked database does not leak live credentials.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// tokenCache keeps authenticated viewers in memory so a request costs no
// query; entries are dropped on the events that change them (revocation,
// suspension, role change) and expire after a minute regardless.
//
// It holds at most tokenCacheBytes of entries by estimate (viewerSize): a
// viewer carries its account row with both RSA keys (~3.5 KB in all), so
// the former bound of 100,000 entries allowed ~350 MB. Past the budget,
// expired entries are dropped, and if that frees less than a quarter the
// cache starts over: a miss costs three small queries.
type tokenCache struct {
	mu      sync.RWMutex
	entries map[string]tokenEntry
	bytes   int
}

type tokenEntry struct {
	viewer  *model.Viewer
	expires time.Time
	size    int
}

const (
	tokenCacheTTL = time.Minute
	// tokenCacheBytes: 16 MB, ~4,500 viewers seen within the TTL.
	tokenCacheBytes = 16 << 20
)

func newTokenCache() *tokenCache { return &tokenCache{entries: map[string]tokenEntry{}} }

func (c *tokenCache) get(hash string) *model.Viewer {
	c.mu.RLock()
	e, ok := c.entries[hash]
	c.mu.RUnlock()
	if !ok || time.Now().After(e.expires) {
		return nil
	}
	return e.viewer
}

func (c *tokenCache) put(hash string, v *model.Viewer) {
	n := len(hash) + viewerSize(v)
	now := time.Now()
	c.mu.Lock()
	if old, ok := c.entries[hash]; ok {
		c.bytes -= old.size
	}
	if c.bytes+n > tokenCacheBytes {
		for k, e := range c.entries {
			if now.After(e.expires) {
				delete(c.entries, k)
				c.bytes -= e.size
			}
		}
		if c.bytes+n > tokenCacheBytes*3/4 {
			c.entries, c.bytes = map[string]tokenEntry{}, 0 // refills from the DB
		}
	}
	c.entries[hash] = tokenEntry{viewer: v, expires: now.Add(tokenCacheTTL), size: n}
	c.bytes += n
	c.mu.Unlock()
}

// viewerSize estimates what a cached viewer keeps alive: the structs
// (~900 bytes with the map slot) and the strings of its rows.
func viewerSize(v *model.Viewer) int {
	n := 900
	if t := v.Token; t != nil {
		for _, s := range t.Scopes {
			n += 16 + len(s)
		}
	}
	if a := v.Account; a != nil {
		n += len(a.Username) + len(a.Domain) + len(a.DisplayName) + len(a.Note) + len(a.NoteSource) + len(a.AvatarURL) +
			len(a.HeaderURL) + len(a.AvatarKey) + len(a.HeaderKey) + len(a.URI) + len(a.URL) + len(a.InboxURL) +
			len(a.SharedInboxURL) + len(a.PublicKey) + len(a.PrivateKey)
		for _, f := range a.Fields {
			n += 64 + len(f.Name) + len(f.Value)
		}
	}
	if u := v.User; u != nil {
		n += len(u.Email) + len(u.PasswordHash) + len(u.Reason) + len(u.Locale) + len(u.DefaultLanguage)
	}
	return n
}

// forget drops entries matching pred.
func (c *tokenCache) forget(pred func(*model.Viewer) bool) {
	c.mu.Lock()
	for k, e := range c.entries {
		if pred(e.viewer) {
			delete(c.entries, k)
			c.bytes -= e.size
		}
	}
	c.mu.Unlock()
}

// Authenticate resolves a bearer token. It fails with 401 for unknown or
// revoked tokens and for suspended or unapproved accounts.
func (s *Service) Authenticate(ctx context.Context, secret string) (*model.Viewer, error) {
	hash := HashSecret(secret)
	if v := s.tokens.get(hash); v != nil {
		return v, nil
	}
	tok, err := s.store.TokenByHash(ctx, hash)
	if errors.Is(err, model.ErrNotFound) {
		return nil, fault.Unauthorized("The access token is invalid")
	}
	if err != nil {
		return nil, err
	}
	v := &model.Viewer{Token: tok}
	if tok.AccountID != 0 {
		acct, err := s.store.AccountByID(ctx, tok.AccountID)
		if err != nil {
			return nil, fault.Unauthorized("The access token is invalid")
		}
		if acct.Suspended() {
			return nil, fault.Unauthorized("Your login is currently disabled")
		}
		user, err := s.store.UserByAccountID(ctx, tok.AccountID)
		if err != nil {
			return nil, fault.Unauthorized("The access token is invalid")
		}
		if !user.Approved {
			return nil, fault.Forbidden("Your login is currently pending approval")
		}
		v.Account, v.User = acct, user
	}
	s.tokens.put(hash, v)
	return v, nil
}

// forgetAccount drops what this node caches about an account after the
// area changed it: core's cached entities and the area's cached viewers.
func (s *Service) forgetAccount(accountID int64) {
	s.accountChanged(accountID)
	s.ForgetViewers(accountID)
}

// ForgetViewers drops this node's cached viewers of an account (its
// tokens), after an event says the account changed elsewhere.
func (s *Service) ForgetViewers(accountID int64) {
	s.tokens.forget(func(v *model.Viewer) bool { return v.AccountID() == accountID })
}

// ForgetToken drops a cached token after revocation.
func (s *Service) ForgetToken(tokenID int64) {
	s.tokens.forget(func(v *model.Viewer) bool { return v.Token.ID == tokenID })
}

// RequireAdmin lets through only users with the admin role: Mastodon's
// default roles give federation management (domain blocks and allows) to
// admins alone.
func RequireAdmin(v *model.Viewer) error {
	if v == nil || v.User == nil || v.User.Role != model.RoleAdmin {
		return fault.Forbidden("This action is not allowed")
	}
	return nil
}
