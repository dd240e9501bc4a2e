package store

import (
	"context"
	"time"

	"herd/internal/model"
)

// InsertBlock records that accountID blocks targetID; blocking twice is a
// no-op.
func (s *Store) InsertBlock(ctx context.Context, id, accountID, targetID int64, at time.Time) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO blocks (id, account_id, target_account_id, created_at)
		VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING`, id, accountID, targetID, ms(at))
	return s.changedIfOK(ctx, err, accountID, targetID)
}

// DeleteBlock lifts a block.
func (s *Store) DeleteBlock(ctx context.Context, accountID, targetID int64) error {
	_, err := s.q.ExecContext(ctx, "DELETE FROM blocks WHERE account_id = $1 AND target_account_id = $2", accountID, targetID)
	return s.changedIfOK(ctx, err, accountID, targetID)
}

// BlockedEitherWay reports whether a and b block each other in either
// direction.
func (s *Store) BlockedEitherWay(ctx context.Context, a, b int64) (bool, error) {
	var n int
	err := s.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM blocks
		WHERE (account_id = $1 AND target_account_id = $2) OR (account_id = $2 AND target_account_id = $1)`, a, b).Scan(&n)
	return n > 0, err
}

// BlocksPage pages the accounts accountID blocks, newest block first.
func (s *Store) BlocksPage(ctx context.Context, accountID int64, p model.Page) ([]AccountCursor, error) {
	return s.pageAccounts(ctx, "blocks", "target_account_id", "account_id", accountID, ListFilter{}, p)
}

// DeleteNotificationsFrom removes every notification one account caused
// another (a block clears them, as Mastodon's AfterBlockService does).
func (s *Store) DeleteNotificationsFrom(ctx context.Context, recipientID, fromID int64) error {
	_, err := s.q.ExecContext(ctx, "DELETE FROM notifications WHERE account_id = $1 AND from_account_id = $2",
		recipientID, fromID)
	return err
}
