// Package moderation holds what users bring to the instance's moderators:
// the reports they file, and the moderators' list of them.
package moderation

import (
	"context"

	"herd/internal/model"
	"herd/internal/store"
)

// Deps is what the moderation area is built from.
type Deps struct {
	Store *store.Store
	// Account loads an account as the client API may show it (404 for a
	// missing or unapproved one): core's read of accounts.
	Account func(ctx context.Context, id int64) (*model.Account, error)
	// Rules are the instance's rules a report may cite (the instance area).
	Rules func(ctx context.Context) ([]model.Rule, error)
}

// Service runs the moderation area's use cases.
type Service struct {
	store   *store.Store
	account func(ctx context.Context, id int64) (*model.Account, error)
	rules   func(ctx context.Context) ([]model.Rule, error)
}

// New builds the area from its dependencies.
func New(d Deps) *Service {
	return &Service{store: d.Store, account: d.Account, rules: d.Rules}
}
