package store

import (
	"context"
	"time"

	"herd/internal/db"
)

// PageRelations loads, in one query, what the visibility rules need for a
// page: whether the viewer follows, blocks, is blocked by or (unexpired)
// mutes each author, and which of the restricted (private and direct)
// statuses mention the viewer. FollowedBy is left empty. One UNION ALL
// instead of five queries: on SQLite each statement is parsed and planned
// on every call, on PostgreSQL each is a round trip.
func (s *Store) PageRelations(ctx context.Context, viewerID int64, authors, restricted []int64, now time.Time) (*Relations, map[int64]bool, error) {
	r := &Relations{map[int64]bool{}, map[int64]bool{}, map[int64]bool{}, map[int64]bool{}, map[int64]bool{}}
	mentioned := map[int64]bool{}
	if viewerID == 0 || (len(authors) == 0 && len(restricted) == 0) {
		return r, mentioned, nil
	}
	args := []any{viewerID}
	var parts []string
	if len(authors) > 0 {
		in, a := db.In(2, authors)
		args = append(args, a...)
		args = append(args, ms(now))
		nowArg := "$" + itoa(len(args))
		parts = append(parts,
			"SELECT 1, target_account_id FROM follows WHERE account_id = $1 AND target_account_id IN "+in,
			"SELECT 2, target_account_id FROM blocks WHERE account_id = $1 AND target_account_id IN "+in,
			"SELECT 3, account_id FROM blocks WHERE target_account_id = $1 AND account_id IN "+in,
			"SELECT 4, target_account_id FROM mutes WHERE account_id = $1 AND target_account_id IN "+in+
				" AND (expires_at IS NULL OR expires_at > "+nowArg+")")
	}
	if len(restricted) > 0 {
		in, a := db.In(len(args)+1, restricted)
		args = append(args, a...)
		parts = append(parts, "SELECT 5, status_id FROM mentions WHERE account_id = $1 AND status_id IN "+in)
	}
	sets := map[int]map[int64]bool{1: r.Following, 2: r.Blocking, 3: r.BlockedBy, 4: r.Muting, 5: mentioned}
	if err := scanTagged(ctx, s, parts, args, sets); err != nil {
		return nil, nil, err
	}
	return r, mentioned, nil
}

// scanTagged runs the UNION ALL of parts, each selecting (tag, id), and
// marks each id in the set of its tag.
func scanTagged(ctx context.Context, s *Store, parts []string, args []any, sets map[int]map[int64]bool) error {
	q := ""
	for i, p := range parts {
		if i > 0 {
			q += " UNION ALL "
		}
		q += p
	}
	rows, err := s.q.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var tag int
		var id int64
		if err := rows.Scan(&tag, &id); err != nil {
			return err
		}
		sets[tag][id] = true
	}
	return rows.Err()
}
