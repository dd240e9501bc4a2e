package store

import (
	"context"
	"database/sql"
	"time"

	"herd/internal/db"
	"herd/internal/model"
)

// Relations is how one viewer stands with a set of other accounts, loaded
// in one batch (four queries) for visibility checks and relationships.
type Relations struct {
	Following  map[int64]bool // viewer follows them
	FollowedBy map[int64]bool // they follow viewer
	Blocking   map[int64]bool // viewer blocks them
	BlockedBy  map[int64]bool // they block viewer
	Muting     map[int64]bool // viewer mutes them (unexpired)
}

// RelationsOf loads the viewer's relations with others.
func (s *Store) RelationsOf(ctx context.Context, viewerID int64, others []int64) (*Relations, error) {
	r := &Relations{map[int64]bool{}, map[int64]bool{}, map[int64]bool{}, map[int64]bool{}, map[int64]bool{}}
	if viewerID == 0 || len(others) == 0 {
		return r, nil
	}
	in, args := db.In(2, others)
	args = append([]any{viewerID}, args...)
	for _, q := range []struct {
		sql string
		set map[int64]bool
	}{
		{"SELECT target_account_id FROM follows WHERE account_id = $1 AND target_account_id IN " + in, r.Following},
		{"SELECT account_id FROM follows WHERE target_account_id = $1 AND account_id IN " + in, r.FollowedBy},
		{"SELECT target_account_id FROM blocks WHERE account_id = $1 AND target_account_id IN " + in, r.Blocking},
		{"SELECT account_id FROM blocks WHERE target_account_id = $1 AND account_id IN " + in, r.BlockedBy},
	} {
		ids, err := scanIDs(s.q.QueryContext(ctx, q.sql, args...))
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			q.set[id] = true
		}
	}
	args = append(args, ms(time.Now()))
	ids, err := scanIDs(s.q.QueryContext(ctx, "SELECT target_account_id FROM mutes WHERE account_id = $1 AND target_account_id IN "+
		in+" AND (expires_at IS NULL OR expires_at > $"+itoa(len(args))+")", args...))
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		r.Muting[id] = true
	}
	return r, nil
}

// MentionedIn returns which of statusIDs mention accountID.
func (s *Store) MentionedIn(ctx context.Context, accountID int64, statusIDs []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if accountID == 0 || len(statusIDs) == 0 {
		return out, nil
	}
	in, args := db.In(2, statusIDs)
	ids, err := scanIDs(s.q.QueryContext(ctx, "SELECT status_id FROM mentions WHERE account_id = $1 AND status_id IN "+in,
		append([]any{accountID}, args...)...))
	for _, id := range ids {
		out[id] = true
	}
	return out, err
}

// RelationshipsOf loads everything Mastodon's Relationship entity says
// about how viewerID stands with each of others, in a fixed number of
// queries. Expired mutes count as no mute.
func (s *Store) RelationshipsOf(ctx context.Context, viewerID int64, others []int64, now time.Time) (map[int64]*model.Relationship, error) {
	out := make(map[int64]*model.Relationship, len(others))
	for _, id := range others {
		out[id] = &model.Relationship{ID: id}
	}
	if viewerID == 0 || len(others) == 0 {
		return out, nil
	}
	in, args := db.In(2, others)
	args = append([]any{viewerID}, args...)
	type query struct {
		sql  string
		scan func(rows *sql.Rows) error
	}
	options := func(set func(r *model.Relationship, reblogs, notify bool)) func(*sql.Rows) error {
		return func(rows *sql.Rows) error {
			var id int64
			var reblogs, notify bool
			if err := rows.Scan(&id, &reblogs, &notify); err != nil {
				return err
			}
			set(out[id], reblogs, notify)
			return nil
		}
	}
	flag := func(set func(r *model.Relationship)) func(*sql.Rows) error {
		return func(rows *sql.Rows) error {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			set(out[id])
			return nil
		}
	}
	queries := []query{
		{"SELECT target_account_id, show_reblogs, notify FROM follows WHERE account_id = $1 AND target_account_id IN " + in,
			options(func(r *model.Relationship, reblogs, notify bool) {
				r.Following, r.ShowingReblogs, r.Notifying = true, reblogs, notify
			})},
		{"SELECT target_account_id, show_reblogs, notify FROM follow_requests WHERE account_id = $1 AND target_account_id IN " + in,
			options(func(r *model.Relationship, reblogs, notify bool) {
				r.Requested, r.ShowingReblogs, r.Notifying = true, reblogs, notify
			})},
		{"SELECT account_id FROM follows WHERE target_account_id = $1 AND account_id IN " + in,
			flag(func(r *model.Relationship) { r.FollowedBy = true })},
		{"SELECT account_id FROM follow_requests WHERE target_account_id = $1 AND account_id IN " + in,
			flag(func(r *model.Relationship) { r.RequestedBy = true })},
		{"SELECT target_account_id FROM blocks WHERE account_id = $1 AND target_account_id IN " + in,
			flag(func(r *model.Relationship) { r.Blocking = true })},
		{"SELECT account_id FROM blocks WHERE target_account_id = $1 AND account_id IN " + in,
			flag(func(r *model.Relationship) { r.BlockedBy = true })},
		{"SELECT target_account_id, comment FROM account_notes WHERE account_id = $1 AND target_account_id IN " + in,
			func(rows *sql.Rows) error {
				var id int64
				var comment string
				if err := rows.Scan(&id, &comment); err != nil {
					return err
				}
				out[id].Note = comment
				return nil
			}},
		{"SELECT target_account_id, hide_notifications, expires_at FROM mutes WHERE account_id = $1 AND target_account_id IN " +
			in + " AND (expires_at IS NULL OR expires_at > $" + itoa(len(args)+1) + ")",
			func(rows *sql.Rows) error {
				var id int64
				var hide bool
				var exp sql.NullInt64
				if err := rows.Scan(&id, &hide, &exp); err != nil {
					return err
				}
				r := out[id]
				r.Muting, r.MutingNotifications, r.MutingExpiresAt = true, hide, fromNullMS(exp)
				return nil
			}},
	}
	for i, q := range queries {
		qargs := args
		if i == len(queries)-1 {
			qargs = append(append([]any{}, args...), ms(now))
		}
		if err := s.eachRow(ctx, q.sql, qargs, q.scan); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// eachRow runs a query and calls fn for every row.
func (s *Store) eachRow(ctx context.Context, q string, args []any, fn func(*sql.Rows) error) error {
	rows, err := s.q.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
