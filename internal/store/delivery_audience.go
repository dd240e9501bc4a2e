package store

import (
	"context"
	"database/sql"
	"errors"
)

// HasRemoteFollowers reports whether any remote account follows accountID:
// one probe of the follows_remote_followers index, however many local
// followers the account has. A local post with no remote reader queues no
// delivery.
func (s *Store) HasRemoteFollowers(ctx context.Context, accountID int64) (bool, error) {
	var one int
	err := s.q.QueryRowContext(ctx,
		"SELECT 1 FROM follows WHERE target_account_id = $1 AND remote_follower LIMIT 1", accountID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// RemoteAudienceOf lists the remote accounts a status reaches besides the
// author's followers, ordered by id: the mentioned; with parent, the
// author of the status it replies to; with interactions, those who
// favourited, boosted or replied to it (Mastodon's StatusReachFinder tells
// them of an edit or a deletion).
func (s *Store) RemoteAudienceOf(ctx context.Context, statusID int64, parent, interactions bool) ([]int64, error) {
	q := "SELECT account_id FROM mentions WHERE status_id = $1"
	if parent {
		q += " UNION SELECT in_reply_to_account_id FROM statuses WHERE id = $1 AND in_reply_to_account_id IS NOT NULL"
	}
	if interactions {
		q += ` UNION SELECT account_id FROM favourites WHERE status_id = $1
			UNION SELECT account_id FROM statuses WHERE reblog_of_id = $1
			UNION SELECT account_id FROM statuses WHERE in_reply_to_id = $1`
	}
	return scanIDs(s.q.QueryContext(ctx, "SELECT id FROM accounts WHERE domain <> '' AND id IN ("+q+") ORDER BY id", statusID))
}

// FavouriteID is the id of accountID's favourite of statusID (the Like's
// activity id is made from it), or model.ErrNotFound.
func (s *Store) FavouriteID(ctx context.Context, accountID, statusID int64) (int64, error) {
	var id int64
	err := s.q.QueryRowContext(ctx, "SELECT id FROM favourites WHERE account_id = $1 AND status_id = $2",
		accountID, statusID).Scan(&id)
	return id, notFound(err)
}

// BlockID is the id of accountID's block of targetID (the Block's activity
// id is made from it), or model.ErrNotFound.
func (s *Store) BlockID(ctx context.Context, accountID, targetID int64) (int64, error) {
	var id int64
	err := s.q.QueryRowContext(ctx, "SELECT id FROM blocks WHERE account_id = $1 AND target_account_id = $2",
		accountID, targetID).Scan(&id)
	return id, notFound(err)
}

// QueuedPayloads lists the payloads of a queue's jobs in the order they
// were queued (tests read what a use case enqueued).
func (s *Store) QueuedPayloads(ctx context.Context, queue string) ([]string, error) {
	rows, err := s.q.QueryContext(ctx, "SELECT payload FROM jobs WHERE queue = $1 ORDER BY id", queue)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
