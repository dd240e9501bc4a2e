package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"herd/internal/model"
)

// InsertApp stores a registered OAuth application.
func (s *Store) InsertApp(ctx context.Context, a *model.App) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO apps (id, name, website, redirect_uris, scopes, client_id,
		client_secret, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
		a.ID, a.Name, a.Website, strings.Join(a.RedirectURIs, "\n"), strings.Join(a.Scopes, " "),
		a.ClientID, a.ClientSecret, ms(a.CreatedAt))
	return dup(err)
}

const appCols = "id, name, website, redirect_uris, scopes, client_id, client_secret, created_at"

func scanApp(row *sql.Row) (*model.App, error) {
	var a model.App
	var uris, scopes string
	var created int64
	if err := row.Scan(&a.ID, &a.Name, &a.Website, &uris, &scopes, &a.ClientID, &a.ClientSecret, &created); err != nil {
		return nil, notFound(err)
	}
	a.RedirectURIs = strings.Split(uris, "\n")
	a.Scopes = strings.Fields(scopes)
	a.CreatedAt = fromMS(created)
	return &a, nil
}

// AppByClientID finds an application by its public client_id.
func (s *Store) AppByClientID(ctx context.Context, clientID string) (*model.App, error) {
	return scanApp(s.q.QueryRowContext(ctx, "SELECT "+appCols+" FROM apps WHERE client_id = $1", clientID))
}

// AppByID loads an application.
func (s *Store) AppByID(ctx context.Context, id int64) (*model.App, error) {
	return scanApp(s.q.QueryRowContext(ctx, "SELECT "+appCols+" FROM apps WHERE id = $1", id))
}

// InsertToken stores an access token by the hashes of its secrets and of
// the authorization code it stems from ("" when it does not).
func (s *Store) InsertToken(ctx context.Context, t *model.Token, tokenHash, refreshHash, codeHash string) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO tokens (id, token_hash, refresh_hash, app_id, account_id,
		scopes, created_at, code_hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
		t.ID, tokenHash, refreshHash, t.AppID, t.AccountID, strings.Join(t.Scopes, " "), ms(t.CreatedAt), codeHash)
	return dup(err)
}

const tokenCols = "id, app_id, account_id, scopes, created_at, revoked_at"

func scanToken(row interface{ Scan(...any) error }) (*model.Token, error) {
	var t model.Token
	var scopes string
	var created int64
	var revoked sql.NullInt64
	if err := row.Scan(&t.ID, &t.AppID, &t.AccountID, &scopes, &created, &revoked); err != nil {
		return nil, notFound(err)
	}
	t.Scopes = strings.Fields(scopes)
	t.CreatedAt = fromMS(created)
	t.RevokedAt = fromNullMS(revoked)
	return &t, nil
}

// TokenByHash finds a live (unrevoked) token by the hash of its secret.
func (s *Store) TokenByHash(ctx context.Context, hash string) (*model.Token, error) {
	return scanToken(s.q.QueryRowContext(ctx, "SELECT "+tokenCols+
		" FROM tokens WHERE token_hash = $1 AND revoked_at IS NULL", hash))
}

// TokenByRefreshHash finds a live token by the hash of its refresh token.
func (s *Store) TokenByRefreshHash(ctx context.Context, hash string) (*model.Token, error) {
	if hash == "" {
		return nil, model.ErrNotFound
	}
	return scanToken(s.q.QueryRowContext(ctx, "SELECT "+tokenCols+
		" FROM tokens WHERE refresh_hash = $1 AND revoked_at IS NULL", hash))
}

// TokenCodeHash returns the hash of the authorization code a token stems
// from, "" when it was issued by another grant.
func (s *Store) TokenCodeHash(ctx context.Context, id int64) (string, error) {
	var hash string
	err := s.q.QueryRowContext(ctx, "SELECT code_hash FROM tokens WHERE id = $1", id).Scan(&hash)
	return hash, notFound(err)
}

// LiveTokensFromCode lists the live tokens that stem from an authorization
// code: the one it was exchanged for and those refreshed from it.
func (s *Store) LiveTokensFromCode(ctx context.Context, codeHash string) ([]*model.Token, error) {
	// code_hash <> '' lets SQLite use the partial index tokens_code_hash.
	rows, err := s.q.QueryContext(ctx, "SELECT "+tokenCols+
		" FROM tokens WHERE code_hash = $1 AND code_hash <> '' AND revoked_at IS NULL", codeHash)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*model.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken marks a token revoked; it reports whether one was live.
func (s *Store) RevokeToken(ctx context.Context, id int64) (bool, error) {
	n, err := affected(s.q.ExecContext(ctx, "UPDATE tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
		id, ms(time.Now())))
	return n > 0, err
}

// RevokeAccountTokens revokes every token of an account (suspension).
func (s *Store) RevokeAccountTokens(ctx context.Context, accountID int64) error {
	_, err := s.q.ExecContext(ctx, "UPDATE tokens SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL",
		accountID, ms(time.Now()))
	return err
}
