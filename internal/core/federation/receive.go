package federation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
)

// QueueIngest is the job queue of incoming activities: the inbox stores
// each verified activity as a job before answering 202 (DESIGN.md
// principle 3), and a worker processes it.
const QueueIngest = "ingest"

// InboxMemory is how long processed activity ids and tombstones are kept:
// longer than senders retry (Mastodon gives up after about three days).
const InboxMemory = 7 * 24 * time.Hour

// ErrRejected wraps the reason an incoming activity was dropped on
// purpose (a forgery, an origin mismatch, an object the actor does not
// own): the worker logs it and does not retry.
var ErrRejected = errors.New("activity rejected")

func rejected(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrRejected, fmt.Sprintf(format, args...))
}

// EnqueueIngest stores an incoming activity (payload is the inbox's
// envelope, see package activitypub) as a durable job and wakes the
// workers. When it returns nil the activity survives a crash.
func (s *Service) EnqueueIngest(ctx context.Context, payload string) error {
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		_, err := tx.EnqueueJob(ctx, QueueIngest, payload, time.Now())
		return err
	})
	if err == nil {
		s.wake()
	}
	return err
}

// ActivitySeen reports whether an incoming activity id was processed.
func (s *Service) ActivitySeen(ctx context.Context, uri string) (bool, error) {
	return s.store.ActivitySeen(ctx, uri)
}

// MarkActivitySeen records an incoming activity id as processed.
func (s *Service) MarkActivitySeen(ctx context.Context, uri string) error {
	if uri == "" {
		return nil
	}
	return s.store.InTx(ctx, func(tx *store.Store) error {
		_, err := tx.MarkActivitySeen(ctx, uri, time.Now())
		return err
	})
}

// Tombstoned reports whether any of uris was deleted or undone by its
// owner before it arrived; such late objects are dropped.
func (s *Service) Tombstoned(ctx context.Context, uris ...string) (bool, error) {
	return s.store.Tombstoned(ctx, uris...)
}

// PruneInboxMemory forgets processed ids and tombstones past InboxMemory.
func (s *Service) PruneInboxMemory(ctx context.Context) error {
	return s.store.InTx(ctx, func(tx *store.Store) error {
		return tx.PruneInboxMemory(ctx, time.Now().Add(-InboxMemory))
	})
}

// StatusByURI finds a stored status (local or remote) by its ActivityPub id.
func (s *Service) StatusByURI(ctx context.Context, uri string) (*model.Status, error) {
	return s.store.StatusByURI(ctx, uri)
}

// LocalAccount finds a local account by username (model.ErrNotFound when
// there is none, or it is suspended).
func (s *Service) LocalAccount(ctx context.Context, username string) (*model.Account, error) {
	a, err := s.store.AccountByUsername(ctx, username, "")
	if err != nil {
		return nil, err
	}
	if a.Suspended() {
		return nil, model.ErrNotFound
	}
	return a, nil
}

// ReceiveFollow handles a remote actor's Follow of a local account: a
// follow (with an Accept queued back) or, when the account is locked, a
// follow request waiting for approval. The Follow's id is stored with the
// follow so a later Undo or the Accept can name it. A follow that exists
// already is accepted again (the remote lost track of it), as Mastodon
// does; a block either way answers with a Reject.
func (s *Service) ReceiveFollow(ctx context.Context, actor, target *model.Account, uri string) error {
	if actor.Local() || !target.Local() {
		return rejected("follow of %s by %s is not remote to local", target.Acct(), actor.Acct())
	}
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		blocked, err := tx.BlockedEitherWay(ctx, actor.ID, target.ID)
		if err != nil {
			return err
		}
		f := &model.Follow{ID: ids.New(), AccountID: actor.ID, TargetAccountID: target.ID, ShowReblogs: true,
			URI: uri, CreatedAt: time.Now()}
		if blocked {
			return s.queueFollowAnswer(ctx, tx, target, actor, f, "Reject")
		}
		if old, err := tx.FollowBetween(ctx, actor.ID, target.ID); err == nil {
			old.URI = uri
			return s.queueFollowAnswer(ctx, tx, target, actor, old, "Accept")
		} else if !errors.Is(err, model.ErrNotFound) {
			return err
		}
		if target.Locked {
			inserted, err := tx.InsertFollowRequest(ctx, f)
			if err != nil || !inserted {
				return err
			}
			return s.notifications.Notify(ctx, tx, target, actor.ID, model.NotifyFollowRequest, nil)
		}
		if err := s.social.RecordFollow(ctx, tx, f, target, true); err != nil {
			return err
		}
		return s.queueFollowAnswer(ctx, tx, target, actor, f, "Accept")
	})
	if err == nil {
		s.wake()
	}
	return err
}

// ReceiveUndoFollow ends a remote actor's follow (or request) of a local
// account.
func (s *Service) ReceiveUndoFollow(ctx context.Context, actor, target *model.Account) error {
	return s.store.InTx(ctx, func(tx *store.Store) error {
		if err := s.social.RemoveFollow(ctx, tx, actor.ID, target.ID); err != nil {
			return err
		}
		return s.social.RemoveFollowRequest(ctx, tx, actor.ID, target.ID)
	})
}

// ReceiveFollowAnswer applies a remote account's Accept (accepted) or
// Reject of the local account follower's request to follow it. The caller
// has checked that actor, the Accept's signer, is the account followed;
// an answer to a request that does not exist changes nothing. A Reject
// also ends an accepted follow (the remote removed a follower).
func (s *Service) ReceiveFollowAnswer(ctx context.Context, actor, follower *model.Account, accepted bool) error {
	return s.store.InTx(ctx, func(tx *store.Store) error {
		req, err := tx.FollowRequestBetween(ctx, follower.ID, actor.ID)
		if errors.Is(err, model.ErrNotFound) {
			if accepted {
				return nil
			}
			return s.social.RemoveFollow(ctx, tx, follower.ID, actor.ID)
		}
		if err != nil {
			return err
		}
		if err := s.social.RemoveFollowRequest(ctx, tx, follower.ID, actor.ID); err != nil || !accepted {
			return err
		}
		req.ID, req.CreatedAt = ids.New(), time.Now()
		return s.social.RecordFollow(ctx, tx, req, actor, false)
	})
}

// FollowRequestByURI finds a pending follow request by its Follow's id.
func (s *Service) FollowRequestByURI(ctx context.Context, uri string) (*model.Follow, error) {
	return s.store.FollowRequestByURI(ctx, uri)
}

// FollowByURI finds an accepted follow by its Follow's id.
func (s *Service) FollowByURI(ctx context.Context, uri string) (*model.Follow, error) {
	return s.store.FollowByURI(ctx, uri)
}

// Remember records a tombstone: actor deleted or undid uri before it was
// seen here, so the object is dropped if it arrives later. Only an id on
// the actor's own host is remembered.
func (s *Service) Remember(ctx context.Context, actor *model.Account, uri string) error {
	if err := s.checkRemoteObject(actor, uri); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Store) error {
		return tx.InsertTombstone(ctx, uri, actor.ID, time.Now())
	})
}
