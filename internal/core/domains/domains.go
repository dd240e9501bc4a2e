// Package domains holds how this instance treats other servers: the domain
// blocks and allows admins set (and what they do to the accounts and
// cached media of a domain), the policy every inbox POST, fetch and
// delivery asks about a host, and which hosts deliveries fail to reach.
package domains

import (
	"context"
	"log/slog"

	"herd/internal/store"
)

// Who sees the instance's domain blocks (Deps.ShowDomainBlocks).
const (
	ShowDomainBlocksAll      = "all"
	ShowDomainBlocksUsers    = "users"
	ShowDomainBlocksDisabled = "disabled"
)

// Deps is what the domains area is built from.
type Deps struct {
	// Store holds the domain_blocks, domain_allows, delivery_failures and
	// unavailable_domains tables, and the accounts a block limits.
	Store *store.Store
	Log   *slog.Logger // slog.Default() when nil
	// AuthorizedFetch serves ActivityPub documents only to signed requests
	// (Mastodon's AUTHORIZED_FETCH).
	AuthorizedFetch bool
	// LimitedFederation federates only with allowed domains (Mastodon's
	// LIMITED_FEDERATION_MODE); it implies AuthorizedFetch.
	LimitedFederation bool
	// ShowDomainBlocks says who sees the public list of blocks: all (the
	// default), users or disabled.
	ShowDomainBlocks string
	// AccountChanged drops what this node caches about an account (the
	// account and its viewers) after a block limited it or changed its
	// pictures; a function because those caches belong to core.
	AccountChanged func(accountID int64)
	// DeleteFiles removes stored files, best effort: the cached avatars
	// and headers of a domain whose media a block starts to reject, once
	// the change is committed. A function because media storage belongs
	// to core's media code.
	DeleteFiles func(ctx context.Context, keys ...string)
}

// Service runs the domains area's use cases.
type Service struct {
	store             *store.Store
	log               *slog.Logger
	authorizedFetch   bool
	limitedFederation bool
	showDomainBlocks  string
	accountChanged    func(accountID int64)
	deleteFiles       func(ctx context.Context, keys ...string)
	// health remembers which remote hosts deliveries fail to reach
	// (domain_health.go).
	health *domainHealth
	policy *domainPolicy // domain blocks and allows in memory (domain_policy.go)
}

// New builds the area from its dependencies.
func New(d Deps) *Service {
	s := &Service{store: d.Store, log: d.Log, authorizedFetch: d.AuthorizedFetch,
		limitedFederation: d.LimitedFederation, showDomainBlocks: d.ShowDomainBlocks,
		accountChanged: d.AccountChanged, deleteFiles: d.DeleteFiles,
		health: newDomainHealth(), policy: &domainPolicy{}}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.showDomainBlocks == "" {
		s.showDomainBlocks = ShowDomainBlocksAll
	}
	if s.accountChanged == nil {
		s.accountChanged = func(int64) {}
	}
	if s.deleteFiles == nil {
		s.deleteFiles = func(context.Context, ...string) {}
	}
	return s
}
