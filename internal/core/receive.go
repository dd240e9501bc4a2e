package core

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
func (c *Core) EnqueueIngest(ctx context.Context, payload string) error {
	err := c.store.InTx(ctx, func(tx *store.Store) error {
		_, err := tx.EnqueueJob(ctx, QueueIngest, payload, time.Now())
		return err
	})
	if err == nil {
		c.wakeJobs()
	}
	return err
}

// ActivitySeen reports whether an incoming activity id was processed.
func (c *Core) ActivitySeen(ctx context.Context, uri string) (bool, error) {
	return c.store.ActivitySeen(ctx, uri)
}

// MarkActivitySeen records an incoming activity id as processed.
func (c *Core) MarkActivitySeen(ctx context.Context, uri string) error {
	if uri == "" {
		return nil
	}
	return c.store.InTx(ctx, func(tx *store.Store) error {
		_, err := tx.MarkActivitySeen(ctx, uri, time.Now())
		return err
	})
}

// Tombstoned reports whether any of uris was deleted or undone by its
// owner before it arrived; such late objects are dropped.
func (c *Core) Tombstoned(ctx context.Context, uris ...string) (bool, error) {
	return c.store.Tombstoned(ctx, uris...)
}

// PruneInboxMemory forgets processed ids and tombstones past InboxMemory.
func (c *Core) PruneInboxMemory(ctx context.Context) error {
	return c.store.InTx(ctx, func(tx *store.Store) error {
		return tx.PruneInboxMemory(ctx, time.Now().Add(-InboxMemory))
	})
}

// StatusByURI finds a stored status (local or remote) by its ActivityPub id.
func (c *Core) StatusByURI(ctx context.Context, uri string) (*model.Status, error) {
	return c.store.StatusByURI(ctx, uri)
}

// LocalAccount finds a local account by username (model.ErrNotFound when
// there is none, or it is suspended).
func (c *Core) LocalAccount(ctx context.Context, username string) (*model.Account, error) {
	a, err := c.store.AccountByUsername(ctx, username, "")
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
func (c *Core) ReceiveFollow(ctx context.Context, actor, target *model.Account, uri string) error {
	if actor.Local() || !target.Local() {
		return rejected("follow of %s by %s is not remote to local", target.Acct(), actor.Acct())
	}
	err := c.store.InTx(ctx, func(tx *store.Store) error {
		blocked, err := tx.BlockedEitherWay(ctx, actor.ID, target.ID)
		if err != nil {
			return err
		}
		f := &model.Follow{ID: ids.New(), AccountID: actor.ID, TargetAccountID: target.ID, ShowReblogs: true,
			URI: uri, CreatedAt: time.Now()}
		if blocked {
			return c.queueFollowAnswer(ctx, tx, target, actor, f, "Reject")
		}
		if old, err := tx.FollowBetween(ctx, actor.ID, target.ID); err == nil {
			old.URI = uri
			return c.queueFollowAnswer(ctx, tx, target, actor, old, "Accept")
		} else if !errors.Is(err, model.ErrNotFound) {
			return err
		}
		if target.Locked {
			inserted, err := tx.InsertFollowRequest(ctx, f)
			if err != nil || !inserted {
				return err
			}
			return c.Notifications.Notify(ctx, tx, target, actor.ID, model.NotifyFollowRequest, nil)
		}
		if err := c.Social.RecordFollow(ctx, tx, f, target, true); err != nil {
			return err
		}
		return c.queueFollowAnswer(ctx, tx, target, actor, f, "Accept")
	})
	if err == nil {
		c.wakeJobs()
	}
	return err
}

// queueFollowAnswer queues an Accept or Reject (kind) of follower's
// follow f of the local account target, inside tx; nothing is sent to a
// local follower. The social area's follow request use cases call it too
// (social.Deps.QueueFollowAnswer) when a locked account authorizes or
// rejects a remote request, or unlocks.
func (c *Core) queueFollowAnswer(ctx context.Context, tx *store.Store, target, follower *model.Account, f *model.Follow, kind string) error {
	if follower == nil || follower.Local() {
		return nil
	}
	return EnqueueDelivery(ctx, tx, Delivery{Kind: kind, ActorID: target.ID, ObjectID: f.ID, TargetID: follower.ID, URI: f.URI})
}

// ReceiveUndoFollow ends a remote actor's follow (or request) of a local
// account.
func (c *Core) ReceiveUndoFollow(ctx context.Context, actor, target *model.Account) error {
	return c.store.InTx(ctx, func(tx *store.Store) error {
		if err := c.Social.RemoveFollow(ctx, tx, actor.ID, target.ID); err != nil {
			return err
		}
		return c.Social.RemoveFollowRequest(ctx, tx, actor.ID, target.ID)
	})
}

// ReceiveFollowAnswer applies a remote account's Accept (accepted) or
// Reject of the local account follower's request to follow it. The caller
// has checked that actor, the Accept's signer, is the account followed;
// an answer to a request that does not exist changes nothing. A Reject
// also ends an accepted follow (the remote removed a follower).
func (c *Core) ReceiveFollowAnswer(ctx context.Context, actor, follower *model.Account, accepted bool) error {
	return c.store.InTx(ctx, func(tx *store.Store) error {
		req, err := tx.FollowRequestBetween(ctx, follower.ID, actor.ID)
		if errors.Is(err, model.ErrNotFound) {
			if accepted {
				return nil
			}
			return c.Social.RemoveFollow(ctx, tx, follower.ID, actor.ID)
		}
		if err != nil {
			return err
		}
		if err := c.Social.RemoveFollowRequest(ctx, tx, follower.ID, actor.ID); err != nil || !accepted {
			return err
		}
		req.ID, req.CreatedAt = ids.New(), time.Now()
		return c.Social.RecordFollow(ctx, tx, req, actor, false)
	})
}

// FollowRequestByURI finds a pending follow request by its Follow's id.
func (c *Core) FollowRequestByURI(ctx context.Context, uri string) (*model.Follow, error) {
	return c.store.FollowRequestByURI(ctx, uri)
}

// FollowByURI finds an accepted follow by its Follow's id.
func (c *Core) FollowByURI(ctx context.Context, uri string) (*model.Follow, error) {
	return c.store.FollowByURI(ctx, uri)
}

// Remember records a tombstone: actor deleted or undid uri before it was
// seen here, so the object is dropped if it arrives later. Only an id on
// the actor's own host is remembered.
func (c *Core) Remember(ctx context.Context, actor *model.Account, uri string) error {
	if err := c.checkRemoteObject(actor, uri); err != nil {
		return err
	}
	return c.store.InTx(ctx, func(tx *store.Store) error {
		return tx.InsertTombstone(ctx, uri, actor.ID, time.Now())
	})
}
