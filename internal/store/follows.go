package store

import (
	"context"
	"database/sql"

	"herd/internal/db"
	"herd/internal/model"
)

// CountFollowRequests counts pending follow requests to an account.
func (s *Store) CountFollowRequests(ctx context.Context, targetID int64) (int64, error) {
	var n int64
	err := s.q.QueryRowContext(ctx, "SELECT COUNT(*) FROM follow_requests WHERE target_account_id = $1", targetID).Scan(&n)
	return n, err
}

const followCols = "id, account_id, target_account_id, show_reblogs, notify, uri, created_at"

func scanFollow(row *sql.Row) (*model.Follow, error) {
	var f model.Follow
	var created int64
	if err := row.Scan(&f.ID, &f.AccountID, &f.TargetAccountID, &f.ShowReblogs, &f.Notify, &f.URI, &created); err != nil {
		return nil, notFound(err)
	}
	f.CreatedAt = fromMS(created)
	return &f, nil
}

// FollowBetween loads the accepted follow of accountID to targetID.
func (s *Store) FollowBetween(ctx context.Context, accountID, targetID int64) (*model.Follow, error) {
	return scanFollow(s.q.QueryRowContext(ctx, "SELECT "+followCols+
		" FROM follows WHERE account_id = $1 AND target_account_id = $2", accountID, targetID))
}

// FollowRequestBetween loads the pending request of accountID to targetID.
func (s *Store) FollowRequestBetween(ctx context.Context, accountID, targetID int64) (*model.Follow, error) {
	return scanFollow(s.q.QueryRowContext(ctx, "SELECT "+followCols+
		" FROM follow_requests WHERE account_id = $1 AND target_account_id = $2", accountID, targetID))
}

// InsertFollow stores an accepted follow unless the pair already has one;
// inserted tells whether a row was added, so counters move only once even
// when two requests race. remote_follower is read from the follower's row
// (see HasRemoteFollowers).
func (s *Store) InsertFollow(ctx context.Context, f *model.Follow) (inserted bool, err error) {
	n, err := affected(s.q.ExecContext(ctx, `INSERT INTO follows (`+followCols+`, remote_follower)
		VALUES ($1,$2,$3,$4,$5,$6,$7, EXISTS (SELECT 1 FROM accounts WHERE id = $2 AND domain <> ''))
		ON CONFLICT DO NOTHING`,
		f.ID, f.AccountID, f.TargetAccountID, f.ShowReblogs, f.Notify, f.URI, ms(f.CreatedAt)))
	if err == nil && n > 0 {
		err = s.viewerChanged(ctx, f.AccountID)
	}
	return n > 0, err
}

// InsertFollowRequest stores a pending follow request unless the pair
// already has one.
func (s *Store) InsertFollowRequest(ctx context.Context, f *model.Follow) (inserted bool, err error) {
	n, err := affected(s.q.ExecContext(ctx, `INSERT INTO follow_requests (`+followCols+`)
		VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT DO NOTHING`,
		f.ID, f.AccountID, f.TargetAccountID, f.ShowReblogs, f.Notify, f.URI, ms(f.CreatedAt)))
	return n > 0, err
}

// UpdateFollowOptions changes whether a follower sees the target's boosts
// and is notified of its posts.
func (s *Store) UpdateFollowOptions(ctx context.Context, accountID, targetID int64, showReblogs, notify bool) error {
	_, err := s.q.ExecContext(ctx, `UPDATE follows SET show_reblogs = $3, notify = $4
		WHERE account_id = $1 AND target_account_id = $2`, accountID, targetID, showReblogs, notify)
	return err
}

// UpdateFollowRequestOptions is UpdateFollowOptions for a pending request.
func (s *Store) UpdateFollowRequestOptions(ctx context.Context, accountID, targetID int64, showReblogs, notify bool) error {
	_, err := s.q.ExecContext(ctx, `UPDATE follow_requests SET show_reblogs = $3, notify = $4
		WHERE account_id = $1 AND target_account_id = $2`, accountID, targetID, showReblogs, notify)
	return err
}

// DeleteFollow removes an accepted follow; deleted tells whether one existed.
func (s *Store) DeleteFollow(ctx context.Context, accountID, targetID int64) (deleted bool, err error) {
	n, err := affected(s.q.ExecContext(ctx, "DELETE FROM follows WHERE account_id = $1 AND target_account_id = $2",
		accountID, targetID))
	if err == nil && n > 0 {
		err = s.viewerChanged(ctx, accountID)
	}
	return n > 0, err
}

// DeleteFollowRequest removes a pending request; deleted tells whether one existed.
func (s *Store) DeleteFollowRequest(ctx context.Context, accountID, targetID int64) (deleted bool, err error) {
	n, err := affected(s.q.ExecContext(ctx, "DELETE FROM follow_requests WHERE account_id = $1 AND target_account_id = $2",
		accountID, targetID))
	return n > 0, err
}

// AccountCursor is one account in a list paged by another row's id (a
// follow, block, mute or request), as Mastodon pages those lists.
type AccountCursor struct {
	Cursor    int64 // the follow/block/mute/request row id
	AccountID int64
}

func scanCursors(rows *sql.Rows, err error) ([]AccountCursor, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AccountCursor
	for rows.Next() {
		var c AccountCursor
		if err := rows.Scan(&c.Cursor, &c.AccountID); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ListFilter narrows an account list for a viewer: suspended accounts are
// always left out, and with a viewer (ViewerID != 0) so are accounts in a
// block either way with the viewer and accounts the viewer mutes (Mastodon's
// not_excluded_by_account).
type ListFilter struct {
	ViewerID int64
	Now      int64 // unix ms, to ignore expired mutes
}

// exclusion returns the WHERE conditions hiding accounts in column col.
func (f ListFilter) exclusion(col string, conds []string, args []any) ([]string, []any) {
	conds = append(conds, "a.suspended_at IS NULL")
	if f.ViewerID == 0 {
		return conds, args
	}
	args = append(args, f.ViewerID, f.Now)
	v, now := "$"+itoa(len(args)-1), "$"+itoa(len(args))
	conds = append(conds,
		"NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = "+v+" AND b.target_account_id = "+col+
			") OR (b.account_id = "+col+" AND b.target_account_id = "+v+"))",
		"NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = "+v+" AND m.target_account_id = "+col+
			" AND (m.expires_at IS NULL OR m.expires_at > "+now+"))")
	return conds, args
}

// pageAccounts runs a cursor page over table t (alias r) whose account
// column is col, joined to accounts for the filter.
func (s *Store) pageAccounts(ctx context.Context, t, col, ownerCol string, ownerID int64, f ListFilter, p model.Page) ([]AccountCursor, error) {
	conds, args := f.exclusion("r."+col, []string{"r." + ownerCol + " = $1"}, []any{ownerID})
	q, args, order := pageQuery(p, "r.id, r."+col, t+" r JOIN accounts a ON a.id = r."+col, "r.id", conds, args)
	out, err := scanCursors(s.q.QueryContext(ctx, q, args...))
	reverseIfAsc(order, out)
	return out, err
}

// FollowersPage pages the accounts following targetID, newest follow first.
func (s *Store) FollowersPage(ctx context.Context, targetID int64, f ListFilter, p model.Page) ([]AccountCursor, error) {
	return s.pageAccounts(ctx, "follows", "account_id", "target_account_id", targetID, f, p)
}

// FollowingPage pages the accounts accountID follows, newest follow first.
func (s *Store) FollowingPage(ctx context.Context, accountID int64, f ListFilter, p model.Page) ([]AccountCursor, error) {
	return s.pageAccounts(ctx, "follows", "target_account_id", "account_id", accountID, f, p)
}

// FollowRequestsPage pages the accounts asking to follow targetID.
func (s *Store) FollowRequestsPage(ctx context.Context, targetID int64, p model.Page) ([]AccountCursor, error) {
	return s.pageAccounts(ctx, "follow_requests", "account_id", "target_account_id", targetID, ListFilter{}, p)
}

// FamiliarFollowers returns, for each of targets, the accounts viewerID
// follows that follow it, leaving out accounts that hide their
// collections (Mastodon's FamiliarFollowersPresenter), in one query.
func (s *Store) FamiliarFollowers(ctx context.Context, viewerID int64, targets []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if viewerID == 0 || len(targets) == 0 {
		return out, nil
	}
	in, args := db.In(2, targets)
	rows, err := s.q.QueryContext(ctx, `SELECT f.target_account_id, f.account_id FROM follows f
		JOIN follows mine ON mine.account_id = $1 AND mine.target_account_id = f.account_id
		JOIN accounts a ON a.id = f.account_id
		WHERE f.target_account_id IN `+in+` AND NOT a.hide_collections AND a.suspended_at IS NULL
		ORDER BY f.id DESC`, append([]any{viewerID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var target, follower int64
		if err := rows.Scan(&target, &follower); err != nil {
			return nil, err
		}
		out[target] = append(out[target], follower)
	}
	return out, rows.Err()
}

// FollowRequestsTo loads every pending request to targetID, oldest first
// (an account that unlocks accepts them all).
func (s *Store) FollowRequestsTo(ctx context.Context, targetID int64) ([]*model.Follow, error) {
	rows, err := s.q.QueryContext(ctx, "SELECT "+followCols+" FROM follow_requests WHERE target_account_id = $1 ORDER BY id",
		targetID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*model.Follow
	for rows.Next() {
		var f model.Follow
		var created int64
		if err := rows.Scan(&f.ID, &f.AccountID, &f.TargetAccountID, &f.ShowReblogs, &f.Notify, &f.URI, &created); err != nil {
			return nil, err
		}
		f.CreatedAt = fromMS(created)
		out = append(out, &f)
	}
	return out, rows.Err()
}
