package core

import (
	"context"
	"errors"
	"time"

	"herd/internal/core/fault"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
)

// interactionTarget loads a status the viewer may see for an interaction;
// interacting with a boost acts on the boosted status, as Mastodon does.
func (c *Core) interactionTarget(ctx context.Context, v *model.Viewer, id int64) (*model.Status, error) {
	st, err := c.VisibleStatus(ctx, v.AccountID(), id)
	if err != nil {
		return nil, err
	}
	if st.ReblogOfID != 0 {
		return c.VisibleStatus(ctx, v.AccountID(), st.ReblogOfID)
	}
	return st, nil
}

// afterWrite renders the status acted on for the viewer.
func (c *Core) afterWrite(ctx context.Context, v *model.Viewer, id int64) (*model.StatusView, error) {
	st, err := c.store.StatusByID(ctx, id)
	if err != nil {
		return nil, fault.NotFoundOr(err)
	}
	return c.StatusView(ctx, v.AccountID(), st)
}

// Favourite favourites a status once (a repeat is a no-op), counting it in
// SQL and notifying the author.
func (c *Core) Favourite(ctx context.Context, v *model.Viewer, id int64) (*model.StatusView, error) {
	st, err := c.interactionTarget(ctx, v, id)
	if err != nil {
		return nil, err
	}
	err = c.store.InTx(ctx, func(tx *store.Store) error {
		inserted, err := tx.InsertFavourite(ctx, v.AccountID(), st.ID)
		if err != nil || !inserted {
			return err
		}
		if err := tx.AddStatusCounts(ctx, st.ID, 0, 0, 1); err != nil {
			return err
		}
		author, err := tx.AccountByID(ctx, st.AccountID)
		if err != nil {
			return fault.NotFoundOr(err)
		}
		if err := c.Notifications.Notify(ctx, tx, author, v.AccountID(), model.NotifyFavourite, st); err != nil {
			return err
		}
		if author.Local() {
			return nil
		}
		favID, err := tx.FavouriteID(ctx, v.AccountID(), st.ID)
		if err != nil {
			return err
		}
		return c.queueDelivery(ctx, tx, v.Account, Delivery{Kind: "Like", ObjectID: favID, TargetID: author.ID, URI: st.URI})
	})
	if err != nil {
		return nil, err
	}
	c.wakeJobs()
	return c.afterWrite(ctx, v, st.ID)
}

// Unfavourite takes a favourite back, with its notification.
func (c *Core) Unfavourite(ctx context.Context, v *model.Viewer, id int64) (*model.StatusView, error) {
	st, err := c.interactionTarget(ctx, v, id)
	if err != nil {
		return nil, err
	}
	err = c.store.InTx(ctx, func(tx *store.Store) error {
		var favID int64
		if !st.Local { // the Undo names the Like by the row about to go
			id, err := tx.FavouriteID(ctx, v.AccountID(), st.ID)
			if errors.Is(err, model.ErrNotFound) {
				return nil
			} else if err != nil {
				return err
			}
			favID = id
		}
		deleted, err := tx.DeleteFavourite(ctx, v.AccountID(), st.ID)
		if err != nil || !deleted {
			return err
		}
		if err := tx.AddStatusCounts(ctx, st.ID, 0, 0, -1); err != nil {
			return err
		}
		if err := tx.DeleteNotificationsAbout(ctx, st.AccountID, v.AccountID(), model.NotifyFavourite, st.ID); err != nil {
			return err
		}
		if st.Local {
			return nil
		}
		return c.queueDelivery(ctx, tx, v.Account, Delivery{Kind: "Undo:Like", ObjectID: favID, TargetID: st.AccountID, URI: st.URI})
	})
	if err != nil {
		return nil, err
	}
	c.wakeJobs()
	return c.afterWrite(ctx, v, st.ID)
}

// Reblog boosts a status and returns the boost. As Mastodon's
// StatusPolicy#reblog?: direct posts and others' followers-only posts
// cannot be boosted (403); boosting twice returns the existing boost. A
// boost of one's own followers-only post stays followers-only; otherwise
// its visibility is the one asked (public, unlisted or private) or the
// booster's default.
func (c *Core) Reblog(ctx context.Context, v *model.Viewer, id int64, visibility model.Visibility) (*model.StatusView, error) {
	orig, err := c.interactionTarget(ctx, v, id)
	if err != nil {
		return nil, err
	}
	me := v.AccountID()
	if orig.Visibility == model.Direct || (orig.Visibility == model.Private && orig.AccountID != me) {
		return nil, fault.Forbidden("This action is not allowed")
	}
	if existing, err := c.store.ReblogBy(ctx, me, orig.ID); err == nil {
		return c.StatusView(ctx, me, existing)
	} else if !errors.Is(err, model.ErrNotFound) {
		return nil, err
	}
	if visibility == "" && v.User != nil {
		visibility = v.User.DefaultPrivacy
	}
	switch visibility {
	case model.Public, model.Unlisted, model.Private:
	case "", model.Direct:
		visibility = model.Public
	default:
		return nil, fault.Unprocessable("Validation failed: Visibility is not included in the list")
	}
	if orig.Visibility == model.Private {
		visibility = model.Private
	}
	author := v.Account
	boost := &model.Status{ID: ids.New(), AccountID: me, Local: true, Visibility: visibility, ReblogOfID: orig.ID,
		ConversationID: orig.ConversationID, CreatedAt: time.Now()}
	boost.URI = c.StatusURI(author.Username, boost.ID) + "/activity"
	err = c.store.InTx(ctx, func(tx *store.Store) error {
		if _, err := c.recordStatus(ctx, tx, boost, nil, nil, nil); err != nil {
			return err
		}
		origAuthor, err := tx.AccountByID(ctx, orig.AccountID)
		if err != nil {
			return fault.NotFoundOr(err)
		}
		if err := c.Notifications.Notify(ctx, tx, origAuthor, me, model.NotifyReblog, boost); err != nil {
			return err
		}
		return c.queueDelivery(ctx, tx, author, announceDelivery(boost, orig, false))
	})
	if errors.Is(err, store.ErrDuplicate) {
		// A concurrent request boosted it first (statuses_one_boost): answer
		// with that boost, as a repeated request would get.
		existing, lerr := c.store.ReblogBy(ctx, me, orig.ID)
		if lerr != nil {
			return nil, lerr
		}
		return c.StatusView(ctx, me, existing)
	}
	if err != nil {
		return nil, err
	}
	c.wakeJobs()
	return c.StatusView(ctx, me, boost)
}

// Unreblog removes the viewer's boost of a status, if any, and returns the
// boosted status.
func (c *Core) Unreblog(ctx context.Context, v *model.Viewer, id int64) (*model.StatusView, error) {
	orig, err := c.interactionTarget(ctx, v, id)
	if err != nil {
		return nil, err
	}
	boost, err := c.store.ReblogBy(ctx, v.AccountID(), orig.ID)
	switch {
	case err == nil:
		err := c.store.InTx(ctx, func(tx *store.Store) error {
			if err := c.removeStatus(ctx, tx, boost); err != nil {
				return err
			}
			return c.queueDelivery(ctx, tx, v.Account, announceDelivery(boost, orig, true))
		})
		if err != nil {
			return nil, err
		}
		c.wakeJobs()
	case !errors.Is(err, model.ErrNotFound):
		return nil, err
	}
	return c.afterWrite(ctx, v, orig.ID)
}

// Bookmark saves a status to the viewer's bookmarks (idempotent).
func (c *Core) Bookmark(ctx context.Context, v *model.Viewer, id int64) (*model.StatusView, error) {
	return c.simpleFlag(ctx, v, id, func(tx *store.Store, st *model.Status) error {
		return tx.InsertBookmark(ctx, v.AccountID(), st.ID)
	})
}

// Unbookmark removes a bookmark.
func (c *Core) Unbookmark(ctx context.Context, v *model.Viewer, id int64) (*model.StatusView, error) {
	return c.simpleFlag(ctx, v, id, func(tx *store.Store, st *model.Status) error {
		return tx.DeleteBookmark(ctx, v.AccountID(), st.ID)
	})
}

// MuteConversation stops notifications from a status's thread.
func (c *Core) MuteConversation(ctx context.Context, v *model.Viewer, id int64) (*model.StatusView, error) {
	return c.simpleFlag(ctx, v, id, func(tx *store.Store, st *model.Status) error {
		return tx.MuteConversation(ctx, v.AccountID(), conversationOf(st))
	})
}

// UnmuteConversation lets a thread notify again.
func (c *Core) UnmuteConversation(ctx context.Context, v *model.Viewer, id int64) (*model.StatusView, error) {
	return c.simpleFlag(ctx, v, id, func(tx *store.Store, st *model.Status) error {
		return tx.UnmuteConversation(ctx, v.AccountID(), conversationOf(st))
	})
}

func conversationOf(st *model.Status) int64 {
	if st.ConversationID != 0 {
		return st.ConversationID
	}
	return st.ID
}

func (c *Core) simpleFlag(ctx context.Context, v *model.Viewer, id int64, fn func(tx *store.Store, st *model.Status) error) (*model.StatusView, error) {
	st, err := c.interactionTarget(ctx, v, id)
	if err != nil {
		return nil, err
	}
	if err := c.store.InTx(ctx, func(tx *store.Store) error { return fn(tx, st) }); err != nil {
		return nil, err
	}
	return c.afterWrite(ctx, v, st.ID)
}
