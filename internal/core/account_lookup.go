package core

import (
	"context"
	"strings"

	"herd/internal/model"
	"herd/internal/store"
)

// Account loads one account for GET /api/v1/accounts/:id. A suspended
// account is still answered (the renderer empties it and marks it
// suspended, as Mastodon 3.3+); a missing one, or a local one pending
// approval, is a 404.
func (c *Core) Account(ctx context.Context, id int64) (*model.Account, error) {
	return c.targetAccount(ctx, c.Store, id)
}

// Accounts loads the approved accounts among ids, in the order asked and
// once each (GET /api/v1/accounts?id[]=).
func (c *Core) Accounts(ctx context.Context, ids []int64) ([]*model.Account, error) {
	return c.orderedAccounts(ctx, ids)
}

// LookupAccount finds an account by address without WebFinger: "name" or
// "name@thisdomain" for local accounts, "name@domain" for remote accounts
// already known (Mastodon's accounts/lookup).
func (c *Core) LookupAccount(ctx context.Context, acct string) (*model.Account, error) {
	name, domain, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(acct), "@"), "@")
	if name == "" {
		return nil, ErrRecordNotFound
	}
	if c.isLocalDomain(domain) {
		domain = ""
	}
	a, err := c.Store.AccountByUsername(ctx, name, domain)
	if err != nil {
		return nil, notFoundOr(err)
	}
	return c.targetAccount(ctx, c.Store, a.ID)
}

// AccountSearch is GET /api/v1/accounts/search.
type AccountSearch struct {
	Query     string
	Limit     int
	Offset    int
	Following bool // only accounts the viewer follows
}

// SearchAccounts finds local accounts by username prefix or display name,
// leaving out accounts in a block with the viewer either way. An address
// with another domain finds nothing until federation can resolve it.
func (c *Core) SearchAccounts(ctx context.Context, v *Viewer, q AccountSearch) ([]*model.Account, error) {
	query := strings.TrimPrefix(strings.TrimSpace(q.Query), "@")
	if name, domain, ok := strings.Cut(query, "@"); ok {
		if !c.isLocalDomain(domain) {
			return []*model.Account{}, nil
		}
		query = name
	}
	if query == "" || q.Limit < 1 {
		return []*model.Account{}, nil
	}
	return c.Store.SearchAccounts(ctx, store.AccountSearch{Query: query, Limit: q.Limit, Offset: q.Offset,
		ViewerID: v.AccountID(), Following: q.Following})
}

// Credentials reloads the viewer's account and user (the cached viewer
// may be up to a minute old, and its counters older still) with the number
// of follow requests waiting, for GET /api/v1/accounts/verify_credentials.
func (c *Core) Credentials(ctx context.Context, v *Viewer) (*Viewer, int64, error) {
	acct, err := c.Store.AccountByID(ctx, v.AccountID())
	if err != nil {
		return nil, 0, err
	}
	user, err := c.Store.UserByAccountID(ctx, acct.ID)
	if err != nil {
		return nil, 0, err
	}
	n, err := c.Store.CountFollowRequests(ctx, acct.ID)
	if err != nil {
		return nil, 0, err
	}
	return &Viewer{Token: v.Token, Account: acct, User: user}, n, nil
}
