package store

import (
	"context"
	"time"

	"herd/internal/model"
)

// FanoutSpec says when a fan-out runs and who counts as active.
type FanoutSpec struct {
	ActiveSince time.Time // followers last active before this get no rows
	Now         time.Time // mutes that expired before this no longer hide
}

// FanoutStatuses writes statuses into the home feeds of the local accounts
// that should see them, set-based (DESIGN.md: one statement per kind of
// status, not a round trip per follower), ignoring rows already present so
// a retried job does no harm. Recipients are users active since
// spec.ActiveSince who neither mute (unexpired) nor block the author (nor,
// for a boost, the boosted status's author):
//   - a post that is not direct reaches the author's followers; a reply to
//     another account only those who follow that account too (or are it),
//     Mastodon's home filter;
//   - a boost reaches the booster's followers who show the booster's boosts,
//     are not the boosted status's author and have neither it nor a boost of
//     it in their feed already; boosts are written one at a time, in id
//     order, so two boosts of one status in a batch are not shown twice;
//   - a followers-only or direct post also reaches the accounts it mentions;
//   - a post or boost by an account in one of the recipient's exclusive
//     lists stays out of that recipient's home feed (it is mentioned, it
//     still gets the post: Herd has no conversations to show it elsewhere).
//
// Statuses deleted meanwhile (or boosts of deleted ones) are skipped. It
// returns the recipients of the statuses in trim (a subset of statusIDs),
// ascending, for the caller to cap their feeds; they are read before the
// rows are written, so a boost's may include a follower who gets the
// boosted post itself in the same batch (one feed more is capped, none
// missed).
func (s *Store) FanoutStatuses(ctx context.Context, statusIDs, trim []int64, spec FanoutSpec) ([]int64, error) {
	if len(statusIDs) == 0 {
		return nil, nil
	}
	var recipients []int64
	if len(trim) > 0 {
		var err error
		if recipients, err = s.fanoutRecipients(ctx, trim, spec); err != nil {
			return nil, err
		}
	}
	in := literalIDs(statusIDs)
	for _, sel := range []string{fanoutOriginals, fanoutMentioned} {
		if _, err := s.q.ExecContext(ctx, fanoutActive+feedInsert+sel+" AND s.id IN "+in+feedConflict,
			ms(spec.ActiveSince), ms(spec.Now)); err != nil {
			return nil, err
		}
	}
	boosts, err := scanIDs(s.q.QueryContext(ctx, "SELECT id FROM statuses WHERE id IN "+in+
		" AND +reblog_of_id IS NOT NULL ORDER BY id"))
	if err != nil {
		return nil, err
	}
	for _, id := range boosts {
		if _, err := s.q.ExecContext(ctx, fanoutActive+feedInsert+fanoutBoosts+" AND s.id = $3"+feedConflict,
			ms(spec.ActiveSince), ms(spec.Now), id); err != nil {
			return nil, err
		}
	}
	return recipients, nil
}

// fanoutRecipients lists who FanoutStatuses would give any of statusIDs
// (ascending, without repeats).
func (s *Store) fanoutRecipients(ctx context.Context, statusIDs []int64, spec FanoutSpec) ([]int64, error) {
	in := literalIDs(statusIDs)
	q := fanoutActive + "SELECT DISTINCT account_id FROM ("
	for i, sel := range []string{fanoutOriginals, fanoutMentioned, fanoutBoosts} {
		if i > 0 {
			q += " UNION ALL "
		}
		q += sel + " AND s.id IN " + in
	}
	return scanIDs(s.q.QueryContext(ctx, q+") r ORDER BY account_id", ms(spec.ActiveSince), ms(spec.Now)))
}

const (
	feedInsert   = "INSERT INTO home_feed (account_id, status_id, author_id, reblog_of_id) "
	feedConflict = " ON CONFLICT DO NOTHING"

	// fanoutActive lists the users active since $1 once per statement.
	// SQLite keeps it in a temporary index behind a Bloom filter, so the
	// four followers in five who are inactive cost a bit test each rather
	// than an index search (a third of the fan-out's reads on the bench).
	fanoutActive = `WITH active AS MATERIALIZED (SELECT account_id FROM users WHERE last_active_at >= $1) `

	// The three SELECTs of FanoutStatuses ($2 now), after fanoutActive;
	// each ends in a WHERE clause the caller extends with the statuses to
	// write. Each starts from the statuses (primary key), then the author's
	// followers as a range of follows_fanout, then the active ones. The
	// per-recipient checks name u.account_id rather than f.account_id so
	// that SQLite runs them only for active followers. The unary plus keeps
	// SQLite off statuses_reblog: without ANALYZE it would walk that index
	// for "reblog_of_id IS NULL" rather than look up a long list of ids.
	// A boost's own row does not count as the feed having its original:
	// streams ask who gets a boost once its fan-out may have run.
	fanoutOriginals = `SELECT f.account_id, s.id AS status_id, s.account_id AS author_id, s.reblog_of_id
		FROM statuses s
		JOIN follows f ON f.target_account_id = s.account_id
		JOIN active u ON u.account_id = f.account_id
		WHERE +s.reblog_of_id IS NULL AND s.visibility <> 'direct'
		AND (s.in_reply_to_account_id IS NULL OR s.in_reply_to_account_id = s.account_id
			OR f.account_id = s.in_reply_to_account_id
			OR EXISTS (SELECT 1 FROM follows f2 WHERE f2.account_id = u.account_id AND f2.target_account_id = s.in_reply_to_account_id))
		AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = u.account_id AND m.target_account_id = s.account_id
			AND (m.expires_at IS NULL OR m.expires_at > $2))
		AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = u.account_id AND b.target_account_id = s.account_id)` + notExclusive

	fanoutMentioned = `SELECT mn.account_id, s.id AS status_id, s.account_id AS author_id, s.reblog_of_id
		FROM statuses s
		JOIN mentions mn ON mn.status_id = s.id
		JOIN active u ON u.account_id = mn.account_id
		WHERE +s.reblog_of_id IS NULL AND s.visibility IN ('private', 'direct')
		AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = u.account_id AND m.target_account_id = s.account_id
			AND (m.expires_at IS NULL OR m.expires_at > $2))
		AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = u.account_id AND b.target_account_id = s.account_id)`

	fanoutBoosts = `SELECT f.account_id, s.id AS status_id, s.account_id AS author_id, s.reblog_of_id
		FROM statuses s
		JOIN statuses o ON o.id = s.reblog_of_id
		JOIN follows f ON f.target_account_id = s.account_id
		JOIN active u ON u.account_id = f.account_id
		WHERE s.visibility <> 'direct' AND f.show_reblogs AND f.account_id <> o.account_id
		AND NOT EXISTS (SELECT 1 FROM home_feed h WHERE h.account_id = u.account_id AND h.status_id <> s.id
			AND (h.status_id = s.reblog_of_id OR h.reblog_of_id = s.reblog_of_id))
		AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = u.account_id AND m.target_account_id IN (s.account_id, o.account_id)
			AND (m.expires_at IS NULL OR m.expires_at > $2))
		AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = u.account_id AND b.target_account_id IN (s.account_id, o.account_id))` + notExclusive
)

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
	for _, q := range []string{
		"DELETE FROM home_feed WHERE status_id = $1 OR reblog_of_id = $1",
		"DELETE FROM list_feed WHERE status_id = $1 OR reblog_of_id = $1",
	} {
		if _, err := s.q.ExecContext(ctx, q, statusID); err != nil {
			return err
		}
	}
	return nil
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
		if err = notFound(err); err == model.ErrNotFound {
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
