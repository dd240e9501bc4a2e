package store

import (
	"context"
	"strings"
	"time"

	"herd/internal/model"
)

const userCols = `account_id, email, password_hash, role, approved, confirmed, reason, locale,
	default_privacy, default_sensitive, default_language, last_active_at, created_at`

func scanUser(row interface{ Scan(...any) error }) (*model.User, error) {
	var u model.User
	var privacy string
	var lastActive, created int64
	err := row.Scan(&u.AccountID, &u.Email, &u.PasswordHash, &u.Role, &u.Approved, &u.Confirmed, &u.Reason,
		&u.Locale, &privacy, &u.DefaultSensitive, &u.DefaultLanguage, &lastActive, &created)
	if err != nil {
		return nil, notFound(err)
	}
	u.DefaultPrivacy = model.Visibility(privacy)
	u.LastActiveAt = fromMS(lastActive)
	u.CreatedAt = fromMS(created)
	return &u, nil
}

// UserByAccountID loads the local user behind an account.
func (s *Store) UserByAccountID(ctx context.Context, accountID int64) (*model.User, error) {
	return scanUser(s.q.QueryRowContext(ctx, "SELECT "+userCols+" FROM users WHERE account_id = $1", accountID))
}

// UserByEmail finds a user by email, case-insensitively.
func (s *Store) UserByEmail(ctx context.Context, email string) (*model.User, error) {
	return scanUser(s.q.QueryRowContext(ctx, "SELECT "+userCols+" FROM users WHERE email_lower = $1",
		strings.ToLower(email)))
}

// InsertUser stores a new local user.
func (s *Store) InsertUser(ctx context.Context, u *model.User) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO users (account_id, email, email_lower, password_hash, role,
		approved, confirmed, reason, locale, default_privacy, default_sensitive, default_language,
		last_active_at, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
		u.AccountID, u.Email, strings.ToLower(u.Email), u.PasswordHash, u.Role, u.Approved, u.Confirmed, u.Reason,
		u.Locale, string(u.DefaultPrivacy), u.DefaultSensitive, u.DefaultLanguage, ms(u.LastActiveAt), ms(u.CreatedAt))
	return dup(err)
}

// UpdateUserPreferences saves the posting defaults (source.privacy, etc.).
func (s *Store) UpdateUserPreferences(ctx context.Context, u *model.User) error {
	_, err := s.q.ExecContext(ctx, `UPDATE users SET default_privacy = $2, default_sensitive = $3,
		default_language = $4 WHERE account_id = $1`,
		u.AccountID, string(u.DefaultPrivacy), u.DefaultSensitive, u.DefaultLanguage)
	return err
}

// SetUserApproved approves (or un-approves) a user.
func (s *Store) SetUserApproved(ctx context.Context, accountID int64, approved bool) error {
	_, err := s.q.ExecContext(ctx, "UPDATE users SET approved = $2 WHERE account_id = $1", accountID, approved)
	return err
}

// SetUserRole changes a user's role.
func (s *Store) SetUserRole(ctx context.Context, accountID int64, role string) error {
	n, err := affected(s.q.ExecContext(ctx, "UPDATE users SET role = $2 WHERE account_id = $1", accountID, role))
	if err == nil && n == 0 {
		return model.ErrNotFound
	}
	return err
}

// TouchUserActive records that a user was active at t; home feeds are only
// written for recently active users.
func (s *Store) TouchUserActive(ctx context.Context, accountID int64, t time.Time) error {
	_, err := s.q.ExecContext(ctx, "UPDATE users SET last_active_at = $2 WHERE account_id = $1", accountID, ms(t))
	return err
}

// LocalUser pairs a user with its account, for listings.
type LocalUser struct {
	Account *model.Account
	User    *model.User
}

// ListLocalUsers returns local users oldest first, in two queries (users,
// then their accounts) whatever their number.
func (s *Store) ListLocalUsers(ctx context.Context) ([]LocalUser, error) {
	rows, err := s.q.QueryContext(ctx, "SELECT "+userCols+" FROM users ORDER BY account_id")
	if err != nil {
		return nil, err
	}
	var users []*model.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		users = append(users, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	accounts, err := scanAccounts(s.q.QueryContext(ctx, "SELECT "+accountCols+
		" FROM accounts WHERE id IN (SELECT account_id FROM users) ORDER BY id"))
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*model.Account, len(accounts))
	for _, a := range accounts {
		byID[a.ID] = a
	}
	out := make([]LocalUser, 0, len(users))
	for _, u := range users {
		if a := byID[u.AccountID]; a != nil {
			out = append(out, LocalUser{Account: a, User: u})
		}
	}
	return out, nil
}
