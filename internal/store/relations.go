package store

import (
	"context"
	"time"

	"herd/internal/db"
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
