package store

import (
	"context"
	"time"

	"herd/internal/model"
)

// StatusByURI loads the status with an ActivityPub id, local or remote.
func (s *Store) StatusByURI(ctx context.Context, uri string) (*model.Status, error) {
	if uri == "" {
		return nil, model.ErrNotFound
	}
	return scanStatus(s.q.QueryRowContext(ctx, "SELECT "+statusCols+" FROM statuses WHERE uri = $1", uri))
}

// FollowByURI loads the accepted follow whose Follow activity had id uri.
func (s *Store) FollowByURI(ctx context.Context, uri string) (*model.Follow, error) {
	if uri == "" {
		return nil, model.ErrNotFound
	}
	return scanFollow(s.q.QueryRowContext(ctx, "SELECT "+followCols+" FROM follows WHERE uri = $1", uri))
}

// FollowRequestByURI loads the pending request whose Follow activity had
// id uri.
func (s *Store) FollowRequestByURI(ctx context.Context, uri string) (*model.Follow, error) {
	if uri == "" {
		return nil, model.ErrNotFound
	}
	return scanFollow(s.q.QueryRowContext(ctx, "SELECT "+followCols+" FROM follow_requests WHERE uri = $1", uri))
}

// MarkActivitySeen records that the incoming activity uri was processed;
// fresh is false when it already was (a duplicate delivery).
func (s *Store) MarkActivitySeen(ctx context.Context, uri string, at time.Time) (fresh bool, err error) {
	n, err := affected(s.q.ExecContext(ctx,
		"INSERT INTO inbox_seen (uri, created_at) VALUES ($1, $2) ON CONFLICT DO NOTHING", uri, ms(at)))
	return n > 0, err
}

// ActivitySeen reports whether the incoming activity uri was processed.
func (s *Store) ActivitySeen(ctx context.Context, uri string) (bool, error) {
	var n int
	err := s.q.QueryRowContext(ctx, "SELECT COUNT(*) FROM inbox_seen WHERE uri = $1", uri).Scan(&n)
	return n > 0, err
}

// InsertTombstone remembers that accountID deleted or undid uri before it
// was seen; a repeat keeps the first.
func (s *Store) InsertTombstone(ctx context.Context, uri string, accountID int64, at time.Time) error {
	_, err := s.q.ExecContext(ctx,
		"INSERT INTO tombstones (uri, account_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
		uri, accountID, ms(at))
	return err
}

// Tombstoned reports whether any of uris was deleted or undone before it
// arrived.
func (s *Store) Tombstoned(ctx context.Context, uris ...string) (bool, error) {
	for _, u := range uris {
		if u == "" {
			continue
		}
		var n int
		if err := s.q.QueryRowContext(ctx, "SELECT COUNT(*) FROM tombstones WHERE uri = $1", u).Scan(&n); err != nil {
			return false, err
		}
		if n > 0 {
			return true, nil
		}
	}
	return false, nil
}

// PruneInboxMemory forgets processed activity ids and tombstones older
// than before: senders stop retrying after a few days.
func (s *Store) PruneInboxMemory(ctx context.Context, before time.Time) error {
	for _, q := range []string{"DELETE FROM inbox_seen WHERE created_at < $1", "DELETE FROM tombstones WHERE created_at < $1"} {
		if _, err := s.q.ExecContext(ctx, q, ms(before)); err != nil {
			return err
		}
	}
	return nil
}

// FollowPairsOf lists every follow and follow request an account is on
// either side of, as (follower, followed) pairs, with requests flagged.
func (s *Store) FollowPairsOf(ctx context.Context, accountID int64) ([]FollowPair, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT account_id, target_account_id, FALSE FROM follows
		WHERE account_id = $1 OR target_account_id = $1
		UNION ALL SELECT account_id, target_account_id, TRUE FROM follow_requests
		WHERE account_id = $1 OR target_account_id = $1`, accountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FollowPair
	for rows.Next() {
		var p FollowPair
		if err := rows.Scan(&p.AccountID, &p.TargetAccountID, &p.Request); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// FollowPair is one follow (or request) between two accounts.
type FollowPair struct {
	AccountID, TargetAccountID int64
	Request                    bool
}

// RemoteReblogByURI loads a boost by its Announce id.
func (s *Store) RemoteReblogByURI(ctx context.Context, uri string) (*model.Status, error) {
	st, err := s.StatusByURI(ctx, uri)
	if err != nil {
		return nil, err
	}
	if st.ReblogOfID == 0 {
		return nil, model.ErrNotFound
	}
	return st, nil
}
