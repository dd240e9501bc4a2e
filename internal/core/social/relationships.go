package social

import (
	"context"
	"time"

	"herd/internal/model"
	"herd/internal/store"
)

// Relationship is how viewerID stands with one account (core's
// interaction targets show it too).
func (s *Service) Relationship(ctx context.Context, viewerID, targetID int64) (*model.Relationship, error) {
	rels, err := s.store.RelationshipsOf(ctx, viewerID, []int64{targetID}, time.Now())
	if err != nil {
		return nil, err
	}
	return rels[targetID], nil
}

// Relationships answers GET /api/v1/accounts/relationships: one entry per
// requested account that exists, in the order asked, without duplicates.
// Suspended accounts are left out unless withSuspended (Mastodon 4.3).
func (s *Service) Relationships(ctx context.Context, v *model.Viewer, ids []int64, withSuspended bool) ([]*model.Relationship, error) {
	accts, err := OrderedAccounts(ctx, s.store, ids)
	if err != nil {
		return nil, err
	}
	keep := make([]int64, 0, len(accts))
	for _, a := range accts {
		if withSuspended || !a.Suspended() {
			keep = append(keep, a.ID)
		}
	}
	rels, err := s.store.RelationshipsOf(ctx, v.AccountID(), keep, time.Now())
	if err != nil {
		return nil, err
	}
	out := make([]*model.Relationship, 0, len(keep))
	for _, id := range keep {
		out = append(out, rels[id])
	}
	return out, nil
}

// FamiliarFollowers is, for one account, the accounts the viewer follows
// that follow it too.
type FamiliarFollowers struct {
	ID       int64
	Accounts []*model.Account
}

// FamiliarFollowersOf answers GET /api/v1/accounts/familiar_followers for
// the unsuspended accounts among ids. An account that hides its
// collections shows none, and followers who hide theirs are left out, as
// Mastodon's FamiliarFollowersPresenter does.
func (s *Service) FamiliarFollowersOf(ctx context.Context, v *model.Viewer, ids []int64) ([]FamiliarFollowers, error) {
	accts, err := OrderedAccounts(ctx, s.store, ids)
	if err != nil {
		return nil, err
	}
	var targets []int64
	for _, a := range accts {
		if !a.Suspended() && !a.HideCollections {
			targets = append(targets, a.ID)
		}
	}
	familiar, err := s.store.FamiliarFollowers(ctx, v.AccountID(), targets)
	if err != nil {
		return nil, err
	}
	var followerIDs []int64
	for _, list := range familiar {
		followerIDs = append(followerIDs, list...)
	}
	followers, err := s.store.AccountsByIDs(ctx, followerIDs)
	if err != nil {
		return nil, err
	}
	out := make([]FamiliarFollowers, 0, len(accts))
	for _, a := range accts {
		if a.Suspended() {
			continue
		}
		ff := FamiliarFollowers{ID: a.ID, Accounts: []*model.Account{}}
		for _, id := range familiar[a.ID] {
			if f := followers[id]; f != nil {
				ff.Accounts = append(ff.Accounts, f)
			}
		}
		out = append(out, ff)
	}
	return out, nil
}

// OrderedAccounts loads the approved accounts among ids in the order
// given, once each (core's AccountsByIDs answers with it too).
func OrderedAccounts(ctx context.Context, st *store.Store, ids []int64) ([]*model.Account, error) {
	byID, err := st.ApprovedAccountsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Account, 0, len(byID))
	seen := map[int64]bool{}
	for _, id := range ids {
		if a := byID[id]; a != nil && !seen[id] {
			seen[id] = true
			out = append(out, a)
		}
	}
	return out, nil
}
