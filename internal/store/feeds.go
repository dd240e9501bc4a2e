package store

import (
	"context"
	"fmt"
	"strings"

	"herd/internal/db"
	"herd/internal/model"
)

// FeedRow is one entry of an account's home feed.
type FeedRow struct {
	AccountID  int64 // whose feed
	StatusID   int64
	AuthorID   int64 // who posted it (the booster, for a boost)
	ReblogOfID int64 // 0 unless a boost
}

// InsertFeedRows adds rows to home feeds in one statement, ignoring rows
// already present (a retried fan-out job must not fail).
func (s *Store) InsertFeedRows(ctx context.Context, rows []FeedRow) error {
	if len(rows) == 0 {
		return nil
	}
	var b strings.Builder
	args := make([]any, 0, len(rows)*4)
	b.WriteString("INSERT INTO home_feed (account_id, status_id, author_id, reblog_of_id) VALUES ")
	// SQLite looks $N parameters up by name in a list, which makes a
	// 2,000-parameter statement quadratic to parse and bind; anonymous ?
	// parameters cost nothing, so SQLite gets those.
	sqlite := s.Dialect() == db.SQLite
	for i, r := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		if sqlite {
			b.WriteString("(?,?,?,?)")
		} else {
			n := len(args)
			fmt.Fprintf(&b, "($%d,$%d,$%d,$%d)", n+1, n+2, n+3, n+4)
		}
		args = append(args, r.AccountID, r.StatusID, r.AuthorID, nullID(r.ReblogOfID))
	}
	b.WriteString(" ON CONFLICT DO NOTHING")
	_, err := s.q.ExecContext(ctx, b.String(), args...)
	return err
}

// HomeFeedPage returns a page of status ids from an account's home feed,
// newest first, using the (account_id, status_id) primary key: the cost is
// the page size, not the number of follows.
func (s *Store) HomeFeedPage(ctx context.Context, accountID int64, p model.Page) ([]int64, error) {
	q, args, order := pageQuery(p, "status_id", "home_feed", "status_id", []string{"account_id = $1"}, []any{accountID})
	ids, err := scanIDs(s.queryFixed(ctx, q, args...)) // a few texts (cursors, limit): kept prepared
	reverseIfAsc(order, ids)
	return ids, err
}

// DeleteFeedByAuthor removes an author's statuses and boosts from an
// account's home feed and the feeds of its lists (unfollow, block, mute),
// reading each feed (capped at ~800 rows) through the primary key: an
// index on author_id would cost every fan-out row one more page write.
func (s *Store) DeleteFeedByAuthor(ctx context.Context, accountID, authorID int64) error {
	if _, err := s.q.ExecContext(ctx, "DELETE FROM home_feed WHERE account_id = $1 AND author_id = $2", accountID, authorID); err != nil {
		return err
	}
	return s.DeleteListFeedByAuthor(ctx, accountID, authorID)
}

// DeleteHomeFeedByAuthor removes an author's statuses and boosts from an
// account's home feed only (the author joined one of its exclusive lists).
func (s *Store) DeleteHomeFeedByAuthor(ctx context.Context, accountID, authorID int64) error {
	_, err := s.q.ExecContext(ctx, "DELETE FROM home_feed WHERE account_id = $1 AND author_id = $2", accountID, authorID)
	return err
}

// BackfillFeed copies an author's latest limit statuses visible to
// followers into an account's feed (after a follow), unless the account
// has the author in an exclusive list.
func (s *Store) BackfillFeed(ctx context.Context, accountID, authorID int64, limit int) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO home_feed (account_id, status_id, author_id, reblog_of_id)
		SELECT $1, id, account_id, reblog_of_id FROM statuses
		WHERE account_id = $2 AND visibility IN ('public', 'unlisted', 'private')
		AND NOT EXISTS (SELECT 1 FROM list_accounts lx JOIN lists l ON l.id = lx.list_id
			WHERE lx.account_id = $2 AND l.account_id = $1 AND l.exclusive)
		ORDER BY id DESC LIMIT $3
		ON CONFLICT DO NOTHING`, accountID, authorID, limit)
	return err
}

// TrimFeed keeps only an account's newest keep rows.
func (s *Store) TrimFeed(ctx context.Context, accountID int64, keep int) error {
	// The row at OFFSET keep is the newest one to go.
	_, err := s.q.ExecContext(ctx, `DELETE FROM home_feed WHERE account_id = $1 AND status_id <= COALESCE(
		(SELECT status_id FROM home_feed WHERE account_id = $1 ORDER BY status_id DESC LIMIT 1 OFFSET $2), 0)`,
		accountID, keep)
	return err
}
