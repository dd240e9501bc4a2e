package core

import (
	"context"
	"strings"
	"time"

	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
)

// StatusEditRequest is PUT /api/v1/statuses/:id: nil fields keep their value.
type StatusEditRequest struct {
	Text        string
	SpoilerText *string
	Sensitive   *bool
	Language    *string
	MediaIDs    []string
	Poll        bool
}

// ownStatus loads one of the viewer's own statuses (not a boost); others'
// statuses are a 404, as Mastodon scopes these lookups to the author.
func (c *Core) ownStatus(ctx context.Context, v *Viewer, id int64) (*model.Status, error) {
	st, err := c.Store.StatusByID(ctx, id)
	if err != nil {
		return nil, notFoundOr(err)
	}
	if st.AccountID != v.AccountID() {
		return nil, ErrRecordNotFound
	}
	return st, nil
}

// EditStatus changes a status's text, content warning, sensitivity and
// language. As Mastodon, the first edit also stores the original version,
// so the history holds every version including the current one; accounts
// that boosted the status get an `update` notification.
func (c *Core) EditStatus(ctx context.Context, v *Viewer, id int64, req StatusEditRequest) (*model.Status, error) {
	st, err := c.ownStatus(ctx, v, id)
	if err != nil {
		return nil, err
	}
	if st.ReblogOfID != 0 {
		return nil, ErrRecordNotFound
	}
	if req.Poll {
		return nil, ErrUnprocessable("Polls are not supported yet")
	}
	if err := c.checkKeptMedia(ctx, st, req.MediaIDs); err != nil {
		return nil, err
	}
	next := *st
	next.Text = req.Text
	if req.SpoilerText != nil {
		next.SpoilerText = *req.SpoilerText
	}
	if req.Sensitive != nil {
		next.Sensitive = *req.Sensitive
	}
	next.Sensitive = next.Sensitive || strings.TrimSpace(next.SpoilerText) != ""
	if req.Language != nil {
		next.Language = *req.Language
	}
	if err := c.validateText(next.Text, next.SpoilerText, st.HasMedia); err != nil {
		return nil, err
	}
	r, err := c.renderText(ctx, next.Text)
	if err != nil {
		return nil, err
	}
	next.Content = r.html
	changed := next.Text != st.Text || next.SpoilerText != st.SpoilerText || next.Sensitive != st.Sensitive
	now := time.Now()
	if changed {
		next.EditedAt = &now
	}
	err = c.Store.InTx(ctx, func(tx *store.Store) error {
		if changed {
			edits, err := tx.StatusEditsOf(ctx, st.ID)
			if err != nil {
				return err
			}
			if len(edits) == 0 {
				if err := tx.InsertStatusEdit(ctx, editOf(st, st.CreatedAt)); err != nil {
					return err
				}
			}
			if err := tx.InsertStatusEdit(ctx, editOf(&next, now)); err != nil {
				return err
			}
		}
		if err := tx.UpdateStatusContent(ctx, &next); err != nil {
			return err
		}
		if err := c.updateMentionsAndTags(ctx, tx, &next, r); err != nil {
			return err
		}
		if err := c.recard(ctx, tx, &next, r.mentions, "", nil); err != nil {
			return err
		}
		if changed {
			boosts, err := tx.ReblogsOf(ctx, st.ID)
			if err != nil {
				return err
			}
			if err := c.notifyBoosters(ctx, tx, &next, boosts); err != nil {
				return err
			}
		}
		update, err := statusDelivery(ctx, tx, "Update", &next)
		if err != nil {
			return err
		}
		if err := c.queueDelivery(ctx, tx, v.Account, update); err != nil {
			return err
		}
		return tx.AppendEvent(ctx, store.EventStatusUpdated, st.ID, st.AccountID, "")
	})
	if err != nil {
		return nil, err
	}
	c.wakeJobs()
	c.forgetStatus(st.ID) // this node serves the edit at once, not after the next event poll
	return &next, nil
}

func editOf(st *model.Status, at time.Time) *model.StatusEdit {
	return &model.StatusEdit{ID: ids.New(), StatusID: st.ID, AccountID: st.AccountID, Text: st.Text, Content: st.Content,
		SpoilerText: st.SpoilerText, Sensitive: st.Sensitive, CreatedAt: at}
}

// updateMentionsAndTags records new mentions (notifying the newly
// mentioned) and replaces the tags after an edit.
func (c *Core) updateMentionsAndTags(ctx context.Context, tx *store.Store, st *model.Status, r *renderedText) error {
	old, err := tx.MentionsByStatusIDs(ctx, []int64{st.ID})
	if err != nil {
		return err
	}
	had := map[int64]bool{}
	for _, id := range old[st.ID] {
		had[id] = true
	}
	var added []int64
	for _, m := range r.mentions {
		if !had[m.ID] {
			added = append(added, m.ID)
			if err := c.notify(ctx, tx, m, st.AccountID, model.NotifyMention, st); err != nil {
				return err
			}
		}
	}
	if err := tx.AddMentions(ctx, st.ID, added); err != nil {
		return err
	}
	var tagIDs []int64
	if len(r.tags) > 0 {
		byName, err := tx.UpsertTags(ctx, r.tags, time.Now())
		if err != nil {
			return err
		}
		for _, t := range byName {
			tagIDs = append(tagIDs, t.ID)
		}
	}
	return tx.SetStatusTags(ctx, st.ID, tagIDs)
}

func (c *Core) notifyBoosters(ctx context.Context, tx *store.Store, st *model.Status, boosts []*model.Status) error {
	if len(boosts) == 0 {
		return nil
	}
	boosterIDs := make([]int64, len(boosts))
	for i, b := range boosts {
		boosterIDs[i] = b.AccountID
	}
	boosters, err := tx.AccountsByIDs(ctx, boosterIDs)
	if err != nil {
		return err
	}
	for _, id := range boosterIDs {
		if err := c.notify(ctx, tx, boosters[id], st.AccountID, model.NotifyUpdate, st); err != nil {
			return err
		}
	}
	return nil
}

// DeleteStatus deletes one of the viewer's statuses and returns it as it
// was, with its source text so a client can redraft it. Boosts of it go
// too; counters, feeds and notifications follow.
func (c *Core) DeleteStatus(ctx context.Context, v *Viewer, id int64) (*StatusView, error) {
	st, err := c.ownStatus(ctx, v, id)
	if err != nil {
		return nil, err
	}
	view, err := c.StatusView(ctx, v.AccountID(), st)
	if err != nil {
		return nil, err
	}
	err = c.Store.InTx(ctx, func(tx *store.Store) error {
		// Who must hear of it is read before the rows that tell are gone.
		tell, err := c.deletionDelivery(ctx, tx, st)
		if err != nil {
			return err
		}
		// Local boosts go without an Undo of their own, as Mastodon's
		// RemoveStatusService with original_removed: the Delete says it.
		boosts, err := tx.ReblogsOf(ctx, st.ID)
		if err != nil {
			return err
		}
		for _, b := range boosts {
			if err := c.removeStatus(ctx, tx, b); err != nil {
				return err
			}
		}
		if err := c.removeStatus(ctx, tx, st); err != nil {
			return err
		}
		return c.queueDelivery(ctx, tx, v.Account, tell)
	})
	if err == nil {
		c.forgetStatus(st.ID)
		c.wakeJobs()
	}
	return view, err
}

// removeStatus deletes one status row with what hangs off it and undoes
// its counters; for a boost, the reblog notification goes too.
func (c *Core) removeStatus(ctx context.Context, tx *store.Store, st *model.Status) error {
	if st.ReblogOfID != 0 {
		orig, err := tx.StatusByID(ctx, st.ReblogOfID)
		if err == nil {
			if err := tx.DeleteNotificationsAbout(ctx, orig.AccountID, st.AccountID, model.NotifyReblog, st.ID); err != nil {
				return err
			}
			if err := tx.DeleteNotificationsAbout(ctx, orig.AccountID, st.AccountID, model.NotifyReblog, orig.ID); err != nil {
				return err
			}
		} else if err != store.ErrNotFound {
			return err
		}
	}
	if st.HasMedia {
		// The uploads go back to their owner, unattached, so a client can
		// redraft with the same media_ids (as Mastodon's delete and
		// redraft); left so, they are pruned a day later.
		if err := tx.DetachMedia(ctx, st.ID, time.Now()); err != nil {
			return err
		}
	}
	if err := tx.DeleteStatusRow(ctx, st.ID); err != nil {
		return err
	}
	if st.ReblogOfID != 0 { // the booster's "reblogged" flag on the original
		if err := tx.ViewerChanged(ctx, st.AccountID); err != nil {
			return err
		}
	}
	if err := tx.DeleteFeedRowsOf(ctx, st.ID); err != nil {
		return err
	}
	if _, err := c.countStatus(ctx, tx, st, -1); err != nil {
		return err
	}
	return tx.AppendEvent(ctx, store.EventStatusDeleted, st.ID, st.AccountID, "")
}

// checkKeptMedia accepts an edit's media_ids when they are the status's
// attachments as they are (apps send them back with every edit); adding,
// removing or replacing attachments is not supported yet (422).
func (c *Core) checkKeptMedia(ctx context.Context, st *model.Status, raw []string) error {
	if len(raw) == 0 && !st.HasMedia {
		return nil
	}
	current := map[int64]*model.MediaAttachment{}
	if st.HasMedia {
		byStatus, err := c.Store.MediaByStatusIDs(ctx, []int64{st.ID})
		if err != nil {
			return err
		}
		for _, m := range byStatus[st.ID] {
			current[m.ID] = m
		}
	}
	if len(raw) == 0 {
		// Mastodon removes all media when media_ids is absent from an
		// edit; Herd keeps them until it can change attachments.
		return nil
	}
	same := len(raw) == len(current)
	for _, s := range raw {
		id, ok := ids.Parse(s)
		if !ok || current[id] == nil {
			same = false
		}
	}
	if !same {
		return ErrUnprocessable("Changing a status's media attachments is not supported yet")
	}
	return nil
}
