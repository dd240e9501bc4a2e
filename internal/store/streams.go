package store

import (
	"strconv"
	"strings"
	"time"

	"context"
	"database/sql"
	"errors"
	"herd/internal/model"
)

// ListsFedChunk is the most status ids one EventListsFed carries, so that
// a fan-out batch of thousands of statuses appends a few events of
// bounded size rather than one huge row.
const ListsFedChunk = 1000

// AppendListsFed appends the EventListsFed events of statuses that fan-out
// has just written, inside its transaction.
func (s *Store) AppendListsFed(ctx context.Context, statusIDs []int64) error {
	for len(statusIDs) > 0 {
		n := min(len(statusIDs), ListsFedChunk)
		b := make([]byte, 0, n*20)
		for i, id := range statusIDs[:n] {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, id, 10)
		}
		if err := s.AppendEvent(ctx, EventListsFed, 0, 0, string(b)); err != nil {
			return err
		}
		statusIDs = statusIDs[n:]
	}
	return nil
}

// ListsFedIDs reads the status ids of an EventListsFed's payload, skipping
// anything that is not an id.
func ListsFedIDs(payload string) []int64 {
	var out []int64
	for f := range strings.SplitSeq(payload, ",") {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil && id > 0 {
			out = append(out, id)
		}
	}
	return out
}

// HomeRecipientsAmong keeps those of accountIDs whose home timelines a
// new status belongs in, by fan-out's own rules (FanoutStatuses: followers,
// the mentioned, boosts shown, replies to others only for followers of
// both, no mutes or blocks), whether or not they were active lately: open
// streams learn of a post as soon as it commits, without waiting for the
// fan-out to write thousands of feed rows. The author is not among them
// (fan-out does not write the author's own feed).
func (s *Store) HomeRecipientsAmong(ctx context.Context, statusID int64, accountIDs []int64, now time.Time) ([]int64, error) {
	if len(accountIDs) == 0 {
		return nil, nil
	}
	// The same SELECTs as the fan-out's, over these accounts instead of
	// the active users ($1 = 0: no one is too old).
	q := "WITH active AS MATERIALIZED (SELECT account_id FROM users WHERE last_active_at >= $1 AND account_id IN " +
		literalIDs(accountIDs) + ") SELECT DISTINCT account_id FROM ("
	for i, sel := range []string{fanoutOriginals, fanoutMentioned, fanoutBoosts} {
		if i > 0 {
			q += " UNION ALL "
		}
		q += sel + " AND s.id = $3"
	}
	return scanIDs(s.q.QueryContext(ctx, q+") r ORDER BY account_id", int64(0), ms(now), statusID))
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

// ConversationMutersAmong keeps those of accountIDs that muted a
// conversation.
func (s *Store) ConversationMutersAmong(ctx context.Context, conversationID int64, accountIDs []int64) ([]int64, error) {
	if len(accountIDs) == 0 || conversationID == 0 {
		return nil, nil
	}
	return scanIDs(s.q.QueryContext(ctx, "SELECT account_id FROM conversation_mutes WHERE conversation_id = $1 AND account_id IN "+
		literalIDs(accountIDs), conversationID))
}
