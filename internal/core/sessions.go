package core

import (
	"context"
	"errors"
	"strings"
	"time"

	"herd/internal/core/fault"
	"herd/internal/model"
	"herd/internal/store"
)

// SessionLifetime is how long a browser sign-in lasts.
const SessionLifetime = 30 * 24 * time.Hour

// ErrPendingApproval is the answer for a user whose registration waits
// for a moderator, in Mastodon's words.
var ErrPendingApproval = fault.Forbidden("Your login is currently pending approval")

// SignIn checks an email and password and opens a browser session,
// returning the session secret for the cookie (only its hash is stored);
// userAgent is the browser's, kept to list the session. A pending user
// is refused a session: there is nothing they may do yet.
func (c *Core) SignIn(ctx context.Context, email, password, userAgent string) (string, *model.Account, error) {
	acct, user, err := c.CheckPassword(ctx, email, password)
	if err != nil {
		return "", nil, err
	}
	if !user.Approved {
		return "", acct, ErrPendingApproval
	}
	secret, err := c.openSession(ctx, acct.ID, userAgent)
	if err != nil {
		return "", nil, err
	}
	return secret, acct, nil
}

// maxUserAgent bounds the User-Agent kept with a session.
const maxUserAgent = 300

// openSession stores a new session for accountID, opened by the browser
// userAgent.
func (c *Core) openSession(ctx context.Context, accountID int64, userAgent string) (string, error) {
	if len(userAgent) > maxUserAgent {
		userAgent = strings.ToValidUTF8(userAgent[:maxUserAgent], "")
	}
	secret := NewSecret()
	now := time.Now()
	err := c.Store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteExpiredSessions(ctx, now); err != nil {
			return err
		}
		return tx.InsertSession(ctx, HashSecret(secret), accountID, now, now.Add(SessionLifetime), userAgent)
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// SessionViewer resolves a session cookie to its signed-in user. It fails
// with 401 for an unknown or expired session or a suspended account, and
// with ErrPendingApproval for an unapproved one.
func (c *Core) SessionViewer(ctx context.Context, secret string) (*model.Account, *model.User, error) {
	if secret == "" {
		return nil, nil, fault.Unauthorized("Not signed in")
	}
	id, err := c.Store.SessionAccountID(ctx, HashSecret(secret), time.Now())
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil, fault.Unauthorized("Not signed in")
	}
	if err != nil {
		return nil, nil, err
	}
	acct, err := c.Store.AccountByID(ctx, id)
	if err != nil {
		return nil, nil, fault.Unauthorized("Not signed in")
	}
	if acct.Suspended() {
		return nil, nil, fault.Unauthorized("Your login is currently disabled")
	}
	user, err := c.Store.UserByAccountID(ctx, id)
	if err != nil {
		return nil, nil, fault.Unauthorized("Not signed in")
	}
	if !user.Approved {
		return nil, nil, ErrPendingApproval
	}
	return acct, user, nil
}

// SignOut ends a browser session; an unknown session is already ended.
func (c *Core) SignOut(ctx context.Context, secret string) error {
	if secret == "" {
		return nil
	}
	return c.Store.InTx(ctx, func(tx *store.Store) error {
		return tx.DeleteSession(ctx, HashSecret(secret))
	})
}
