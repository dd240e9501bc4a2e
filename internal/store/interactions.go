package store

import (
	"context"

	"herd/internal/ids"
	"herd/internal/model"
)

// InsertFavourite records a favourite; inserted is false when the account
// had already favourited the status (the unique pair index decides, so
// concurrent requests count once).
func (s *Store) InsertFavourite(ctx context.Context, accountID, statusID int64) (inserted bool, err error) {
	n, err := affected(s.q.ExecContext(ctx, `INSERT INTO favourites (id, account_id, status_id) VALUES ($1,$2,$3)
		ON CONFLICT DO NOTHING`, ids.New(), accountID, statusID))
	if err == nil && n > 0 {
		err = s.viewerChanged(ctx, accountID)
	}
	return n > 0, err
}

// DeleteFavourite removes a favourite; deleted is false when there was none.
func (s *Store) DeleteFavourite(ctx context.Context, accountID, statusID int64) (deleted bool, err error) {
	n, err := affected(s.q.ExecContext(ctx, "DELETE FROM favourites WHERE account_id = $1 AND status_id = $2", accountID, statusID))
	if err == nil && n > 0 {
		err = s.viewerChanged(ctx, accountID)
	}
	return n > 0, err
}

// InsertBookmark records a bookmark (idempotent).
func (s *Store) InsertBookmark(ctx context.Context, accountID, statusID int64) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO bookmarks (id, account_id, status_id) VALUES ($1,$2,$3)
		ON CONFLICT DO NOTHING`, ids.New(), accountID, statusID)
	return s.changedIfOK(ctx, err, accountID)
}

// DeleteBookmark removes a bookmark, if any.
func (s *Store) DeleteBookmark(ctx context.Context, accountID, statusID int64) error {
	_, err := s.q.ExecContext(ctx, "DELETE FROM bookmarks WHERE account_id = $1 AND status_id = $2", accountID, statusID)
	return s.changedIfOK(ctx, err, accountID)
}

// InsertPin pins a status to its author's profile (idempotent).
func (s *Store) InsertPin(ctx context.Context, accountID, statusID int64) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO pins (id, account_id, status_id) VALUES ($1,$2,$3)
		ON CONFLICT DO NOTHING`, ids.New(), accountID, statusID)
	return s.changedIfOK(ctx, err, accountID)
}

// DeletePin unpins a status, if pinned.
func (s *Store) DeletePin(ctx context.Context, accountID, statusID int64) error {
	_, err := s.q.ExecContext(ctx, "DELETE FROM pins WHERE account_id = $1 AND status_id = $2", accountID, statusID)
	return s.changedIfOK(ctx, err, accountID)
}

// CountPins counts an account's pinned statuses.
func (s *Store) CountPins(ctx context.Context, accountID int64) (int, error) {
	var n int
	err := s.q.QueryRowContext(ctx, "SELECT COUNT(*) FROM pins WHERE account_id = $1", accountID).Scan(&n)
	return n, err
}

// PinnedStatusIDs lists an account's pinned statuses, most recently pinned
// first, as Mastodon shows them on a profile.
func (s *Store) PinnedStatusIDs(ctx context.Context, accountID int64) ([]int64, error) {
	return scanIDs(s.q.QueryContext(ctx, "SELECT status_id FROM pins WHERE account_id = $1 ORDER BY id DESC", accountID))
}

// MuteConversation silences a thread's notifications for an account.
func (s *Store) MuteConversation(ctx context.Context, accountID, conversationID int64) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO conversation_mutes (account_id, conversation_id) VALUES ($1,$2)
		ON CONFLICT DO NOTHING`, accountID, conversationID)
	return s.changedIfOK(ctx, err, accountID)
}

// UnmuteConversation lifts a thread mute.
func (s *Store) UnmuteConversation(ctx context.Context, accountID, conversationID int64) error {
	_, err := s.q.ExecContext(ctx, "DELETE FROM conversation_mutes WHERE account_id = $1 AND conversation_id = $2",
		accountID, conversationID)
	return s.changedIfOK(ctx, err, accountID)
}

// FavouritedByPage pages the accounts that favourited a status, newest
// favourite first, cursored by the favourite's id as Mastodon does.
func (s *Store) FavouritedByPage(ctx context.Context, statusID int64, f ListFilter, p model.Page) ([]AccountCursor, error) {
	return s.pageAccounts(ctx, "favourites", "account_id", "status_id", statusID, f, p)
}

// RebloggedByPage pages the accounts that boosted a status, newest boost
// first, cursored by the boost's id.
func (s *Store) RebloggedByPage(ctx context.Context, statusID int64, f ListFilter, p model.Page) ([]AccountCursor, error) {
	return s.pageAccounts(ctx, "statuses", "account_id", "reblog_of_id", statusID, f, p)
}
