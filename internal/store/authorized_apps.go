package store

import (
	"context"
	"strings"
	"time"
)

// AuthorizedToken is a live token of an account with its app, for the
// list of authorized apps.
type AuthorizedToken struct {
	TokenID   int64
	AppID     int64
	AppName   string
	Website   string
	Scopes    []string
	CreatedAt time.Time
}

// AccountAppTokens lists an account's live tokens with their apps, oldest
// first, in one query.
func (s *Store) AccountAppTokens(ctx context.Context, accountID int64) ([]AuthorizedToken, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT t.id, a.id, a.name, a.website, t.scopes, t.created_at
		FROM tokens t JOIN apps a ON a.id = t.app_id
		WHERE t.account_id = $1 AND t.revoked_at IS NULL ORDER BY t.created_at, t.id`, accountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuthorizedToken
	for rows.Next() {
		var t AuthorizedToken
		var scopes string
		var created int64
		if err := rows.Scan(&t.TokenID, &t.AppID, &t.AppName, &t.Website, &scopes, &created); err != nil {
			return nil, err
		}
		t.Scopes, t.CreatedAt = strings.Fields(scopes), fromMS(created)
		out = append(out, t)
	}
	return out, rows.Err()
}
