package store

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// StatusLive is the part of a status that changes with other people's
// actions, and what one viewer has done to it: what a page reads fresh for
// each of its statuses, the rest coming from the entity cache.
type StatusLive struct {
	Replies, Reblogs, Favourites int64
	// The viewer's own relation to the status (all false for anonymous).
	Favourited, Reblogged, Bookmarked, Pinned bool
	Muted                                     bool // the viewer muted its conversation
	Mentioned                                 bool // the viewer is mentioned in it
}

// statusLiveQuery reads counters and viewer flags of a batch of statuses in
// one statement with a fixed text (so it stays prepared); each EXISTS is an
// index probe on a (viewer, status) key.
var statusLiveQuery = dialectQuery(func(in func(col, param string) string) string {
	return `SELECT s.id, s.replies_count, s.reblogs_count, s.favourites_count,
		EXISTS (SELECT 1 FROM favourites f WHERE f.account_id = $1 AND f.status_id = s.id),
		EXISTS (SELECT 1 FROM statuses r WHERE r.reblog_of_id = s.id AND r.account_id = $1),
		EXISTS (SELECT 1 FROM bookmarks b WHERE b.account_id = $1 AND b.status_id = s.id),
		EXISTS (SELECT 1 FROM pins p WHERE p.account_id = $1 AND p.status_id = s.id),
		EXISTS (SELECT 1 FROM conversation_mutes c WHERE c.account_id = $1 AND c.conversation_id = s.conversation_id),
		EXISTS (SELECT 1 FROM mentions m WHERE m.status_id = s.id AND m.account_id = $1)
		FROM statuses s WHERE ` + in("s.id", "$2")
})

// StatusLiveFor batch-loads the live part of statuses for viewerID (0 =
// anonymous); a missing id is a deleted status.
func (s *Store) StatusLiveFor(ctx context.Context, viewerID int64, ids []int64) (map[int64]StatusLive, error) {
	out := make(map[int64]StatusLive, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.queryFixed(ctx, statusLiveQuery(s), viewerID, s.Dialect().IDs(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var l StatusLive
		if err := rows.Scan(&id, &l.Replies, &l.Reblogs, &l.Favourites,
			&l.Favourited, &l.Reblogged, &l.Bookmarked, &l.Pinned, &l.Muted, &l.Mentioned); err != nil {
			return nil, err
		}
		out[id] = l
	}
	return out, rows.Err()
}

// AccountLiveView is the live part of an account (AccountLive) with the
// viewer's relations to it that decide what of it the viewer may see.
type AccountLiveView struct {
	AccountLive
	Following, Blocking, BlockedBy, Muting bool
}

var accountLiveQuery = dialectQuery(func(in func(col, param string) string) string {
	return `SELECT a.id, a.statuses_count, a.followers_count, a.following_count, a.last_status_at, a.suspended_at,
		EXISTS (SELECT 1 FROM follows f WHERE f.account_id = $1 AND f.target_account_id = a.id),
		EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = $1 AND b.target_account_id = a.id),
		EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = a.id AND b.target_account_id = $1),
		EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = $1 AND m.target_account_id = a.id
			AND (m.expires_at IS NULL OR m.expires_at > $3))
		FROM accounts a WHERE ` + in("a.id", "$2")
})

// AccountLiveFor batch-loads the live part of accounts and viewerID's
// relations to them (none for anonymous), in one statement; a missing id
// is a deleted account.
func (s *Store) AccountLiveFor(ctx context.Context, viewerID int64, ids []int64, now time.Time) (map[int64]AccountLiveView, error) {
	out := make(map[int64]AccountLiveView, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.queryFixed(ctx, accountLiveQuery(s), viewerID, s.Dialect().IDs(ids), ms(now))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var l AccountLiveView
		var last, susp sql.NullInt64
		if err := rows.Scan(&id, &l.StatusesCount, &l.FollowersCount, &l.FollowingCount, &last, &susp,
			&l.Following, &l.Blocking, &l.BlockedBy, &l.Muting); err != nil {
			return nil, err
		}
		l.LastStatusAt, l.SuspendedAt = fromNullMS(last), fromNullMS(susp)
		out[id] = l
	}
	return out, rows.Err()
}

// dialectQuery builds a query text once per dialect from a template given
// the dialect's id-list condition (db.Dialect.InIDs).
func dialectQuery(build func(in func(col, param string) string) string) func(*Store) string {
	var once [2]sync.Once
	var text [2]string
	return func(s *Store) string {
		d := s.Dialect()
		once[d].Do(func() { text[d] = build(d.InIDs) })
		return text[d]
	}
}
