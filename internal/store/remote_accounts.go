package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"herd/internal/model"
)

// remoteAccount reads one account row plus its federation columns.
func (s *Store) remoteAccount(ctx context.Context, where string, args ...any) (*model.RemoteAccount, error) {
	var fetched, gone sql.NullInt64
	row := s.q.QueryRowContext(ctx, "SELECT "+accountCols+", fetched_at, gone_at FROM accounts WHERE domain <> '' AND "+where, args...)
	a, err := scanAccount(scanTail{row: row, tail: []any{&fetched, &gone}})
	if err != nil {
		return nil, err
	}
	return &model.RemoteAccount{Account: a, FetchedAt: fromNullMS(fetched), GoneAt: fromNullMS(gone)}, nil
}

// scanTail lets scanAccount read a row that has extra columns after the
// account's own.
type scanTail struct {
	row  interface{ Scan(...any) error }
	tail []any
}

func (s scanTail) Scan(dest ...any) error { return s.row.Scan(append(dest, s.tail...)...) }

// RemoteAccountByURI finds a remote account by its ActivityPub id.
func (s *Store) RemoteAccountByURI(ctx context.Context, uri string) (*model.RemoteAccount, error) {
	return s.remoteAccount(ctx, "uri = $1", uri)
}

// RemoteAccountByUsername finds a remote account by name and domain,
// case-insensitively.
func (s *Store) RemoteAccountByUsername(ctx context.Context, username, domain string) (*model.RemoteAccount, error) {
	return s.remoteAccount(ctx, "username_lower = $1 AND domain = $2", strings.ToLower(username), strings.ToLower(domain))
}

// InsertRemoteAccount stores a remote account fetched at fetchedAt, with
// the counters its collections declared. A name already taken on its
// domain is ErrDuplicate.
func (s *Store) InsertRemoteAccount(ctx context.Context, a *model.Account, fetchedAt time.Time) error {
	fields, _ := json.Marshal(fieldsOrEmpty(a.Fields))
	_, err := s.q.ExecContext(ctx, `INSERT INTO accounts (id, username, username_lower, domain, display_name,
		note, fields, locked, bot, discoverable, indexable, avatar_url, header_url, uri, url, inbox_url,
		shared_inbox_url, public_key, statuses_count, followers_count, following_count, created_at, updated_at,
		fetched_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24)`,
		a.ID, a.Username, strings.ToLower(a.Username), strings.ToLower(a.Domain), a.DisplayName, a.Note,
		string(fields), a.Locked, a.Bot, a.Discoverable, a.Indexable, a.AvatarURL, a.HeaderURL, a.URI, a.URL,
		a.InboxURL, a.SharedInboxURL, a.PublicKey, a.StatusesCount, a.FollowersCount, a.FollowingCount,
		ms(a.CreatedAt), ms(fetchedAt), ms(fetchedAt))
	return dup(err)
}

// UpdateRemoteAccount overwrites a remote account with what its actor
// document says now (name, profile, endpoints, key, counters) and records
// the fetch. The counters a remote declares replace ours: its collections
// know followers we never saw.
func (s *Store) UpdateRemoteAccount(ctx context.Context, a *model.Account, fetchedAt time.Time) error {
	fields, _ := json.Marshal(fieldsOrEmpty(a.Fields))
	_, err := s.q.ExecContext(ctx, `UPDATE accounts SET username = $2, username_lower = $3, display_name = $4,
		note = $5, fields = $6, locked = $7, bot = $8, discoverable = $9, indexable = $10, avatar_url = $11,
		header_url = $12, uri = $13, url = $14, inbox_url = $15, shared_inbox_url = $16, public_key = $17,
		statuses_count = $18, followers_count = $19, following_count = $20, updated_at = $21, fetched_at = $21
		WHERE id = $1 AND domain <> ''`,
		a.ID, a.Username, strings.ToLower(a.Username), a.DisplayName, a.Note, string(fields), a.Locked, a.Bot,
		a.Discoverable, a.Indexable, a.AvatarURL, a.HeaderURL, a.URI, a.URL, a.InboxURL, a.SharedInboxURL,
		a.PublicKey, a.StatusesCount, a.FollowersCount, a.FollowingCount, ms(fetchedAt))
	// The counters are the cached live part of an account.
	return s.accountCountsChanged(ctx, dup(err), true, a.ID)
}

// MarkRemoteAccountGone records that a remote account's origin answered
// 410 Gone: gone_at is set and the account is suspended (unless it already
// was), so it renders as Mastodon renders an account suspended by its
// origin.
func (s *Store) MarkRemoteAccountGone(ctx context.Context, id int64, at time.Time) error {
	_, err := s.q.ExecContext(ctx, `UPDATE accounts SET gone_at = $2,
		suspended_at = CASE WHEN suspended_at IS NULL THEN $2 ELSE suspended_at END, updated_at = $2
		WHERE id = $1 AND domain <> ''`, id, ms(at))
	return s.accountCountsChanged(ctx, err, true, id)
}

// CacheRemoteAccountImage records key as the cached file of remote account
// id's avatar (or header), fetched from remoteURL, only while that is
// still the account's image address and nothing is cached for it yet; it
// says whether it did (false: the actor changed meanwhile, or another
// fetch stored it first).
func (s *Store) CacheRemoteAccountImage(ctx context.Context, id int64, header bool, remoteURL, key string) (bool, error) {
	q := "UPDATE accounts SET avatar_key = $3 WHERE id = $1 AND domain <> '' AND avatar_url = $2 AND avatar_key = ''"
	if header {
		q = "UPDATE accounts SET header_key = $3 WHERE id = $1 AND domain <> '' AND header_url = $2 AND header_key = ''"
	}
	res, err := s.q.ExecContext(ctx, q, id, remoteURL, key)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RemoteProfileImages is a remote account's cached avatar and header keys.
type RemoteProfileImages struct {
	ID                   int64
	AvatarKey, HeaderKey string
}

// UnfollowedProfileImagesBefore lists, by id after afterID, up to limit
// remote accounts with a cached avatar or header that were not stored
// again since cutoff and that no local account follows or is followed by
// (the profiles Mastodon's 'tootctl media remove --prune-profiles' takes).
func (s *Store) UnfollowedProfileImagesBefore(ctx context.Context, cutoff time.Time, afterID int64, limit int) ([]RemoteProfileImages, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT a.id, a.avatar_key, a.header_key FROM accounts a
		WHERE a.domain <> '' AND (a.avatar_key <> '' OR a.header_key <> '') AND a.updated_at < $1 AND a.id > $2
		AND NOT EXISTS (SELECT 1 FROM follows f JOIN accounts l ON l.id = f.account_id AND l.domain = ''
			WHERE f.target_account_id = a.id)
		AND NOT EXISTS (SELECT 1 FROM follows f JOIN accounts l ON l.id = f.target_account_id AND l.domain = ''
			WHERE f.account_id = a.id)
		ORDER BY a.id LIMIT $3`, ms(cutoff), afterID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RemoteProfileImages
	for rows.Next() {
		var p RemoteProfileImages
		if err := rows.Scan(&p.ID, &p.AvatarKey, &p.HeaderKey); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// UncacheRemoteProfileImages forgets p's cached avatar and header while
// they are still those keys; it says whether it did (the caller then
// deletes the files).
func (s *Store) UncacheRemoteProfileImages(ctx context.Context, p RemoteProfileImages) (bool, error) {
	res, err := s.q.ExecContext(ctx, `UPDATE accounts SET avatar_key = '', header_key = ''
		WHERE id = $1 AND domain <> '' AND avatar_key = $2 AND header_key = $3`, p.ID, p.AvatarKey, p.HeaderKey)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
