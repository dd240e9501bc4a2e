package store

import (
	"context"

	"herd/internal/model"
)

// FanoutLists writes statuses into the feeds of the lists that hold their
// authors, as FanoutStatuses does for home feeds and in the same
// transaction: lists whose owner was active since spec.ActiveSince, for
// statuses that are not direct, by members the owner follows (boosts only
// when the follow shows them) or by the owner, neither muted nor blocked
// by the owner. A reply to another account than its author and the owner
// reaches a list as its replies_policy says (Mastodon's
// FeedManager#filter_from_list?): "followed", when the owner follows the
// account replied to; "list", when that account is in the list; "none",
// never. A boost is skipped where the list already shows the boosted
// status or a boost of it. It returns the lists that statuses in trim
// reach, ascending, for the caller to cap.
func (s *Store) FanoutLists(ctx context.Context, statusIDs, trim []int64, spec FanoutSpec) ([]int64, error) {
	if len(statusIDs) == 0 {
		return nil, nil
	}
	var lists []int64
	if len(trim) > 0 {
		var err error
		in := literalIDs(trim)
		lists, err = scanIDs(s.q.QueryContext(ctx, fanoutActive+"SELECT DISTINCT list_id FROM ("+
			listOriginals+" AND s.id IN "+in+" UNION ALL "+listBoosts+" AND s.id IN "+in+") r ORDER BY list_id",
			ms(spec.ActiveSince), ms(spec.Now)))
		if err != nil {
			return nil, err
		}
	}
	in := literalIDs(statusIDs)
	if _, err := s.q.ExecContext(ctx, fanoutActive+listFeedInsert+listOriginals+" AND s.id IN "+in+feedConflict,
		ms(spec.ActiveSince), ms(spec.Now)); err != nil {
		return nil, err
	}
	boosts, err := scanIDs(s.q.QueryContext(ctx, "SELECT id FROM statuses WHERE id IN "+in+
		" AND +reblog_of_id IS NOT NULL ORDER BY id"))
	if err != nil {
		return nil, err
	}
	for _, id := range boosts {
		if _, err := s.q.ExecContext(ctx, fanoutActive+listFeedInsert+listBoosts+" AND s.id = $3"+feedConflict,
			ms(spec.ActiveSince), ms(spec.Now), id); err != nil {
			return nil, err
		}
	}
	return lists, nil
}

const (
	listFeedInsert = "INSERT INTO list_feed (list_id, status_id, author_id, reblog_of_id) "

	// listMember joins a status (s) to the lists (l) holding its author
	// whose owner (u) was active lately and follows the author or is it.
	listMember = `FROM statuses s
		JOIN list_accounts la ON la.account_id = s.account_id
		JOIN lists l ON l.id = la.list_id
		JOIN active u ON u.account_id = l.account_id
		WHERE s.visibility <> 'direct'
		AND (u.account_id = s.account_id OR EXISTS (SELECT 1 FROM follows f WHERE f.account_id = u.account_id
			AND f.target_account_id = s.account_id AND (s.reblog_of_id IS NULL OR f.show_reblogs)))`

	// listReplies is the replies_policy of FanoutLists.
	listReplies = ` AND (s.in_reply_to_account_id IS NULL OR s.in_reply_to_account_id = s.account_id
			OR s.in_reply_to_account_id = u.account_id
			OR (l.replies_policy = 'followed' AND EXISTS (SELECT 1 FROM follows f2
				WHERE f2.account_id = u.account_id AND f2.target_account_id = s.in_reply_to_account_id))
			OR (l.replies_policy = 'list' AND EXISTS (SELECT 1 FROM list_accounts la2
				WHERE la2.list_id = l.id AND la2.account_id = s.in_reply_to_account_id)))`

	listOriginals = `SELECT l.id AS list_id, s.id AS status_id, s.account_id AS author_id, s.reblog_of_id ` + listMember +
		` AND +s.reblog_of_id IS NULL` + listReplies + `
		AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = u.account_id AND m.target_account_id = s.account_id
			AND (m.expires_at IS NULL OR m.expires_at > $2))
		AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = u.account_id AND b.target_account_id = s.account_id)`

	listBoosts = `SELECT l.id AS list_id, s.id AS status_id, s.account_id AS author_id, s.reblog_of_id ` + listMember + `
		AND EXISTS (SELECT 1 FROM statuses o WHERE o.id = s.reblog_of_id AND o.account_id <> u.account_id
			AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = u.account_id AND m.target_account_id IN (s.account_id, o.account_id)
				AND (m.expires_at IS NULL OR m.expires_at > $2))
			AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = u.account_id AND b.target_account_id IN (s.account_id, o.account_id)))
		AND NOT EXISTS (SELECT 1 FROM list_feed h WHERE h.list_id = l.id
			AND (h.status_id = s.reblog_of_id OR h.reblog_of_id = s.reblog_of_id))`

	// notExclusive keeps a status out of the home feed of a recipient (u)
	// who has its author in an exclusive list.
	notExclusive = ` AND NOT EXISTS (SELECT 1 FROM list_accounts lx JOIN lists l ON l.id = lx.list_id
			WHERE lx.account_id = s.account_id AND l.account_id = u.account_id AND l.exclusive)`
)

// BackfillListFeed copies a member's latest statuses into a list's feed,
// as FanoutLists would have written them (the member was just added, or
// the feed is being rebuilt), whether or not the owner is active.
func (s *Store) BackfillListFeed(ctx context.Context, listID, memberID int64, limit int, now int64) error {
	// Every owner counts as active here: the one reading or editing the
	// list is.
	_, err := s.q.ExecContext(ctx, `WITH active AS (SELECT account_id FROM lists WHERE id = $3) `+
		listFeedInsert+`SELECT list_id, status_id, author_id, reblog_of_id FROM (`+listOriginals+
		` AND l.id = $3 AND s.account_id = $1 ORDER BY s.id DESC LIMIT $4) r WHERE true`+feedConflict, // WHERE: SQLite would read ON as a join's
		memberID, now, listID, limit)
	return err
}

// ListFeedPage returns a page of status ids from a list's feed, newest
// first, through the primary key (the cost is the page size).
func (s *Store) ListFeedPage(ctx context.Context, listID int64, p model.Page) ([]int64, error) {
	q, args, order := pageQuery(p, "status_id", "list_feed", "status_id", []string{"list_id = $1"}, []any{listID})
	ids, err := scanIDs(s.queryFixed(ctx, q, args...))
	reverseIfAsc(order, ids)
	return ids, err
}

// TrimListFeeds caps lists' feeds at keep rows each.
func (s *Store) TrimListFeeds(ctx context.Context, listIDs []int64, keep int) error {
	for _, id := range listIDs {
		if _, err := s.q.ExecContext(ctx, `DELETE FROM list_feed WHERE list_id = $1 AND status_id <= COALESCE(
			(SELECT status_id FROM list_feed WHERE list_id = $1 ORDER BY status_id DESC LIMIT 1 OFFSET $2), 0)`,
			id, keep); err != nil {
			return err
		}
	}
	return nil
}

// ClearListFeedsOf empties the feeds of an account's lists (fan-out
// skipped them while the account was away; each is rebuilt when read).
func (s *Store) ClearListFeedsOf(ctx context.Context, accountID int64) error {
	_, err := s.q.ExecContext(ctx, "DELETE FROM list_feed WHERE list_id IN (SELECT id FROM lists WHERE account_id = $1)", accountID)
	return err
}

// DeleteListFeedByAuthor removes an author's statuses and boosts from the
// feeds of an account's lists (the account blocked or muted the author).
func (s *Store) DeleteListFeedByAuthor(ctx context.Context, ownerID, authorID int64) error {
	_, err := s.q.ExecContext(ctx, "DELETE FROM list_feed WHERE list_id IN (SELECT id FROM lists WHERE account_id = $1) AND author_id = $2",
		ownerID, authorID)
	return err
}

// ListFeedHit is one status found in one list's feed.
type ListFeedHit struct {
	ListID, StatusID int64
}

// ListFeedHits finds which statuses with ids in [minID, maxID] the feeds
// of listIDs hold (one primary-key range per list), for the streams.
func (s *Store) ListFeedHits(ctx context.Context, listIDs []int64, minID, maxID int64) ([]ListFeedHit, error) {
	if len(listIDs) == 0 {
		return nil, nil
	}
	rows, err := s.q.QueryContext(ctx, "SELECT list_id, status_id FROM list_feed WHERE list_id IN "+literalIDs(listIDs)+
		" AND status_id >= $1 AND status_id <= $2", minID, maxID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ListFeedHit
	for rows.Next() {
		var h ListFeedHit
		if err := rows.Scan(&h.ListID, &h.StatusID); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}
