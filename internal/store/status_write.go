package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"herd/internal/db"
	"herd/internal/ids"
	"herd/internal/model"
)

// CountNewStatus bumps an author's statuses_count by delta and, for a new
// post (at != nil), sets last_status_at, in one statement.
//
// It returns the account's live part as this transaction leaves it, so
// the answer to a post can show the author's new counters without reading
// them back.
func (s *Store) CountNewStatus(ctx context.Context, accountID, delta int64, at *time.Time) (AccountLive, error) {
	var l AccountLive
	var last, susp sql.NullInt64
	err := s.q.QueryRowContext(ctx, `UPDATE accounts SET
		statuses_count = CASE WHEN statuses_count + $2 < 0 THEN 0 ELSE statuses_count + $2 END,
		last_status_at = COALESCE($3, last_status_at) WHERE id = $1
		RETURNING statuses_count, followers_count, following_count, last_status_at, suspended_at`,
		accountID, delta, nullMS(at)).Scan(&l.StatusesCount, &l.FollowersCount, &l.FollowingCount, &last, &susp)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil // a deleted author: nothing to count
	}
	l.LastStatusAt, l.SuspendedAt = fromNullMS(last), fromNullMS(susp)
	return l, s.accountCountsChanged(ctx, err, false, accountID) // status.created/deleted names the author
}

// UpsertTags makes sure a tag row exists for every name (as written) and
// returns the tags keyed by lowercased name. Concurrent posters racing on a
// new tag are both served by ON CONFLICT on tags_name_lower.
func (s *Store) UpsertTags(ctx context.Context, names map[string]string, now time.Time) (map[string]model.Tag, error) {
	out := make(map[string]model.Tag, len(names))
	for lower, name := range names {
		// Most tags exist already: look first, insert only when missing.
		t, err := s.TagByName(ctx, lower)
		if err == model.ErrNotFound {
			if _, err := s.q.ExecContext(ctx, `INSERT INTO tags (id, name, name_lower, created_at) VALUES ($1,$2,$3,$4)
				ON CONFLICT DO NOTHING`, ids.New(), name, lower, ms(now)); err != nil {
				return nil, err
			}
			t, err = s.TagByName(ctx, lower)
		}
		if err != nil {
			return nil, err
		}
		out[lower] = *t
	}
	return out, nil
}

// SetStatusTags replaces the hashtags of a status (after an edit).
func (s *Store) SetStatusTags(ctx context.Context, statusID int64, tagIDs []int64) error {
	if _, err := s.q.ExecContext(ctx, "DELETE FROM status_tags WHERE status_id = $1", statusID); err != nil {
		return err
	}
	return s.AddStatusTags(ctx, statusID, tagIDs)
}

// AddStatusTags tags a status.
func (s *Store) AddStatusTags(ctx context.Context, statusID int64, tagIDs []int64) error {
	for _, id := range tagIDs {
		if _, err := s.q.ExecContext(ctx, "INSERT INTO status_tags (status_id, tag_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
			statusID, id); err != nil {
			return err
		}
	}
	return nil
}

// AddMentions records mentions, ignoring ones already there (an edit
// re-mentioning someone).
func (s *Store) AddMentions(ctx context.Context, statusID int64, accountIDs []int64) error {
	for _, id := range accountIDs {
		if _, err := s.q.ExecContext(ctx, "INSERT INTO mentions (status_id, account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
			statusID, id); err != nil {
			return err
		}
	}
	return nil
}

// IdempotentStatus returns the status an account posted under an
// Idempotency-Key since since, or model.ErrNotFound.
func (s *Store) IdempotentStatus(ctx context.Context, accountID int64, key string, since time.Time) (int64, error) {
	var id int64
	err := s.q.QueryRowContext(ctx, `SELECT status_id FROM idempotency_keys WHERE account_id = $1 AND key = $2
		AND created_at >= $3`, accountID, key, ms(since)).Scan(&id)
	return id, notFound(err)
}

// ClaimIdempotencyKey remembers which status a key produces, replacing an
// entry older than expiredBefore. It returns ErrDuplicate when a live entry
// exists (a concurrent request with the same key committed first): on
// PostgreSQL the second insert waits for the first and then sees it.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, accountID int64, key string, statusID int64, now, expiredBefore time.Time) error {
	n, err := affected(s.q.ExecContext(ctx, `INSERT INTO idempotency_keys (account_id, key, status_id, created_at)
		VALUES ($1,$2,$3,$4) ON CONFLICT (account_id, key) DO UPDATE SET status_id = excluded.status_id,
		created_at = excluded.created_at WHERE idempotency_keys.created_at < $5`,
		accountID, key, statusID, ms(now), ms(expiredBefore)))
	if err == nil && n == 0 {
		return ErrDuplicate
	}
	return err
}

// PruneIdempotencyKeys forgets keys older than before.
func (s *Store) PruneIdempotencyKeys(ctx context.Context, before time.Time) error {
	_, err := s.q.ExecContext(ctx, "DELETE FROM idempotency_keys WHERE created_at < $1", ms(before))
	return err
}

// NotifyFollowers lists the followers of an account who asked to be
// notified of its posts (follows.notify).
func (s *Store) NotifyFollowers(ctx context.Context, accountID int64) ([]int64, error) {
	return s.queryIDs(ctx, "SELECT account_id FROM follows WHERE target_account_id = $1 AND notify", accountID)
}

// ReblogsOf lists the boosts of a status (id and booster), oldest first.
func (s *Store) ReblogsOf(ctx context.Context, statusID int64) ([]*model.Status, error) {
	return scanStatuses(s.q.QueryContext(ctx, "SELECT "+statusCols+" FROM statuses WHERE reblog_of_id = $1 ORDER BY id", statusID))
}

// ReblogBy finds an account's boost of a status, or model.ErrNotFound.
func (s *Store) ReblogBy(ctx context.Context, accountID, statusID int64) (*model.Status, error) {
	return scanStatus(s.q.QueryRowContext(ctx, "SELECT "+statusCols+" FROM statuses WHERE account_id = $1 AND reblog_of_id = $2",
		accountID, statusID))
}

// AppsByIDs batch-loads the apps statuses were posted with, keyed by id.
func (s *Store) AppsByIDs(ctx context.Context, appIDs []int64) (map[int64]*model.App, error) {
	out := make(map[int64]*model.App, len(appIDs))
	if len(appIDs) == 0 {
		return out, nil
	}
	in, args := db.In(1, appIDs)
	rows, err := s.q.QueryContext(ctx, "SELECT id, name, website FROM apps WHERE id IN "+in, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a model.App
		if err := rows.Scan(&a.ID, &a.Name, &a.Website); err != nil {
			return nil, err
		}
		out[a.ID] = &a
	}
	return out, rows.Err()
}
