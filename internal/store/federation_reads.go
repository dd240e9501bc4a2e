package store

import (
	"context"
	"strings"
	"time"

	"herd/internal/db"
	"herd/internal/model"
)

// Queries behind the documents other servers fetch (actors, notes,
// collections): only what the public may see, in the shapes ActivityPub
// pages need.

// publishedVisibilities are the visibilities a status may have to be
// served to an unsigned fetch.
const publishedVisibilities = "('public', 'unlisted')"

// PublishedLocalAccount finds a local account by username,
// case-insensitively, leaving out accounts whose registration still waits
// for approval (Mastodon answers 404 for those).
func (s *Store) PublishedLocalAccount(ctx context.Context, username string) (*model.Account, error) {
	return scanAccount(s.q.QueryRowContext(ctx, "SELECT "+accountCols+
		" FROM accounts WHERE username_lower = $1 AND domain = ''"+
		" AND NOT EXISTS (SELECT 1 FROM users u WHERE u.account_id = accounts.id AND NOT u.approved)",
		strings.ToLower(username)))
}

// FollowerURIs pages the ActivityPub ids of the accounts following
// accountID, newest follow first, by offset (Mastodon pages these
// collections by page number). Suspended accounts are left out.
func (s *Store) FollowerURIs(ctx context.Context, accountID int64, offset, limit int) ([]string, error) {
	return s.accountURIs(ctx, "account_id", "target_account_id", accountID, offset, limit)
}

// FollowingURIs pages the ActivityPub ids of the accounts accountID
// follows, like FollowerURIs.
func (s *Store) FollowingURIs(ctx context.Context, accountID int64, offset, limit int) ([]string, error) {
	return s.accountURIs(ctx, "target_account_id", "account_id", accountID, offset, limit)
}

func (s *Store) accountURIs(ctx context.Context, col, ownerCol string, ownerID int64, offset, limit int) ([]string, error) {
	rows, err := s.q.QueryContext(ctx, "SELECT a.uri FROM follows f JOIN accounts a ON a.id = f."+col+
		" WHERE f."+ownerCol+" = $1 AND a.suspended_at IS NULL ORDER BY f.id DESC LIMIT $2 OFFSET $3",
		ownerID, limit, offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var uri string
		if err := rows.Scan(&uri); err != nil {
			return nil, err
		}
		out = append(out, uri)
	}
	return out, rows.Err()
}

// PublishedStatusesPage pages an account's public and unlisted statuses
// and boosts (its outbox), newest first.
func (s *Store) PublishedStatusesPage(ctx context.Context, accountID int64, p model.Page) ([]*model.Status, error) {
	f := TimelineFilter{Visibilities: []model.Visibility{model.Public, model.Unlisted}, Now: time.Now()}
	return s.AccountStatusesPage(ctx, accountID, f, p)
}

// PublishedPinnedStatuses loads an account's pinned public and unlisted
// statuses (its featured collection), most recently pinned first.
func (s *Store) PublishedPinnedStatuses(ctx context.Context, accountID int64) ([]*model.Status, error) {
	f := TimelineFilter{Visibilities: []model.Visibility{model.Public, model.Unlisted}, Now: time.Now()}
	return s.PinnedStatusesOf(ctx, accountID, f)
}

// StatusRef is a status's id and ActivityPub id.
type StatusRef struct {
	ID  int64
	URI string
}

// SelfReplies loads, for each of statusIDs, the first perStatus public or
// unlisted replies its author made to it, oldest first (the items Mastodon
// embeds in a Note's replies collection), in one query.
func (s *Store) SelfReplies(ctx context.Context, statusIDs []int64, perStatus int) (map[int64][]StatusRef, error) {
	out := make(map[int64][]StatusRef, len(statusIDs))
	if len(statusIDs) == 0 {
		return out, nil
	}
	in, args := db.In(2, statusIDs)
	rows, err := s.q.QueryContext(ctx, `SELECT parent, id, uri FROM (
			SELECT in_reply_to_id AS parent, id, uri,
				ROW_NUMBER() OVER (PARTITION BY in_reply_to_id ORDER BY id) AS n
			FROM statuses WHERE in_reply_to_id IN `+in+`
				AND account_id = in_reply_to_account_id AND visibility IN `+publishedVisibilities+`) r
		WHERE n <= $1 ORDER BY parent, id`, append([]any{perStatus}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var parent int64
		var r StatusRef
		if err := rows.Scan(&parent, &r.ID, &r.URI); err != nil {
			return nil, err
		}
		out[parent] = append(out[parent], r)
	}
	return out, rows.Err()
}

// PublishedReplies pages the public and unlisted replies to statusID,
// oldest first after minID: the author's own (selfOnly) or everyone
// else's (Mastodon's replies collection pages).
func (s *Store) PublishedReplies(ctx context.Context, statusID, authorID int64, selfOnly bool, minID int64, limit int) ([]StatusRef, error) {
	who := "account_id <> $2"
	if selfOnly {
		who = "account_id = $2"
	}
	rows, err := s.q.QueryContext(ctx, "SELECT id, uri FROM statuses WHERE in_reply_to_id = $1 AND "+who+
		" AND id > $3 AND visibility IN "+publishedVisibilities+
		" AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = statuses.account_id AND a.suspended_at IS NOT NULL)"+
		" ORDER BY id LIMIT $4", statusID, authorID, minID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []StatusRef{}
	for rows.Next() {
		var r StatusRef
		if err := rows.Scan(&r.ID, &r.URI); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// InstanceActorKeys loads the instance actor's key pair (PEM).
func (s *Store) InstanceActorKeys(ctx context.Context) (publicKey, privateKey string, err error) {
	err = s.q.QueryRowContext(ctx, "SELECT public_key, private_key FROM instance_actor WHERE id = 1").
		Scan(&publicKey, &privateKey)
	return publicKey, privateKey, notFound(err)
}

// InsertInstanceActorKeys stores the instance actor's key pair unless one
// is already stored (another node may have made one first).
func (s *Store) InsertInstanceActorKeys(ctx context.Context, publicKey, privateKey string, now time.Time) error {
	_, err := s.q.ExecContext(ctx, "INSERT INTO instance_actor (id, public_key, private_key, created_at)"+
		" VALUES (1, $1, $2, $3) ON CONFLICT (id) DO NOTHING", publicKey, privateKey, ms(now))
	return err
}
