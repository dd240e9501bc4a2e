package store

import (
	"context"

	"herd/internal/model"
)

// InsertNotification stores a notification.
func (s *Store) InsertNotification(ctx context.Context, n *model.Notification) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO notifications (id, account_id, from_account_id, type, status_id,
		group_key, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
		n.ID, n.AccountID, n.FromAccountID, n.Type, nullID(n.StatusID), n.GroupKey, ms(n.CreatedAt))
	return err
}

// NotificationMuted reports whether recipient should not hear from sender:
// recipient blocks sender, or mutes them with notifications hidden.
func (s *Store) NotificationMuted(ctx context.Context, recipientID, senderID int64, now int64) (bool, error) {
	var n int
	err := s.q.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM blocks WHERE account_id = $1 AND target_account_id = $2) +
		(SELECT COUNT(*) FROM mutes WHERE account_id = $1 AND target_account_id = $2 AND hide_notifications
			AND (expires_at IS NULL OR expires_at > $3))`, recipientID, senderID, now).Scan(&n)
	return n > 0, err
}

// ConversationMuted reports whether an account muted a thread.
func (s *Store) ConversationMuted(ctx context.Context, accountID, conversationID int64) (bool, error) {
	var n int
	err := s.q.QueryRowContext(ctx, "SELECT COUNT(*) FROM conversation_mutes WHERE account_id = $1 AND conversation_id = $2",
		accountID, conversationID).Scan(&n)
	return n > 0, err
}

// DeleteNotificationsAbout removes the notifications one account caused
// another about a status (an unfavourite or unboost takes its notice back).
func (s *Store) DeleteNotificationsAbout(ctx context.Context, recipientID, fromID int64, typ string, statusID int64) error {
	_, err := s.q.ExecContext(ctx, `DELETE FROM notifications WHERE account_id = $1 AND from_account_id = $2
		AND type = $3 AND (status_id = $4 OR ($4 = 0 AND status_id IS NULL))`, recipientID, fromID, typ, statusID)
	return err
}
