package store

import (
	"context"

	"herd/internal/model"
)

// SavedStatus is one row of an account's bookmarks or favourites: its own
// id (the list's cursor, as Mastodon pages these lists) and the status.
type SavedStatus struct {
	ID       int64
	StatusID int64
}

// BookmarksPage lists a page of an account's bookmarks, newest first.
func (s *Store) BookmarksPage(ctx context.Context, accountID int64, p model.Page) ([]SavedStatus, error) {
	return s.savedPage(ctx, "bookmarks", accountID, p)
}

// FavouritesPage lists a page of an account's favourites, newest first.
func (s *Store) FavouritesPage(ctx context.Context, accountID int64, p model.Page) ([]SavedStatus, error) {
	return s.savedPage(ctx, "favourites", accountID, p)
}

func (s *Store) savedPage(ctx context.Context, table string, accountID int64, p model.Page) ([]SavedStatus, error) {
	q, args, order := pageQuery(p, "id, status_id", table, "id", []string{"account_id = $1"}, []any{accountID})
	rows, err := s.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SavedStatus
	for rows.Next() {
		var r SavedStatus
		if err := rows.Scan(&r.ID, &r.StatusID); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	reverseIfAsc(order, out)
	return out, rows.Err()
}
