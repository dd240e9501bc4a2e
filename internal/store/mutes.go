package store

import (
	"context"
	"database/sql"
	"time"

	"herd/internal/model"
)

// UpsertMute mutes targetID for accountID, or changes an existing mute's
// notification setting and expiry (muting again is how clients edit one).
func (s *Store) UpsertMute(ctx context.Context, m *model.Mute) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO mutes (id, account_id, target_account_id, hide_notifications, expires_at, created_at)
		VALUES ($1,$2,$3,$4,$5,$6)
		ON CONFLICT (account_id, target_account_id) DO UPDATE SET
			hide_notifications = excluded.hide_notifications, expires_at = excluded.expires_at`,
		m.ID, m.AccountID, m.TargetAccountID, m.HideNotifications, nullMS(m.ExpiresAt), ms(m.CreatedAt))
	return s.changedIfOK(ctx, err, m.AccountID)
}

// DeleteMute lifts a mute.
func (s *Store) DeleteMute(ctx context.Context, accountID, targetID int64) error {
	_, err := s.q.ExecContext(ctx, "DELETE FROM mutes WHERE account_id = $1 AND target_account_id = $2", accountID, targetID)
	return s.changedIfOK(ctx, err, accountID)
}

// SetMuteExpiry moves a mute's expiry (admin tools and tests).
func (s *Store) SetMuteExpiry(ctx context.Context, accountID, targetID int64, at *time.Time) error {
	_, err := s.q.ExecContext(ctx, "UPDATE mutes SET expires_at = $3 WHERE account_id = $1 AND target_account_id = $2",
		accountID, targetID, nullMS(at))
	return s.changedIfOK(ctx, err, accountID)
}

// MutedAccount is one entry of a mute list.
type MutedAccount struct {
	AccountCursor
	ExpiresAt *time.Time
}

// MutesPage pages the accounts accountID mutes (unexpired), newest first.
func (s *Store) MutesPage(ctx context.Context, accountID int64, now time.Time, p model.Page) ([]MutedAccount, error) {
	conds, args := ListFilter{}.exclusion("r.target_account_id",
		[]string{"r.account_id = $1", "(r.expires_at IS NULL OR r.expires_at > $2)"}, []any{accountID, ms(now)})
	q, args, order := pageQuery(p, "r.id, r.target_account_id, r.expires_at",
		"mutes r JOIN accounts a ON a.id = r.target_account_id", "r.id", conds, args)
	rows, err := s.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MutedAccount
	for rows.Next() {
		var m MutedAccount
		var exp sql.NullInt64
		if err := rows.Scan(&m.Cursor, &m.AccountID, &exp); err != nil {
			return nil, err
		}
		m.ExpiresAt = fromNullMS(exp)
		out = append(out, m)
	}
	reverseIfAsc(order, out)
	return out, rows.Err()
}

// SetAccountNote saves accountID's private comment on targetID; an empty
// comment deletes it, as Mastodon's notes endpoint does.
func (s *Store) SetAccountNote(ctx context.Context, accountID, targetID int64, comment string) error {
	if comment == "" {
		_, err := s.q.ExecContext(ctx, "DELETE FROM account_notes WHERE account_id = $1 AND target_account_id = $2",
			accountID, targetID)
		return err
	}
	_, err := s.q.ExecContext(ctx, `INSERT INTO account_notes (account_id, target_account_id, comment) VALUES ($1,$2,$3)
		ON CONFLICT (account_id, target_account_id) DO UPDATE SET comment = excluded.comment`, accountID, targetID, comment)
	return err
}
