package store

import (
	"context"
	"database/sql"
)

// ViewerState is what one account has done that decides how others'
// statuses look to it: whom it follows, blocks, mutes and is blocked by,
// the conversations it muted, its pins, and its favourites, boosts and
// bookmarks of statuses from FlagsSince on (older flags are not loaded:
// pages of recent statuses never need them, and an old status asks the
// database, see ViewerFlagsOf).
type ViewerState struct {
	Following, Blocking, BlockedBy  []int64
	Muting                          map[int64]int64 // target → mute expiry (unix ms), 0 = none
	MutedConversations              []int64
	Pinned                          []int64
	Favourited, Reblogged, Bookmark []int64 // status ids ≥ FlagsSince
	FlagsSince                      int64
}

// viewerStateQuery loads a ViewerState in one statement: each part is an
// index range scan on the viewer's own rows, tagged with its kind.
const viewerStateQuery = `SELECT 1, target_account_id, 0 FROM follows WHERE account_id = $1
	UNION ALL SELECT 2, target_account_id, 0 FROM blocks WHERE account_id = $1
	UNION ALL SELECT 3, account_id, 0 FROM blocks WHERE target_account_id = $1
	UNION ALL SELECT 4, target_account_id, COALESCE(expires_at, 0) FROM mutes WHERE account_id = $1
	UNION ALL SELECT 5, conversation_id, 0 FROM conversation_mutes WHERE account_id = $1
	UNION ALL SELECT 6, status_id, 0 FROM pins WHERE account_id = $1
	UNION ALL SELECT 7, status_id, 0 FROM favourites WHERE account_id = $1 AND status_id >= $2
	UNION ALL SELECT 8, reblog_of_id, 0 FROM statuses WHERE account_id = $1 AND reblog_of_id >= $2
	UNION ALL SELECT 9, status_id, 0 FROM bookmarks WHERE account_id = $1 AND status_id >= $2`

// ViewerStateOf loads an account's ViewerState, with flags of statuses
// whose id is at least flagsSince. Lists come back sorted.
func (s *Store) ViewerStateOf(ctx context.Context, accountID, flagsSince int64) (*ViewerState, error) {
	v := &ViewerState{Muting: map[int64]int64{}, FlagsSince: flagsSince}
	rows, err := s.queryFixed(ctx, viewerStateQuery, accountID, flagsSince)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	lists := map[int]*[]int64{1: &v.Following, 2: &v.Blocking, 3: &v.BlockedBy, 5: &v.MutedConversations,
		6: &v.Pinned, 7: &v.Favourited, 8: &v.Reblogged, 9: &v.Bookmark}
	for rows.Next() {
		var kind int
		var id, extra int64
		if err := rows.Scan(&kind, &id, &extra); err != nil {
			return nil, err
		}
		if kind == 4 {
			v.Muting[id] = extra
		} else {
			*lists[kind] = append(*lists[kind], id)
		}
	}
	for _, l := range lists {
		sortIDs(*l)
	}
	return v, rows.Err()
}

// ViewerFlags is what a viewer has done to one status.
type ViewerFlags struct {
	Favourited, Reblogged, Bookmarked bool
}

var viewerFlagsQuery = dialectQuery(func(in func(col, param string) string) string {
	return `SELECT s.id,
		EXISTS (SELECT 1 FROM favourites f WHERE f.account_id = $1 AND f.status_id = s.id),
		EXISTS (SELECT 1 FROM statuses r WHERE r.reblog_of_id = s.id AND r.account_id = $1),
		EXISTS (SELECT 1 FROM bookmarks b WHERE b.account_id = $1 AND b.status_id = s.id)
		FROM statuses s WHERE ` + in("s.id", "$2")
})

// ViewerFlagsOf batch-loads a viewer's favourites, boosts and bookmarks of
// statuses older than its cached ViewerState covers.
func (s *Store) ViewerFlagsOf(ctx context.Context, viewerID int64, ids []int64) (map[int64]ViewerFlags, error) {
	out := make(map[int64]ViewerFlags, len(ids))
	if len(ids) == 0 || viewerID == 0 {
		return out, nil
	}
	rows, err := s.queryFixed(ctx, viewerFlagsQuery(s), viewerID, s.Dialect().IDs(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var f ViewerFlags
		if err := rows.Scan(&id, &f.Favourited, &f.Reblogged, &f.Bookmarked); err != nil {
			return nil, err
		}
		out[id] = f
	}
	return out, rows.Err()
}

// StatusCounts are the counters of a status.
type StatusCounts struct {
	Replies, Reblogs, Favourites int64
}

var statusCountsQuery = dialectQuery(func(in func(col, param string) string) string {
	return "SELECT id, replies_count, reblogs_count, favourites_count FROM statuses WHERE " + in("id", "$1")
})

// StatusCountsByIDs batch-loads the live counters of statuses; a missing
// id is a deleted status.
func (s *Store) StatusCountsByIDs(ctx context.Context, ids []int64) (map[int64]StatusCounts, error) {
	out := make(map[int64]StatusCounts, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.queryFixed(ctx, statusCountsQuery(s), s.Dialect().IDs(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c StatusCounts
		if err := rows.Scan(&id, &c.Replies, &c.Reblogs, &c.Favourites); err != nil {
			return nil, err
		}
		out[id] = c
	}
	return out, rows.Err()
}

var accountLiveQuery = dialectQuery(func(in func(col, param string) string) string {
	return `SELECT id, statuses_count, followers_count, following_count, last_status_at, suspended_at
		FROM accounts WHERE ` + in("id", "$1")
})

// AccountLiveByIDs batch-loads the live part of accounts; a missing id is
// a deleted account.
func (s *Store) AccountLiveByIDs(ctx context.Context, ids []int64) (map[int64]AccountLive, error) {
	out := make(map[int64]AccountLive, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.queryFixed(ctx, accountLiveQuery(s), s.Dialect().IDs(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var l AccountLive
		var last, susp sql.NullInt64
		if err := rows.Scan(&id, &l.StatusesCount, &l.FollowersCount, &l.FollowingCount, &last, &susp); err != nil {
			return nil, err
		}
		l.LastStatusAt, l.SuspendedAt = fromNullMS(last), fromNullMS(susp)
		out[id] = l
	}
	return out, rows.Err()
}
