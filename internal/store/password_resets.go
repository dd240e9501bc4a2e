package store

import (
	"context"
	"time"

	"herd/internal/model"
)

// PasswordReset is a live password reset link's row.
type PasswordReset struct {
	AccountID            int64
	CreatedAt, ExpiresAt time.Time
}

// ReplacePasswordReset stores a user's new reset link by the hash of its
// secret, dropping any earlier one: only the latest link works.
func (s *Store) ReplacePasswordReset(ctx context.Context, tokenHash string, accountID int64, created, expires time.Time) error {
	if _, err := s.q.ExecContext(ctx, "DELETE FROM password_resets WHERE account_id = $1", accountID); err != nil {
		return err
	}
	_, err := s.q.ExecContext(ctx, `INSERT INTO password_resets (token_hash, account_id, created_at, expires_at)
		VALUES ($1,$2,$3,$4)`, tokenHash, accountID, ms(created), ms(expires))
	return dup(err)
}

// LatestPasswordReset is the time of a user's live reset link, to space
// out the mails; model.ErrNotFound when there is none.
func (s *Store) LatestPasswordReset(ctx context.Context, accountID int64, now time.Time) (time.Time, error) {
	var created int64
	err := s.q.QueryRowContext(ctx, `SELECT created_at FROM password_resets WHERE account_id = $1 AND expires_at > $2`,
		accountID, ms(now)).Scan(&created)
	if err != nil {
		return time.Time{}, notFound(err)
	}
	return fromMS(created), nil
}

// PasswordResetByHash finds a live reset link; model.ErrNotFound when it is
// unknown, used or expired.
func (s *Store) PasswordResetByHash(ctx context.Context, tokenHash string, now time.Time) (*PasswordReset, error) {
	var r PasswordReset
	var created, expires int64
	err := s.q.QueryRowContext(ctx, `SELECT account_id, created_at, expires_at FROM password_resets
		WHERE token_hash = $1 AND expires_at > $2`, tokenHash, ms(now)).Scan(&r.AccountID, &created, &expires)
	if err != nil {
		return nil, notFound(err)
	}
	r.CreatedAt, r.ExpiresAt = fromMS(created), fromMS(expires)
	return &r, nil
}

// TakePasswordReset deletes a live reset link and answers its account, so
// a link serves once: of two concurrent uses only the one whose DELETE
// removed the row gets it.
func (s *Store) TakePasswordReset(ctx context.Context, tokenHash string, now time.Time) (int64, error) {
	r, err := s.PasswordResetByHash(ctx, tokenHash, now)
	if err != nil {
		return 0, err
	}
	n, err := affected(s.q.ExecContext(ctx, "DELETE FROM password_resets WHERE token_hash = $1", tokenHash))
	if err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, model.ErrNotFound
	}
	return r.AccountID, nil
}

// DeleteExpiredPasswordResets removes links past their expiry.
func (s *Store) DeleteExpiredPasswordResets(ctx context.Context, now time.Time) error {
	_, err := s.q.ExecContext(ctx, "DELETE FROM password_resets WHERE expires_at <= $1", ms(now))
	return err
}
