package store

import (
	"context"
	"time"

	"herd/internal/model"
)

// Session is a live browser sign-in as the account page lists it; IDHash
// is the hash of its cookie secret, which cannot be turned back into it.
type Session struct {
	IDHash               string
	UserAgent            string
	CreatedAt, ExpiresAt time.Time
}

// AccountSessions lists an account's live sessions, newest first.
func (s *Store) AccountSessions(ctx context.Context, accountID int64, now time.Time) ([]Session, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT id_hash, user_agent, created_at, expires_at FROM sessions
		WHERE account_id = $1 AND expires_at > $2 ORDER BY created_at DESC`, accountID, ms(now))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var ses Session
		var created, expires int64
		if err := rows.Scan(&ses.IDHash, &ses.UserAgent, &created, &expires); err != nil {
			return nil, err
		}
		ses.CreatedAt, ses.ExpiresAt = fromMS(created), fromMS(expires)
		out = append(out, ses)
	}
	return out, rows.Err()
}

// DeleteAccountSession ends one of an account's sessions; model.ErrNotFound
// when it has no such session.
func (s *Store) DeleteAccountSession(ctx context.Context, accountID int64, idHash string) error {
	n, err := affected(s.q.ExecContext(ctx, "DELETE FROM sessions WHERE account_id = $1 AND id_hash = $2", accountID, idHash))
	if err == nil && n == 0 {
		return model.ErrNotFound
	}
	return err
}

// DeleteAccountSessions ends every session of an account except the one
// whose hash is keep ("" ends them all).
func (s *Store) DeleteAccountSessions(ctx context.Context, accountID int64, keep string) error {
	_, err := s.q.ExecContext(ctx, "DELETE FROM sessions WHERE account_id = $1 AND id_hash <> $2", accountID, keep)
	return err
}
