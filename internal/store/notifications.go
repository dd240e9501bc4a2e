package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"herd/internal/model"
)

const notificationCols = "n.id, n.account_id, n.from_account_id, n.type, n.status_id, n.group_key, n.created_at"

func scanNotification(row interface{ Scan(...any) error }) (*model.Notification, error) {
	var n model.Notification
	var status sql.NullInt64
	var created int64
	if err := row.Scan(&n.ID, &n.AccountID, &n.FromAccountID, &n.Type, &status, &n.GroupKey, &created); err != nil {
		return nil, notFound(err)
	}
	n.StatusID = status.Int64
	n.CreatedAt = fromMS(created)
	return &n, nil
}

func scanNotifications(rows *sql.Rows, err error) ([]*model.Notification, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*model.Notification
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// InsertNotification stores a notification.
func (s *Store) InsertNotification(ctx context.Context, n *model.Notification) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO notifications (id, account_id, from_account_id, type, status_id,
		group_key, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
		n.ID, n.AccountID, n.FromAccountID, n.Type, nullID(n.StatusID), n.GroupKey, ms(n.CreatedAt))
	return err
}

// NotificationMuted reports whether recipient should not hear from sender:
// recipient blocks sender, or mutes them with notifications hidden, or
// sender is silenced (by a domain block) and recipient does not follow
// them, as Mastodon filters notifications from limited accounts.
func (s *Store) NotificationMuted(ctx context.Context, recipientID, senderID int64, now int64) (bool, error) {
	var n int
	err := s.q.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM blocks WHERE account_id = $1 AND target_account_id = $2) +
		(SELECT COUNT(*) FROM mutes WHERE account_id = $1 AND target_account_id = $2 AND hide_notifications
			AND (expires_at IS NULL OR expires_at > $3)) +
		(SELECT COUNT(*) FROM accounts WHERE id = $2 AND silenced_at IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM follows WHERE account_id = $1 AND target_account_id = $2))`,
		recipientID, senderID, now).Scan(&n)
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

// LatestGroupKey returns the key of the recipient's newest notification of
// type typ whose group key starts with prefix + "-", created after since,
// or "" when there is none; notify uses it to keep adding to a recent group.
func (s *Store) LatestGroupKey(ctx context.Context, recipientID int64, typ, prefix string, since time.Time) (string, error) {
	var key string
	err := s.q.QueryRowContext(ctx, `SELECT group_key FROM notifications WHERE account_id = $1 AND type = $2
		AND group_key LIKE $3 ESCAPE '\' AND created_at > $4 ORDER BY id DESC LIMIT 1`,
		recipientID, typ, escapeLike(prefix)+"-%", ms(since)).Scan(&key)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return key, err
}

// NotificationFilter narrows the notifications a list shows.
type NotificationFilter struct {
	Types         []string // nil: every type; empty: none
	FromAccountID int64    // 0: any sender
}

// visibleNotifications builds the conditions shared by every read of an
// account's notifications, on table alias t: the recipient's, of the
// filter's types and sender, and not from an account the recipient blocks,
// mutes with notifications hidden, or that is suspended. Hiding at read
// time means a later block or mute also hides what came before it.
func visibleNotifications(t string, recipientID int64, f NotificationFilter, args []any) ([]string, []any) {
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	conds := []string{
		t + ".account_id = " + arg(recipientID),
		"NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = " + t + ".account_id AND b.target_account_id = " + t + ".from_account_id)",
		"NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = " + t + ".account_id AND m.target_account_id = " + t +
			".from_account_id AND m.hide_notifications AND (m.expires_at IS NULL OR m.expires_at > " + arg(ms(time.Now())) + "))",
		"NOT EXISTS (SELECT 1 FROM accounts sa WHERE sa.id = " + t + ".from_account_id AND sa.suspended_at IS NOT NULL)",
	}
	if f.Types != nil {
		if len(f.Types) == 0 {
			conds = append(conds, "1 = 0")
		} else {
			var in string
			in, args = stringsIn(args, f.Types)
			conds = append(conds, t+".type IN "+in)
		}
	}
	if f.FromAccountID != 0 {
		conds = append(conds, t+".from_account_id = "+arg(f.FromAccountID))
	}
	return conds, args
}

// stringsIn appends vals to args and returns "($n,…)" naming them.
func stringsIn(args []any, vals []string) (string, []any) {
	ph := make([]string, len(vals))
	for i, v := range vals {
		args = append(args, v)
		ph[i] = fmt.Sprintf("$%d", len(args))
	}
	return "(" + strings.Join(ph, ",") + ")", args
}

// NotificationsPage lists a page of an account's notifications, newest
// first.
func (s *Store) NotificationsPage(ctx context.Context, recipientID int64, f NotificationFilter, p model.Page) ([]*model.Notification, error) {
	conds, args := visibleNotifications("n", recipientID, f, nil)
	q, args, order := pageQuery(p, notificationCols, "notifications n", "n.id", conds, args)
	list, err := scanNotifications(s.q.QueryContext(ctx, q, args...))
	reverseIfAsc(order, list)
	return list, err
}

// NotificationByID loads one of an account's notifications (hidden ones,
// from blocked or suspended senders, are not found).
func (s *Store) NotificationByID(ctx context.Context, recipientID, id int64) (*model.Notification, error) {
	conds, args := visibleNotifications("n", recipientID, NotificationFilter{}, nil)
	args = append(args, id)
	return scanNotification(s.q.QueryRowContext(ctx, "SELECT "+notificationCols+" FROM notifications n WHERE "+
		strings.Join(conds, " AND ")+fmt.Sprintf(" AND n.id = $%d", len(args)), args...))
}

// CountNotificationsAfter counts an account's notifications newer than
// afterID, up to limit.
func (s *Store) CountNotificationsAfter(ctx context.Context, recipientID int64, f NotificationFilter, afterID int64, limit int) (int64, error) {
	conds, args := visibleNotifications("n", recipientID, f, nil)
	args = append(args, afterID, limit)
	var n int64
	err := s.q.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT n.id FROM notifications n WHERE "+strings.Join(conds, " AND ")+
		fmt.Sprintf(" AND n.id > $%d ORDER BY n.id LIMIT $%d) x", len(args)-1, len(args)), args...).Scan(&n)
	return n, err
}

// DeleteNotification removes one of an account's notifications.
func (s *Store) DeleteNotification(ctx context.Context, recipientID, id int64) error {
	_, err := s.q.ExecContext(ctx, "DELETE FROM notifications WHERE account_id = $1 AND id = $2", recipientID, id)
	return err
}

// DeleteNotificationGroup removes every notification of one of an
// account's groups.
func (s *Store) DeleteNotificationGroup(ctx context.Context, recipientID int64, groupKey string) error {
	_, err := s.q.ExecContext(ctx, "DELETE FROM notifications WHERE account_id = $1 AND group_key = $2", recipientID, groupKey)
	return err
}

// ClearNotifications removes all of an account's notifications.
func (s *Store) ClearNotifications(ctx context.Context, recipientID int64) error {
	_, err := s.q.ExecContext(ctx, "DELETE FROM notifications WHERE account_id = $1", recipientID)
	return err
}
