package store

import (
	"context"

	"herd/internal/model"
)

const listColumns = "id, account_id, title, replies_policy, exclusive, created_at, updated_at"

func scanList(sc interface{ Scan(...any) error }) (*model.List, error) {
	var l model.List
	var created, updated int64
	if err := sc.Scan(&l.ID, &l.AccountID, &l.Title, &l.RepliesPolicy, &l.Exclusive, &created, &updated); err != nil {
		return nil, err
	}
	l.CreatedAt, l.UpdatedAt = fromMS(created), fromMS(updated)
	return &l, nil
}

func (s *Store) queryLists(ctx context.Context, q string, args ...any) ([]*model.List, error) {
	rows, err := s.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.List{}
	for rows.Next() {
		l, err := scanList(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// InsertList stores a new list.
func (s *Store) InsertList(ctx context.Context, l *model.List) error {
	_, err := s.q.ExecContext(ctx, "INSERT INTO lists ("+listColumns+") VALUES ($1,$2,$3,$4,$5,$6,$7)",
		l.ID, l.AccountID, l.Title, l.RepliesPolicy, l.Exclusive, ms(l.CreatedAt), ms(l.UpdatedAt))
	return err
}

// UpdateList stores a list's title, replies policy and exclusivity.
func (s *Store) UpdateList(ctx context.Context, l *model.List) error {
	_, err := s.q.ExecContext(ctx, "UPDATE lists SET title = $2, replies_policy = $3, exclusive = $4, updated_at = $5 WHERE id = $1",
		l.ID, l.Title, l.RepliesPolicy, l.Exclusive, ms(l.UpdatedAt))
	return err
}

// DeleteList removes a list with its members and its feed.
func (s *Store) DeleteList(ctx context.Context, id int64) error {
	for _, q := range []string{
		"DELETE FROM list_feed WHERE list_id = $1",
		"DELETE FROM list_accounts WHERE list_id = $1",
		"DELETE FROM lists WHERE id = $1",
	} {
		if _, err := s.q.ExecContext(ctx, q, id); err != nil {
			return err
		}
	}
	return nil
}

// ListByID loads one list (model.ErrNotFound when there is none).
func (s *Store) ListByID(ctx context.Context, id int64) (*model.List, error) {
	l, err := scanList(s.q.QueryRowContext(ctx, "SELECT "+listColumns+" FROM lists WHERE id = $1", id))
	return l, notFound(err)
}

// ListsOf lists an account's lists, oldest first (Mastodon answers them
// unpaged: there are at most 50).
func (s *Store) ListsOf(ctx context.Context, accountID int64) ([]*model.List, error) {
	return s.queryLists(ctx, "SELECT "+listColumns+" FROM lists WHERE account_id = $1 ORDER BY id", accountID)
}

// CountListsOf counts an account's lists.
func (s *Store) CountListsOf(ctx context.Context, accountID int64) (int, error) {
	var n int
	err := s.q.QueryRowContext(ctx, "SELECT COUNT(*) FROM lists WHERE account_id = $1", accountID).Scan(&n)
	return n, err
}

// ListsContaining lists ownerID's lists that memberID is in, oldest first.
func (s *Store) ListsContaining(ctx context.Context, ownerID, memberID int64) ([]*model.List, error) {
	return s.queryLists(ctx, "SELECT "+listColumns+` FROM lists WHERE account_id = $1
		AND id IN (SELECT list_id FROM list_accounts WHERE account_id = $2) ORDER BY id`, ownerID, memberID)
}

// AddListAccount puts an account in a list; false when it was there already.
func (s *Store) AddListAccount(ctx context.Context, listID, accountID int64) (bool, error) {
	res, err := s.q.ExecContext(ctx, "INSERT INTO list_accounts (list_id, account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
		listID, accountID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// RemoveListAccount takes an account out of a list, with its statuses and
// boosts from the list's feed.
func (s *Store) RemoveListAccount(ctx context.Context, listID, accountID int64) error {
	for _, q := range []string{
		"DELETE FROM list_accounts WHERE list_id = $1 AND account_id = $2",
		"DELETE FROM list_feed WHERE list_id = $1 AND author_id = $2",
	} {
		if _, err := s.q.ExecContext(ctx, q, listID, accountID); err != nil {
			return err
		}
	}
	return nil
}

// LeaveListsOf takes memberID out of every list of ownerID (the owner no
// longer follows it), with its statuses from those lists' feeds.
func (s *Store) LeaveListsOf(ctx context.Context, ownerID, memberID int64) error {
	lists, err := scanIDs(s.q.QueryContext(ctx, `SELECT l.id FROM lists l JOIN list_accounts la ON la.list_id = l.id
		WHERE l.account_id = $1 AND la.account_id = $2`, ownerID, memberID))
	if err != nil {
		return err
	}
	for _, id := range lists {
		if err := s.RemoveListAccount(ctx, id, memberID); err != nil {
			return err
		}
	}
	return nil
}

// ListAccountsPage pages a list's members by account id, newest first,
// leaving out suspended accounts (Mastodon's Lists::AccountsController);
// all asks for every member, unpaged (Mastodon's limit=0). The cursor is
// the account id.
func (s *Store) ListAccountsPage(ctx context.Context, listID int64, p model.Page, all bool) ([]AccountCursor, error) {
	conds, args := []string{"la.list_id = $1", "a.suspended_at IS NULL"}, []any{listID}
	if all {
		return scanCursors(s.q.QueryContext(ctx, "SELECT la.account_id, la.account_id FROM list_accounts la JOIN accounts a ON a.id = la.account_id WHERE "+
			conds[0]+" AND "+conds[1]+" ORDER BY la.account_id DESC", args...))
	}
	q, args, order := pageQuery(p, "la.account_id, la.account_id", "list_accounts la JOIN accounts a ON a.id = la.account_id", "la.account_id", conds, args)
	out, err := scanCursors(s.q.QueryContext(ctx, q, args...))
	reverseIfAsc(order, out)
	return out, err
}

// ListMemberIDs lists up to limit of a list's members.
func (s *Store) ListMemberIDs(ctx context.Context, listID int64, limit int) ([]int64, error) {
	return scanIDs(s.q.QueryContext(ctx, "SELECT account_id FROM list_accounts WHERE list_id = $1 ORDER BY account_id LIMIT $2",
		listID, limit))
}

// FollowsOrRequested says whether accountID follows targetID or has asked
// to (a list may hold only such accounts, and its owner).
func (s *Store) FollowsOrRequested(ctx context.Context, accountID, targetID int64) (bool, error) {
	var ok bool
	err := s.q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM follows WHERE account_id = $1 AND target_account_id = $2)
		OR EXISTS (SELECT 1 FROM follow_requests WHERE account_id = $1 AND target_account_id = $2)`, accountID, targetID).Scan(&ok)
	return ok, err
}

// InExclusiveList says whether ownerID has memberID in an exclusive list.
func (s *Store) InExclusiveList(ctx context.Context, ownerID, memberID int64) (bool, error) {
	var ok bool
	err := s.q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM list_accounts la JOIN lists l ON l.id = la.list_id
		WHERE la.account_id = $2 AND l.account_id = $1 AND l.exclusive)`, ownerID, memberID).Scan(&ok)
	return ok, err
}
