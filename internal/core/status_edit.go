package core

import (
	"context"
	"slices"
	"strings"
	"time"

	"herd/internal/core/fault"
	"herd/internal/core/files"
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
	// MediaIDs are the status's attachments after the edit, in order;
	// none removes them all, as in Mastodon.
	MediaIDs []string
	// MediaAttributes change attachments' alt text and focal point.
	MediaAttributes []MediaAttribute
	Poll            bool
}

// MediaAttribute is one media_attributes[] entry of an edit: nil fields
// keep their value.
type MediaAttribute struct {
	ID                 string
	Description, Focus *string
}

// ownStatus loads one of the viewer's own statuses (not a boost); others'
// statuses are a 404, as Mastodon scopes these lookups to the author.
func (c *Core) ownStatus(ctx context.Context, v *model.Viewer, id int64) (*model.Status, error) {
	st, err := c.store.StatusByID(ctx, id)
	if err != nil {
		return nil, fault.NotFoundOr(err)
	}
	if st.AccountID != v.AccountID() {
		return nil, fault.ErrRecordNotFound
	}
	return st, nil
}

// EditStatus changes a status's text, content warning, sensitivity and
// language. As Mastodon, the first edit also stores the original version,
// so the history holds every version including the current one; accounts
// that boosted the status get an `update` notification.
func (c *Core) EditStatus(ctx context.Context, v *model.Viewer, id int64, req StatusEditRequest) (*model.Status, error) {
	st, err := c.ownStatus(ctx, v, id)
	if err != nil {
		return nil, err
	}
	if st.ReblogOfID != 0 {
		return nil, fault.ErrRecordNotFound
	}
	if req.Poll {
		return nil, fault.Unprocessable("Polls are not supported yet")
	}
	attachments, err := c.Files.StatusMedia(ctx, st.AccountID, st.ID, req.MediaIDs)
	if err != nil {
		return nil, err
	}
	before, err := c.currentMediaIDs(ctx, st)
	if err != nil {
		return nil, err
	}
	mediaChanged := !slices.Equal(before, files.MediaIDs(attachments))
	describedMedia, err := applyMediaAttributes(attachments, req.MediaAttributes)
	if err != nil {
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
	next.HasMedia = len(attachments) > 0
	if err := c.validateText(next.Text, next.SpoilerText, next.HasMedia); err != nil {
		return nil, err
	}
	r, err := c.renderText(ctx, next.Text)
	if err != nil {
		return nil, err
	}
	next.Content = r.html
	changed := next.Text != st.Text || next.SpoilerText != st.SpoilerText || next.Sensitive != st.Sensitive ||
		mediaChanged || len(describedMedia) > 0
	now := time.Now()
	if changed {
		next.EditedAt = &now
	}
	err = c.store.InTx(ctx, func(tx *store.Store) error {
		if changed {
			edits, err := tx.StatusEditsOf(ctx, st.ID)
			if err != nil {
				return err
			}
			if len(edits) == 0 {
				if err := tx.InsertStatusEdit(ctx, editOf(st, before, st.CreatedAt)); err != nil {
					return err
				}
			}
			if err := tx.InsertStatusEdit(ctx, editOf(&next, files.MediaIDs(attachments), now)); err != nil {
				return err
			}
		}
		if mediaChanged {
			if err := files.AttachMedia(ctx, tx, &next, attachments); err != nil {
				return err
			}
			if err := tx.DropStatusMediaExcept(ctx, st.ID, files.MediaIDs(attachments)); err != nil {
				return err
			}
		}
		for _, m := range describedMedia {
			if err := tx.UpdateStatusMediaFields(ctx, st.ID, m.ID, m.Description, m.Focus); err != nil {
				return err
			}
		}
		if err := tx.UpdateStatusContent(ctx, &next); err != nil {
			return err
		}
		if err := c.updateMentionsAndTags(ctx, tx, &next, r); err != nil {
			return err
		}
		if err := c.Links.Recard(ctx, tx, &next, r.mentions, "", nil); err != nil {
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

// editOf is a stored version of st with its attachments' ids.
func editOf(st *model.Status, media []int64, at time.Time) *model.StatusEdit {
	return &model.StatusEdit{ID: ids.New(), StatusID: st.ID, AccountID: st.AccountID, Text: st.Text, Content: st.Content,
		SpoilerText: st.SpoilerText, Sensitive: st.Sensitive, MediaIDs: media, CreatedAt: at}
}

// currentMediaIDs lists st's attachments, in order.
func (c *Core) currentMediaIDs(ctx context.Context, st *model.Status) ([]int64, error) {
	if !st.HasMedia {
		return nil, nil
	}
	byStatus, err := c.store.MediaByStatusIDs(ctx, []int64{st.ID})
	if err != nil {
		return nil, err
	}
	return files.MediaIDs(byStatus[st.ID]), nil
}

// applyMediaAttributes sets an edit's new alt texts and focal points on
// the attachments they name (each must be one of the edited status's
// attachments) and answers those it changed.
func applyMediaAttributes(list []*model.MediaAttachment, attrs []MediaAttribute) ([]*model.MediaAttachment, error) {
	var changed []*model.MediaAttachment
	for _, a := range attrs {
		i := slices.IndexFunc(list, func(m *model.MediaAttachment) bool { return ids.Format(m.ID) == a.ID })
		if i < 0 {
			return nil, fault.Unprocessable("Validation failed: Media attachments are invalid")
		}
		m := list[i]
		desc, focus := m.Description, m.Focus
		if a.Description != nil {
			desc = *a.Description
		}
		if a.Focus != nil {
			focus = *a.Focus
		}
		focus, err := files.CheckMediaFields(desc, focus)
		if err != nil {
			return nil, err
		}
		if desc != m.Description || focus != m.Focus {
			m.Description, m.Focus = desc, focus
			if !slices.Contains(changed, m) {
				changed = append(changed, m)
			}
		}
	}
	return changed, nil
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
			if err := c.Notifications.Notify(ctx, tx, m, st.AccountID, model.NotifyMention, st); err != nil {
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
		if err := c.Notifications.Notify(ctx, tx, boosters[id], st.AccountID, model.NotifyUpdate, st); err != nil {
			return err
		}
	}
	return nil
}

// DeleteStatus deletes one of the viewer's statuses and returns it as it
// was, with its source text so a client can redraft it. Boosts of it go
// too; counters, feeds and notifications follow.
func (c *Core) DeleteStatus(ctx context.Context, v *model.Viewer, id int64) (*model.StatusView, error) {
	st, err := c.ownStatus(ctx, v, id)
	if err != nil {
		return nil, err
	}
	view, err := c.StatusView(ctx, v.AccountID(), st)
	if err != nil {
		return nil, err
	}
	err = c.store.InTx(ctx, func(tx *store.Store) error {
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
		} else if err != model.ErrNotFound {
			return err
		}
	}
	if st.HasMedia || st.EditedAt != nil {
		// The uploads go back to their owner, unattached, so a client can
		// redraft with the same media_ids (as Mastodon's delete and
		// redraft); left so, they are pruned a day later. An edited status
		// may hold uploads an edit dropped, kept for its history.
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
	// The payload keeps the visibility: the streams that may have shown
	// the status are found from it once the row is gone.
	return tx.AppendEvent(ctx, store.EventStatusDeleted, st.ID, st.AccountID, string(st.Visibility))
}
