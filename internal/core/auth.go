package core

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
type tokenCache struct {
	mu      sync.RWMutex
	entries map[string]tokenEntry
}

type tokenEntry struct {
	viewer  *model.Viewer
	expires time.Time
}

const tokenCacheTTL = time.Minute

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
	c.mu.Lock()
	if len(c.entries) > 100000 {
		c.entries = map[string]tokenEntry{} // crude bound; refills from the DB
	}
	c.entries[hash] = tokenEntry{viewer: v, expires: time.Now().Add(tokenCacheTTL)}
	c.mu.Unlock()
}

// forget drops entries matching pred.
func (c *tokenCache) forget(pred func(*model.Viewer) bool) {
	c.mu.Lock()
	for k, e := range c.entries {
		if pred(e.viewer) {
			delete(c.entries, k)
		}
	}
	c.mu.Unlock()
}

// Authenticate resolves a bearer token. It fails with 401 for unknown or
// revoked tokens and for suspended or unapproved accounts.
func (c *Core) Authenticate(ctx context.Context, secret string) (*model.Viewer, error) {
	hash := HashSecret(secret)
	if v := c.tokens.get(hash); v != nil {
		return v, nil
	}
	tok, err := c.Store.TokenByHash(ctx, hash)
	if errors.Is(err, model.ErrNotFound) {
		return nil, fault.Unauthorized("The access token is invalid")
	}
	if err != nil {
		return nil, err
	}
	v := &model.Viewer{Token: tok}
	if tok.AccountID != 0 {
		acct, err := c.Store.AccountByID(ctx, tok.AccountID)
		if err != nil {
			return nil, fault.Unauthorized("The access token is invalid")
		}
		if acct.Suspended() {
			return nil, fault.Unauthorized("Your login is currently disabled")
		}
		user, err := c.Store.UserByAccountID(ctx, tok.AccountID)
		if err != nil {
			return nil, fault.Unauthorized("The access token is invalid")
		}
		if !user.Approved {
			return nil, fault.Forbidden("Your login is currently pending approval")
		}
		v.Account, v.User = acct, user
	}
	c.tokens.put(hash, v)
	return v, nil
}

// forgetAccount drops cached viewers of an account after it changed.
func (c *Core) forgetAccount(accountID int64) {
	c.forgetCachedAccount(accountID)
	c.tokens.forget(func(v *model.Viewer) bool { return v.AccountID() == accountID })
}

// forgetToken drops a cached token after revocation.
func (c *Core) forgetToken(tokenID int64) {
	c.tokens.forget(func(v *model.Viewer) bool { return v.Token.ID == tokenID })
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
