package social

import (
	"context"
	"time"

	"herd/internal/model"
	"herd/internal/store"
)

// ListedAccount is one account in a paged list of accounts. Cursor is the
// id of the row that put it there (the follow, request, block or mute),
// which Mastodon pages such lists by and puts in the Link header.
type ListedAccount struct {
	Account       *model.Account
	Cursor        int64
	MuteExpiresAt *time.Time // mutes only
}

// Followers pages the accounts following accountID, as the viewer may see
// them: nothing when the account is suspended, hides its collections from
// others, or blocks the viewer; otherwise without suspended accounts and
// accounts in a block with the viewer or muted by them (Mastodon's
// FollowerAccountsController).
func (s *Service) Followers(ctx context.Context, v *model.Viewer, accountID int64, p model.Page) ([]ListedAccount, error) {
	return s.collection(ctx, v, accountID, p, s.store.FollowersPage)
}

// Following pages the accounts accountID follows, with the same rules as
// Followers.
func (s *Service) Following(ctx context.Context, v *model.Viewer, accountID int64, p model.Page) ([]ListedAccount, error) {
	return s.collection(ctx, v, accountID, p, s.store.FollowingPage)
}

type collectionPage func(ctx context.Context, id int64, f store.ListFilter, p model.Page) ([]store.AccountCursor, error)

func (s *Service) collection(ctx context.Context, v *model.Viewer, accountID int64, p model.Page, page collectionPage) ([]ListedAccount, error) {
	owner, err := TargetAccount(ctx, s.store, accountID)
	if err != nil {
		return nil, err
	}
	me := v.AccountID()
	if owner.Suspended() || (owner.HideCollections && owner.ID != me) {
		return nil, nil
	}
	if me != 0 && me != owner.ID {
		rel, err := s.store.RelationsOf(ctx, me, []int64{owner.ID})
		if err != nil {
			return nil, err
		}
		if rel.BlockedBy[owner.ID] {
			return nil, nil
		}
	}
	rows, err := page(ctx, owner.ID, store.ListFilter{ViewerID: me, Now: time.Now().UnixMilli()}, p)
	if err != nil {
		return nil, err
	}
	return s.listed(ctx, rows, nil)
}

// FollowRequests pages the accounts waiting for the viewer to accept them.
func (s *Service) FollowRequests(ctx context.Context, v *model.Viewer, p model.Page) ([]ListedAccount, error) {
	rows, err := s.store.FollowRequestsPage(ctx, v.AccountID(), p)
	if err != nil {
		return nil, err
	}
	return s.listed(ctx, rows, nil)
}

// Blocks pages the accounts the viewer blocks.
func (s *Service) Blocks(ctx context.Context, v *model.Viewer, p model.Page) ([]ListedAccount, error) {
	rows, err := s.store.BlocksPage(ctx, v.AccountID(), p)
	if err != nil {
		return nil, err
	}
	return s.listed(ctx, rows, nil)
}

// Mutes pages the accounts the viewer mutes; expired mutes are over and
// not listed.
func (s *Service) Mutes(ctx context.Context, v *model.Viewer, p model.Page) ([]ListedAccount, error) {
	muted, err := s.store.MutesPage(ctx, v.AccountID(), time.Now(), p)
	if err != nil {
		return nil, err
	}
	rows := make([]store.AccountCursor, len(muted))
	expiry := make(map[int64]*time.Time, len(muted))
	for i, m := range muted {
		rows[i] = m.AccountCursor
		expiry[m.Cursor] = m.ExpiresAt
	}
	return s.listed(ctx, rows, expiry)
}

// listed batch-loads the accounts of a page, keeping its order.
func (s *Service) listed(ctx context.Context, rows []store.AccountCursor, expiry map[int64]*time.Time) ([]ListedAccount, error) {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.AccountID
	}
	accts, err := s.store.AccountsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]ListedAccount, 0, len(rows))
	for _, r := range rows {
		if a := accts[r.AccountID]; a != nil {
			out = append(out, ListedAccount{Account: a, Cursor: r.Cursor, MuteExpiresAt: expiry[r.Cursor]})
		}
	}
	return out, nil
}
