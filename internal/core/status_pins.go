package core

import (
	"context"
	"slices"
	"time"

	"herd/internal/core/fault"
	"herd/internal/model"
	"herd/internal/store"
)

// Pin pins one of the viewer's statuses to their profile. Mastodon's
// StatusPinValidator decides what may be pinned, with its messages.
func (c *Core) Pin(ctx context.Context, v *model.Viewer, id int64) (*model.StatusView, error) {
	st, err := c.VisibleStatus(ctx, v.AccountID(), id)
	if err != nil {
		return nil, err
	}
	switch {
	case st.ReblogOfID != 0:
		return nil, fault.Unprocessable("Validation failed: A boost cannot be pinned")
	case st.AccountID != v.AccountID():
		return nil, fault.Unprocessable("Validation failed: Someone else's post cannot be pinned")
	case st.Visibility == model.Direct:
		return nil, fault.Unprocessable("Validation failed: Posts that are only visible to mentioned users cannot be pinned")
	}
	err = c.store.InTx(ctx, func(tx *store.Store) error {
		pinned, err := tx.PinnedStatusIDs(ctx, v.AccountID())
		if err != nil {
			return err
		}
		for _, p := range pinned {
			if p == st.ID {
				return nil
			}
		}
		if len(pinned) >= c.Config.MaxPinnedStatuses {
			return fault.Unprocessable("Validation failed: You have already pinned the maximum number of posts")
		}
		if err := tx.InsertPin(ctx, v.AccountID(), st.ID); err != nil {
			return err
		}
		// The featured collection changed: followers' servers are told.
		if err := c.queueDelivery(ctx, tx, v.Account, Delivery{Kind: "Add", ObjectID: st.ID, Followers: true}); err != nil {
			return err
		}
		return tx.AppendEvent(ctx, store.EventAccountUpdated, v.AccountID(), v.AccountID(), "pins")
	})
	if err != nil {
		return nil, err
	}
	c.wakeJobs()
	return c.afterWrite(ctx, v, st.ID)
}

// Unpin removes a status from the viewer's profile pins.
func (c *Core) Unpin(ctx context.Context, v *model.Viewer, id int64) (*model.StatusView, error) {
	st, err := c.VisibleStatus(ctx, v.AccountID(), id)
	if err != nil {
		return nil, err
	}
	err = c.store.InTx(ctx, func(tx *store.Store) error {
		pinned, err := tx.PinnedStatusIDs(ctx, v.AccountID())
		if err != nil || !slices.Contains(pinned, st.ID) {
			return err
		}
		if err := tx.DeletePin(ctx, v.AccountID(), st.ID); err != nil {
			return err
		}
		if err := c.queueDelivery(ctx, tx, v.Account, Delivery{Kind: "Remove", ObjectID: st.ID, Followers: true}); err != nil {
			return err
		}
		return tx.AppendEvent(ctx, store.EventAccountUpdated, v.AccountID(), v.AccountID(), "pins")
	})
	if err != nil {
		return nil, err
	}
	c.wakeJobs()
	return c.afterWrite(ctx, v, st.ID)
}

// AccountPage is a page of accounts listed by another row's id (a
// favourite, a boost), with the cursors for the Link header.
type AccountPage struct {
	Accounts           []*model.Account
	NewestID, OldestID int64
}

// FavouritedBy pages the accounts that favourited a visible status,
// leaving out suspended accounts and those the viewer blocks or mutes.
func (c *Core) FavouritedBy(ctx context.Context, v *model.Viewer, id int64, p model.Page) (*AccountPage, error) {
	return c.statusAccounts(ctx, v, id, p, c.store.FavouritedByPage)
}

// RebloggedBy pages the accounts that boosted a visible status.
func (c *Core) RebloggedBy(ctx context.Context, v *model.Viewer, id int64, p model.Page) (*AccountPage, error) {
	return c.statusAccounts(ctx, v, id, p, c.store.RebloggedByPage)
}

func (c *Core) statusAccounts(ctx context.Context, v *model.Viewer, id int64, p model.Page,
	page func(context.Context, int64, store.ListFilter, model.Page) ([]store.AccountCursor, error)) (*AccountPage, error) {
	st, err := c.interactionTarget(ctx, v, id)
	if err != nil {
		return nil, err
	}
	rows, err := page(ctx, st.ID, store.ListFilter{ViewerID: v.AccountID(), Now: time.Now().UnixMilli()}, p)
	if err != nil {
		return nil, err
	}
	out := &AccountPage{Accounts: []*model.Account{}}
	if len(rows) == 0 {
		return out, nil
	}
	out.NewestID, out.OldestID = rows[0].Cursor, rows[len(rows)-1].Cursor
	accountIDs := make([]int64, len(rows))
	for i, r := range rows {
		accountIDs[i] = r.AccountID
	}
	accounts, err := c.store.AccountsByIDs(ctx, accountIDs)
	if err != nil {
		return nil, err
	}
	for _, id := range accountIDs {
		if a := accounts[id]; a != nil {
			out.Accounts = append(out.Accounts, a)
		}
	}
	return out, nil
}
