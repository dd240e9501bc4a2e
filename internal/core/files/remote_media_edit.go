package files

import (
	"context"

	"herd/internal/model"
	"herd/internal/store"
)

// CurrentMedia lists st's attachments, in order.
func (s *Service) CurrentMedia(ctx context.Context, st *model.Status) ([]*model.MediaAttachment, error) {
	if !st.HasMedia {
		return nil, nil
	}
	byStatus, err := s.store.MediaByStatusIDs(ctx, []int64{st.ID})
	if err != nil {
		return nil, err
	}
	return byStatus[st.ID], nil
}

// RemoteMediaEdit matches the attachments of an edited remote Note with
// the status's current ones, as Mastodon's ProcessStatusUpdateService: a
// file at the same remote URL is the same attachment (kept, with its
// cached files; a new alt text or focal point is taken and it is listed
// in described), any other is new (listed in added, fetched by the job).
// It answers the attachments after the edit, in the Note's order.
func (s *Service) RemoteMediaEdit(ctx context.Context, actor *model.Account, before []*model.MediaAttachment,
	list []RemoteMedia) (after, added, described []*model.MediaAttachment) {
	byURL := map[string]*model.MediaAttachment{}
	for _, m := range before {
		if _, seen := byURL[m.RemoteURL]; !seen && m.RemoteURL != "" {
			byURL[m.RemoteURL] = m
		}
	}
	for _, m := range s.RemoteAttachments(ctx, actor, list) {
		old, ok := byURL[m.RemoteURL]
		if !ok {
			after, added = append(after, m), append(added, m)
			continue
		}
		delete(byURL, m.RemoteURL) // the same file twice is two attachments
		if old.Description != m.Description || (m.Focus != "" && old.Focus != m.Focus) {
			kept := *old
			kept.Description = m.Description
			if m.Focus != "" {
				kept.Focus = m.Focus
			}
			old = &kept
			described = append(described, old)
		}
		after = append(after, old)
	}
	return after, added, described
}

// ApplyRemoteMediaEdit writes RemoteMediaEdit's answer inside the edit's
// transaction: new attachments stored and queued for fetching, the list
// put in order, dropped ones taken out of the status (they stay for the
// edit history, files and all, until pruned) and new alt texts set.
func (s *Service) ApplyRemoteMediaEdit(ctx context.Context, tx *store.Store, st *model.Status,
	after, added, described []*model.MediaAttachment, changed bool) error {
	fetch := false
	for _, m := range added {
		m.StatusID = st.ID
		if err := tx.InsertMedia(ctx, m); err != nil {
			return err
		}
		fetch = fetch || fetchable(m)
	}
	if changed {
		if err := AttachMedia(ctx, tx, st, after); err != nil {
			return err
		}
		if err := tx.DropStatusMediaExcept(ctx, st.ID, MediaIDs(after)); err != nil {
			return err
		}
	}
	for _, m := range described {
		if err := tx.UpdateStatusMediaFields(ctx, st.ID, m.ID, m.Description, m.Focus); err != nil {
			return err
		}
	}
	if fetch {
		return s.queueStatusMedia(ctx, tx, st.ID)
	}
	return nil
}
