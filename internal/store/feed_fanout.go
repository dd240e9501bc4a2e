package store

import (
	"context"
	"time"
)

// FanoutTarget says which status a fan-out delivers and who must not get
// it: followers muting or blocking the author (or, for a boost, the
// original's author too).
type FanoutTarget struct {
	AuthorID       int64 // the poster, or the booster
	OriginalAuthor int64 // for a boost, the boosted status's author; else AuthorID
	ReblogOfID     int64 // 0 unless a boost
	ReplyToAccount int64 // for a reply to someone else, whom it answers; else 0
	ActiveSince    time.Time
	Now            time.Time
}

// FanoutFollowers pages (by follower id, after afterID) the local followers
// of t.AuthorID who should get a status in their home feed: active since
// t.ActiveSince, not muting or blocking the author(s); for a boost, only
// followers who show the booster's boosts, are not the original's author
// and do not already have the original (or a boost of it) in their feed;
// for a reply to another account, only followers who follow it too.
func (s *Store) FanoutFollowers(ctx context.Context, t FanoutTarget, afterID int64, limit int) ([]int64, error) {
	q := `SELECT f.account_id FROM follows f JOIN users u ON u.account_id = f.account_id
		WHERE f.target_account_id = $1 AND f.account_id > $5 AND u.last_active_at >= $4` + fanoutExclusions("f.account_id")
	args := []any{t.AuthorID, t.OriginalAuthor, ms(t.Now), ms(t.ActiveSince), afterID}
	if t.ReblogOfID != 0 {
		q += ` AND f.show_reblogs AND f.account_id <> $2
		AND NOT EXISTS (SELECT 1 FROM home_feed h WHERE h.account_id = f.account_id AND (h.status_id = $6 OR h.reblog_of_id = $6))`
		args = append(args, t.ReblogOfID)
	}
	if t.ReplyToAccount != 0 {
		// Mastodon's home filter: a reply to someone else reaches only those
		// who follow that someone too (or are them).
		args = append(args, t.ReplyToAccount)
		r := "$" + itoa(len(args))
		q += " AND (f.account_id = " + r + " OR EXISTS (SELECT 1 FROM follows f2 WHERE f2.account_id = f.account_id AND f2.target_account_id = " + r + "))"
	}
	q += " ORDER BY f.account_id LIMIT " + itoa(limit)
	return scanIDs(s.q.QueryContext(ctx, q, args...))
}

// FanoutMentioned lists the local accounts a status mentions that should
// get it in their home feed (direct and followers-only posts reach the
// mentioned even when they do not follow the author).
func (s *Store) FanoutMentioned(ctx context.Context, statusID int64, t FanoutTarget) ([]int64, error) {
	q := `SELECT f.account_id FROM mentions f JOIN users u ON u.account_id = f.account_id
		WHERE f.status_id = $5 AND u.last_active_at >= $4` + fanoutExclusions("f.account_id") + " ORDER BY f.account_id"
	return scanIDs(s.q.QueryContext(ctx, q, t.AuthorID, t.OriginalAuthor, ms(t.Now), ms(t.ActiveSince), statusID))
}

// fanoutExclusions hides the status from recipients (column col) who mute
// ($1/$2 authors, unexpired at $3) or block either author.
func fanoutExclusions(col string) string {
	return `
		AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = ` + col + ` AND m.target_account_id IN ($1, $2)
			AND (m.expires_at IS NULL OR m.expires_at > $3))
		AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = ` + col + ` AND b.target_account_id IN ($1, $2))`
}

// TrimFeeds caps several accounts' feeds at keep rows each.
func (s *Store) TrimFeeds(ctx context.Context, accountIDs []int64, keep int) error {
	for _, id := range accountIDs {
		if err := s.TrimFeed(ctx, id, keep); err != nil {
			return err
		}
	}
	return nil
}

// DeleteFeedRowsOf removes a status and every boost of it from all feeds
// (the status was deleted).
func (s *Store) DeleteFeedRowsOf(ctx context.Context, statusID int64) error {
	_, err := s.q.ExecContext(ctx, "DELETE FROM home_feed WHERE status_id = $1 OR reblog_of_id = $1", statusID)
	return err
}

// FollowedAccountIDs lists up to limit accounts an account follows, most
// recently followed first (to rebuild a home feed).
func (s *Store) FollowedAccountIDs(ctx context.Context, accountID int64, limit int) ([]int64, error) {
	return scanIDs(s.q.QueryContext(ctx, "SELECT target_account_id FROM follows WHERE account_id = $1 ORDER BY id DESC LIMIT $2",
		accountID, limit))
}

// BackfillOwnFeed copies an account's own latest statuses, direct ones
// included, into its feed.
func (s *Store) BackfillOwnFeed(ctx context.Context, accountID int64, limit int) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO home_feed (account_id, status_id, author_id, reblog_of_id)
		SELECT $1, id, account_id, reblog_of_id FROM statuses WHERE account_id = $1
		ORDER BY id DESC LIMIT $2
		ON CONFLICT DO NOTHING`, accountID, limit)
	return err
}

// HomeFeedReadAt reads when an account last read its home timeline (zero
// time for never).
func (s *Store) HomeFeedReadAt(ctx context.Context, accountID int64) (time.Time, error) {
	var v int64
	err := s.q.QueryRowContext(ctx, "SELECT read_at FROM home_feed_reads WHERE account_id = $1", accountID).Scan(&v)
	if err != nil {
		if err = notFound(err); err == ErrNotFound {
			return time.Time{}, nil
		}
		return time.Time{}, err
	}
	return fromMS(v), nil
}

// MarkHomeFeedRead records a home timeline read at t.
func (s *Store) MarkHomeFeedRead(ctx context.Context, accountID int64, t time.Time) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO home_feed_reads (account_id, read_at) VALUES ($1, $2)
		ON CONFLICT (account_id) DO UPDATE SET read_at = excluded.read_at`, accountID, ms(t))
	return err
}
