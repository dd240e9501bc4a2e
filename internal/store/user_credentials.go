package store

import (
	"context"
	"strings"
)

// SetUserEmail changes a user's email; ErrDuplicate when another user has it.
func (s *Store) SetUserEmail(ctx context.Context, accountID int64, email string) error {
	_, err := s.q.ExecContext(ctx, "UPDATE users SET email = $2, email_lower = $3 WHERE account_id = $1",
		accountID, email, strings.ToLower(email))
	return dup(err)
}

// SetUserPassword stores a user's new password hash.
func (s *Store) SetUserPassword(ctx context.Context, accountID int64, hash string) error {
	_, err := s.q.ExecContext(ctx, "UPDATE users SET password_hash = $2 WHERE account_id = $1", accountID, hash)
	return err
}
