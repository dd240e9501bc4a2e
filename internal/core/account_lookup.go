package core

import (
	"context"
	"errors"
	"strings"

	"herd/internal/core/fault"
	"herd/internal/core/social"
	"herd/internal/model"
	"herd/internal/store"
)

// Account loads one account for GET /api/v1/accounts/:id. A suspended
// account is still answered (the renderer empties it and marks it
// suspended, as Mastodon 3.3+); a missing one, or a local one pending
// approval, is a 404.
func (c *Core) Account(ctx context.Context, id int64) (*model.Account, error) {
	return social.TargetAccount(ctx, c.store, id)
}

// StoredAccount loads any account by id as it is stored, suspended or
// pending approval included: for federation, which must still answer for
// such accounts (a Delete, a Reject), where Account hides them.
func (c *Core) StoredAccount(ctx context.Context, id int64) (*model.Account, error) {
	return c.store.AccountByID(ctx, id)
}

// LocalAccountByName loads a local account by username (the admin CLI).
func (c *Core) LocalAccountByName(ctx context.Context, username string) (*model.Account, error) {
	return c.store.AccountByUsername(ctx, username, "")
}

// LocalUsers lists the local users with their accounts, oldest first
// (the admin CLI).
func (c *Core) LocalUsers(ctx context.Context) ([]model.LocalUser, error) {
	return c.store.ListLocalUsers(ctx)
}

// AccountsByIDs loads the approved accounts among ids, in the order asked
// and once each (GET /api/v1/accounts?id[]=).
func (c *Core) AccountsByIDs(ctx context.Context, ids []int64) ([]*model.Account, error) {

	return social.OrderedAccounts(ctx, c.store, ids)
}

// LookupAccount finds an account by address without WebFinger: "name" or
// "name@thisdomain" for local accounts, "name@domain" for remote accounts
// already known (Mastodon's accounts/lookup).
func (c *Core) LookupAccount(ctx context.Context, acct string) (*model.Account, error) {
	name, domain, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(acct), "@"), "@")
	if name == "" {
		return nil, fault.ErrRecordNotFound
	}
	if c.IsLocalDomain(domain) {
		domain = ""
	}
	a, err := c.store.AccountByUsername(ctx, name, domain)
	if err != nil {
		return nil, fault.NotFoundOr(err)
	}
	return social.TargetAccount(ctx, c.store, a.ID)
}

// AccountSearch is GET /api/v1/accounts/search.
type AccountSearch struct {
	Query     string
	Limit     int
	Offset    int
	Following bool // only accounts the viewer follows
	Resolve   bool // a remote address not known yet is looked up (signed-in viewers only)
}

// SearchAccounts finds accounts (local, and remote ones known here) by
// username prefix or display name, leaving out accounts in a block with
// the viewer either way. A remote
// address (user@host) finds that account: a known one, or with Resolve
// one found through WebFinger, as Mastodon's AccountSearchService.
func (c *Core) SearchAccounts(ctx context.Context, v *model.Viewer, q AccountSearch) ([]*model.Account, error) {
	query := strings.TrimPrefix(strings.TrimSpace(q.Query), "@")
	if name, domain, ok := strings.Cut(query, "@"); ok {
		if !c.IsLocalDomain(domain) {
			return c.searchRemoteAddress(ctx, v, name, domain, q)
		}
		query = name
	}
	if query == "" || q.Limit < 1 {
		return []*model.Account{}, nil
	}
	return c.store.SearchAccounts(ctx, store.AccountSearch{Query: query, Limit: q.Limit, Offset: q.Offset,
		ViewerID: v.AccountID(), Following: q.Following})
}

// searchRemoteAddress answers an account search for user@domain on
// another server: the one account, known or (with Resolve, for a
// signed-in viewer) resolved, unless it is gone, in a block with the
// viewer, or not followed when only followed accounts are asked for.
func (c *Core) searchRemoteAddress(ctx context.Context, v *model.Viewer, name, domain string, q AccountSearch) ([]*model.Account, error) {
	none := []*model.Account{}
	if name == "" || domain == "" || q.Limit < 1 || q.Offset > 0 || strings.ContainsAny(name+domain, " @/") {
		return none, nil
	}
	var a *model.Account
	if q.Resolve && v.AccountID() != 0 {
		found, err := c.remoteAccountByAddress(ctx, name, domain)
		if err != nil {
			return none, nil
		}
		a = found
	} else {
		known, err := c.store.RemoteAccountByUsername(ctx, name, domain)
		if errors.Is(err, model.ErrNotFound) {
			return none, nil
		}
		if err != nil {
			return nil, err
		}
		a = known.Account
	}
	if a.Suspended() {
		return none, nil
	}
	if v.AccountID() != 0 {
		r, err := c.store.RelationsOf(ctx, v.AccountID(), []int64{a.ID})
		if err != nil {
			return nil, err
		}
		if r.Blocking[a.ID] || r.BlockedBy[a.ID] || (q.Following && !r.Following[a.ID]) {
			return none, nil
		}
	}
	return []*model.Account{a}, nil
}

// Credentials reloads the viewer's account and user (the cached viewer
// may be up to a minute old, and its counters older still) with the number
// of follow requests waiting, for GET /api/v1/accounts/verify_credentials.
func (c *Core) Credentials(ctx context.Context, v *model.Viewer) (*model.Viewer, int64, error) {
	acct, err := c.store.AccountByID(ctx, v.AccountID())
	if err != nil {
		return nil, 0, err
	}
	user, err := c.store.UserByAccountID(ctx, acct.ID)
	if err != nil {
		return nil, 0, err
	}
	n, err := c.store.CountFollowRequests(ctx, acct.ID)
	if err != nil {
		return nil, 0, err
	}
	return &model.Viewer{Token: v.Token, Account: acct, User: user}, n, nil
}
