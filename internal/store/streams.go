package store

import (
	"context"
	"database/sql"
	"errors"
	"herd/internal/model"
	"strconv"
	"strings"
)

// HomeFedChunk is the most status ids one EventHomeFed carries, so that a
// fan-out batch of thousands of statuses appends a few events of bounded
// size rather than one huge row.
const HomeFedChunk = 1000

// AppendHomeFed appends the EventHomeFed events of statuses that fan-out
// has just written into home feeds, inside its transaction.
func (s *Store) AppendHomeFed(ctx context.Context, statusIDs []int64) error {
	for len(statusIDs) > 0 {
		n := min(len(statusIDs), HomeFedChunk)
		b := make([]byte, 0, n*20)
		for i, id := range statusIDs[:n] {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, id, 10)
		}
		if err := s.AppendEvent(ctx, EventHomeFed, 0, 0, string(b)); err != nil {
			return err
		}
		statusIDs = statusIDs[n:]
	}
	return nil
}

// HomeFedIDs reads the status ids of an EventHomeFed's payload, skipping
// anything that is not an id.
func HomeFedIDs(payload string) []int64 {
	var out []int64
	for f := range strings.SplitSeq(payload, ",") {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil && id > 0 {
			out = append(out, id)
		}
	}
	return out
}

// FeedHit is one status found in one account's home feed.
type FeedHit struct {
	AccountID, StatusID int64
}

// HomeFeedHits finds which of accountIDs have statuses whose ids lie in
// [minID, maxID] in their home feeds: one range of the primary key
// (account_id, status_id) per account, so the cost follows the accounts
// asked about and the rows found, not the size of the feeds. Callers
// filter the hits down to the statuses they asked about.
func (s *Store) HomeFeedHits(ctx context.Context, accountIDs []int64, minID, maxID int64) ([]FeedHit, error) {
	if len(accountIDs) == 0 {
		return nil, nil
	}
	rows, err := s.q.QueryContext(ctx, "SELECT account_id, status_id FROM home_feed WHERE account_id IN "+literalIDs(accountIDs)+
		" AND status_id >= $1 AND status_id <= $2", minID, maxID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FeedHit
	for rows.Next() {
		var h FeedHit
		if err := rows.Scan(&h.AccountID, &h.StatusID); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// FollowersAmong keeps those of accountIDs that follow targetID.
func (s *Store) FollowersAmong(ctx context.Context, targetID int64, accountIDs []int64) ([]int64, error) {
	if len(accountIDs) == 0 {
		return nil, nil
	}
	return scanIDs(s.q.QueryContext(ctx, "SELECT account_id FROM follows WHERE target_account_id = $1 AND account_id IN "+
		literalIDs(accountIDs), targetID))
}

// AccountSilenced says whether an account is silenced (by a domain block
// that limits its server): its posts stay out of public timelines and
// public streams.
func (s *Store) AccountSilenced(ctx context.Context, id int64) (bool, error) {
	var silenced bool
	err := s.q.QueryRowContext(ctx, "SELECT silenced_at IS NOT NULL FROM accounts WHERE id = $1", id).Scan(&silenced)
	if errors.Is(err, sql.ErrNoRows) {
		return false, model.ErrNotFound
	}
	return silenced, err
}
