package timelines

import (
	"context"

	"herd/internal/model"
	"herd/internal/store"
)

// SavedStatusPage is a page of bookmarked or favourited statuses with the
// page's cursors, which are bookmark or favourite ids, not status ids
// (Mastodon pages these lists by the row it saved).
type SavedStatusPage struct {
	Statuses       []*model.StatusView
	Newest, Oldest int64
}

// Bookmarks lists a page of the viewer's bookmarks, newest first.
func (s *Service) Bookmarks(ctx context.Context, v *model.Viewer, p model.Page) (*SavedStatusPage, error) {
	rows, err := s.store.BookmarksPage(ctx, v.AccountID(), p)
	if err != nil {
		return nil, err
	}
	return s.savedStatuses(ctx, v.AccountID(), rows)
}

// Favourites lists a page of the viewer's favourites, newest first.
func (s *Service) Favourites(ctx context.Context, v *model.Viewer, p model.Page) (*SavedStatusPage, error) {
	rows, err := s.store.FavouritesPage(ctx, v.AccountID(), p)
	if err != nil {
		return nil, err
	}
	return s.savedStatuses(ctx, v.AccountID(), rows)
}

// savedStatuses hydrates the statuses of saved rows in order, leaving out
// those the viewer can no longer see (deleted, now private to them, or by
// someone in a block with them).
func (s *Service) savedStatuses(ctx context.Context, viewerID int64, rows []store.SavedStatus) (*SavedStatusPage, error) {
	page := &SavedStatusPage{}
	if len(rows) == 0 {
		return page, nil
	}
	page.Newest, page.Oldest = rows[0].ID, rows[len(rows)-1].ID
	statusIDs := make([]int64, 0, len(rows))
	for _, r := range rows {
		statusIDs = append(statusIDs, r.StatusID)
	}
	byID, err := s.store.StatusesByIDs(ctx, statusIDs)
	if err != nil {
		return nil, err
	}
	ordered := make([]*model.Status, 0, len(rows))
	for _, id := range statusIDs {
		if st := byID[id]; st != nil {
			ordered = append(ordered, st)
		}
	}
	page.Statuses, err = s.threadViews(ctx, viewerID, ordered)
	return page, err
}
