package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"herd/internal/model"
)

// AuthCode is an OAuth authorization code waiting to be exchanged for a
// token. Only a hash of the code is stored.
type AuthCode struct {
	AppID           int64
	AccountID       int64
	RedirectURI     string
	Scopes          []string
	CodeChallenge   string
	ChallengeMethod string
	ExpiresAt       time.Time
}

// InsertAuthCode stores an authorization code by the hash of its secret.
func (s *Store) InsertAuthCode(ctx context.Context, codeHash string, c *AuthCode) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO auth_codes (code_hash, app_id, account_id, redirect_uri, scopes,
		code_challenge, challenge_method, expires_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
		codeHash, c.AppID, c.AccountID, c.RedirectURI, strings.Join(c.Scopes, " "), c.CodeChallenge,
		c.ChallengeMethod, ms(c.ExpiresAt))
	return dup(err)
}

// TakeAuthCode loads and deletes an authorization code, so a code can be
// exchanged once at most; two concurrent exchanges cannot both see it,
// because only the one whose DELETE removed the row gets it back.
func (s *Store) TakeAuthCode(ctx context.Context, codeHash string) (*AuthCode, error) {
	var c AuthCode
	var scopes string
	var expires int64
	err := s.q.QueryRowContext(ctx, `SELECT app_id, account_id, redirect_uri, scopes, code_challenge,
		challenge_method, expires_at FROM auth_codes WHERE code_hash = $1`, codeHash).
		Scan(&c.AppID, &c.AccountID, &c.RedirectURI, &scopes, &c.CodeChallenge, &c.ChallengeMethod, &expires)
	if err != nil {
		return nil, notFound(err)
	}
	n, err := affected(s.q.ExecContext(ctx, "DELETE FROM auth_codes WHERE code_hash = $1", codeHash))
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, model.ErrNotFound
	}
	c.Scopes = strings.Fields(scopes)
	c.ExpiresAt = fromMS(expires)
	return &c, nil
}

// DeleteExpiredAuthCodes removes codes that can no longer be exchanged.
func (s *Store) DeleteExpiredAuthCodes(ctx context.Context, now time.Time) error {
	_, err := s.q.ExecContext(ctx, "DELETE FROM auth_codes WHERE expires_at < $1", ms(now))
	return err
}

// InsertSession stores a browser session by the hash of its cookie
// secret, with the browser's User-Agent.
func (s *Store) InsertSession(ctx context.Context, idHash string, accountID int64, created, expires time.Time, userAgent string) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO sessions (id_hash, account_id, created_at, expires_at, user_agent)
		VALUES ($1,$2,$3,$4,$5)`, idHash, accountID, ms(created), ms(expires), userAgent)
	return dup(err)
}

// SessionAccountID returns the account of a live (unexpired) session.
func (s *Store) SessionAccountID(ctx context.Context, idHash string, now time.Time) (int64, error) {
	var id int64
	err := s.q.QueryRowContext(ctx, "SELECT account_id FROM sessions WHERE id_hash = $1 AND expires_at > $2",
		idHash, ms(now)).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, model.ErrNotFound
	}
	return id, err
}

// DeleteSession ends a browser session.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	_, err := s.q.ExecContext(ctx, "DELETE FROM sessions WHERE id_hash = $1", idHash)
	return err
}

// DeleteExpiredSessions removes sessions past their expiry.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	_, err := s.q.ExecContext(ctx, "DELETE FROM sessions WHERE expires_at < $1", ms(now))
	return err
}

// TokenByAnySecretHash finds a live token by the hash of its access or
// refresh secret, for revocation (RFC 7009 accepts either).
func (s *Store) TokenByAnySecretHash(ctx context.Context, hash string) (*model.Token, error) {
	t, err := s.TokenByHash(ctx, hash)
	if err == model.ErrNotFound {
		return s.TokenByRefreshHash(ctx, hash)
	}
	return t, err
}
