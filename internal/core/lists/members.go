package lists

import (
	"context"
	"time"

	"herd/internal/core/fault"
	"herd/internal/core/social"
	"herd/internal/model"
	"herd/internal/store"
)

// Accounts pages the members of one of the viewer's lists by account id,
// newest first, leaving out suspended accounts; all asks for every member
// at once (Mastodon's limit=0).
func (s *Service) Accounts(ctx context.Context, v *model.Viewer, id int64, p model.Page, all bool) ([]social.ListedAccount, error) {
	l, err := owned(ctx, s.store, v, id)
	if err != nil {
		return nil, err
	}
	rows, err := s.store.ListAccountsPage(ctx, l.ID, p, all)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.AccountID
	}
	accts, err := s.store.AccountsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]social.ListedAccount, 0, len(rows))
	for _, r := range rows {
		if a := accts[r.AccountID]; a != nil {
			out = append(out, social.ListedAccount{Account: a, Cursor: r.Cursor})
		}
	}
	return out, nil
}

// AddAccounts puts accounts in one of the viewer's lists, all or none:
// each must exist (404 otherwise) and be the viewer or an account the
// viewer follows or asked to follow, and not be in the list already (422
// with Mastodon's messages). Their latest statuses join the list's feed;
// an exclusive list takes them out of the home feed.
func (s *Service) AddAccounts(ctx context.Context, v *model.Viewer, id int64, accountIDs []int64) error {
	now := time.Now().UnixMilli()
	return s.store.InTx(ctx, func(tx *store.Store) error {
		l, err := owned(ctx, tx, v, id)
		if err != nil {
			return err
		}
		for _, m := range accountIDs {
			if _, err := social.TargetAccount(ctx, tx, m); err != nil {
				return err
			}
			if m != l.AccountID {
				ok, err := tx.FollowsOrRequested(ctx, l.AccountID, m)
				if err != nil {
					return err
				}
				if !ok {
					return fault.Unprocessable("Validation failed: Account must be a followed account")
				}
			}
			added, err := tx.AddListAccount(ctx, l.ID, m)
			if err != nil {
				return err
			}
			if !added {
				return fault.Unprocessable("Validation failed: Account is already on the list")
			}
			if err := tx.BackfillListFeed(ctx, l.ID, m, rebuildPerMember, now); err != nil {
				return err
			}
			if l.Exclusive {
				if err := homeFeedFor(ctx, tx, l.AccountID, m, true); err != nil {
					return err
				}
			}
		}
		return tx.TrimListFeeds(ctx, []int64{l.ID}, feedKeep)
	})
}

// RemoveAccounts takes accounts out of one of the viewer's lists, with
// their statuses from its feed; ids not in the list are ignored, as
// Mastodon's destroy_all. Members of an exclusive list come back home.
func (s *Service) RemoveAccounts(ctx context.Context, v *model.Viewer, id int64, accountIDs []int64) error {
	return s.store.InTx(ctx, func(tx *store.Store) error {
		l, err := owned(ctx, tx, v, id)
		if err != nil {
			return err
		}
		for _, m := range accountIDs {
			if err := tx.RemoveListAccount(ctx, l.ID, m); err != nil {
				return err
			}
			if l.Exclusive {
				if err := homeFeedFor(ctx, tx, l.AccountID, m, false); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// ListsWith returns the viewer's lists that hold an account (none for a
// suspended account; 404 for one that does not exist), Mastodon's
// GET /api/v1/accounts/:id/lists.
func (s *Service) ListsWith(ctx context.Context, v *model.Viewer, accountID int64) ([]*model.List, error) {
	a, err := social.TargetAccount(ctx, s.store, accountID)
	if err != nil {
		return nil, err
	}
	if a.Suspended() {
		return []*model.List{}, nil
	}
	return s.store.ListsContaining(ctx, v.AccountID(), a.ID)
}
