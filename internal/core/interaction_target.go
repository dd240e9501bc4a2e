package core

import (
	"context"
	"strings"

	"herd/internal/core/fault"
	"herd/internal/core/search"
	"herd/internal/model"
)

// InteractionTarget is what a URI given to /authorize_interaction names:
// an account, or a status with its author, and how the viewer stands
// with the account.
type InteractionTarget struct {
	Account      *model.Account
	Status       *model.StatusView // nil when the URI names an account
	Relationship *model.Relationship
}

// FindInteractionTarget resolves the URI another server's user was sent
// here with ("acct:user@host", "user@host", an actor or status URL, here
// or elsewhere) to what the viewer may act on, fetching it from its
// origin when unknown, as search with resolve does. Nothing found is a
// 404.
func (c *Core) FindInteractionTarget(ctx context.Context, v *model.Viewer, uri string) (*InteractionTarget, error) {
	q := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(uri), "acct:"))
	if q == "" || v.AccountID() == 0 {
		return nil, fault.ErrRecordNotFound
	}
	query := search.Query{Q: q, Resolve: true, Limit: 1}
	isURL := strings.HasPrefix(q, "https://") || strings.HasPrefix(q, "http://")
	if !isURL {
		query.Type = search.TypeAccounts
	}
	res, err := c.Search.Search(ctx, v, query)
	if err != nil {
		return nil, err
	}
	t := &InteractionTarget{}
	switch {
	case len(res.Statuses) > 0:
		t.Status, t.Account = res.Statuses[0], res.Statuses[0].Account
	case len(res.Accounts) > 0 && (isURL || c.isAddressOf(q, res.Accounts[0])):
		t.Account = res.Accounts[0]
	default:
		return nil, fault.ErrRecordNotFound
	}
	if t.Relationship, err = c.Social.Relationship(ctx, v.AccountID(), t.Account.ID); err != nil {
		return nil, err
	}
	return t, nil
}

// isAddressOf reports whether the address q names a, which an account
// search for q found: a local account must be named exactly (the search
// also finds prefixes and display names).
func (c *Core) isAddressOf(q string, a *model.Account) bool {
	name, domain, _ := strings.Cut(strings.TrimPrefix(q, "@"), "@")
	if !c.IsLocalDomain(domain) {
		// An address elsewhere finds the one account it resolves to,
		// which may be another name WebFinger led to.
		return !a.Local()
	}
	if !strings.EqualFold(name, a.Username) {
		return false
	}
	return a.Local()
}
