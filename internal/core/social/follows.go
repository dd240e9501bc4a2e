package social

import (
	"context"
	"errors"
	"time"

	"herd/internal/core/fault"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
)

// backfillLimit is how many of a newly followed account's latest statuses
// are copied into the follower's home feed, as Mastodon's MergeWorker does.
const backfillLimit = 400

// backfillFeedKeep caps a home feed after a backfill, as Mastodon's
// FeedManager::MAX_ITEMS caps every home feed.
const backfillFeedKeep = 800

// CountFollowRequests counts the follow requests waiting for the viewer.
func (s *Service) CountFollowRequests(ctx context.Context, v *model.Viewer) (int64, error) {
	return s.store.CountFollowRequests(ctx, v.AccountID())
}

// FollowOptions are the optional settings of a follow; nil keeps the
// current value, or Mastodon's default for a new follow (boosts shown, no
// notifications).
type FollowOptions struct {
	Reblogs *bool
	Notify  *bool
}

// Follow makes the viewer follow targetID, or asks to when the target is
// locked (or remote: a remote account always answers with an Accept). As
// Mastodon's FollowService: following oneself or a suspended account is a
// 404, a block either way is a 403, and following again only updates the
// options. A new follow notifies the target, moves both counters and
// backfills the viewer's home feed.
func (s *Service) Follow(ctx context.Context, v *model.Viewer, targetID int64, opt FollowOptions) (*model.Relationship, error) {
	me := v.AccountID()
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		target, err := TargetAccount(ctx, tx, targetID)
		if err != nil {
			return err
		}
		if target.ID == me || target.Suspended() {
			return fault.ErrRecordNotFound
		}
		blocked, err := tx.BlockedEitherWay(ctx, me, target.ID)
		if err != nil {
			return err
		}
		if blocked {
			return fault.Forbidden("This action is not allowed")
		}
		if f, err := tx.FollowBetween(ctx, me, target.ID); err == nil {
			reblogs, notify := opt.apply(f)
			return tx.UpdateFollowOptions(ctx, me, target.ID, reblogs, notify)
		} else if !errors.Is(err, model.ErrNotFound) {
			return err
		}
		if f, err := tx.FollowRequestBetween(ctx, me, target.ID); err == nil {
			reblogs, notify := opt.apply(f)
			return tx.UpdateFollowRequestOptions(ctx, me, target.ID, reblogs, notify)
		} else if !errors.Is(err, model.ErrNotFound) {
			return err
		}
		reblogs, notify := opt.apply(nil)
		f := &model.Follow{ID: ids.New(), AccountID: me, TargetAccountID: target.ID,
			ShowReblogs: reblogs, Notify: notify, CreatedAt: time.Now()}
		if !target.Local() {
			// The remote answers with an Accept or Reject naming this id
			// (ReceiveFollowAnswer finds the request by it).
			f.URI = s.followURI(v.Account, f.ID)
		}
		if target.Locked || !target.Local() {
			inserted, err := tx.InsertFollowRequest(ctx, f)
			if err != nil || !inserted {
				return err
			}
			if err := s.notifications.Notify(ctx, tx, target, me, model.NotifyFollowRequest, nil); err != nil || target.Local() {
				return err
			}
			return s.queueDelivery(ctx, tx, v.Account, "Follow", f.ID, target.ID, f.URI)
		}
		return s.RecordFollow(ctx, tx, f, target, true)
	})
	if err != nil {
		return nil, err
	}
	s.wake()
	return s.Relationship(ctx, me, targetID)
}

// apply resolves the options against an existing follow (nil for a new one).
func (o FollowOptions) apply(existing *model.Follow) (reblogs, notify bool) {
	reblogs, notify = true, false
	if existing != nil {
		reblogs, notify = existing.ShowReblogs, existing.Notify
	}
	if o.Reblogs != nil {
		reblogs = *o.Reblogs
	}
	if o.Notify != nil {
		notify = *o.Notify
	}
	return reblogs, notify
}

// RecordFollow stores an accepted follow with its side effects: both
// counters, a `follow` notification to the target (when notify) and the
// follower's feed backfilled with the target's recent statuses. It runs in
// the caller's transaction tx; the federation area's receive code records the
// follows other servers send or accept with it.
func (s *Service) RecordFollow(ctx context.Context, tx *store.Store, f *model.Follow, target *model.Account, notify bool) error {
	inserted, err := tx.InsertFollow(ctx, f)
	if err != nil || !inserted {
		return err
	}
	if err := addFollowCounts(ctx, tx, f.AccountID, f.TargetAccountID, 1); err != nil {
		return err
	}
	if notify {
		if err := s.notifications.Notify(ctx, tx, target, f.AccountID, model.NotifyFollow, nil); err != nil {
			return err
		}
	}
	return s.backfillFeed(ctx, tx, f.AccountID, f.TargetAccountID)
}

// backfillFeed copies an author's recent posts into an account's home
// feed and keeps the feed within its cap.
func (s *Service) backfillFeed(ctx context.Context, tx *store.Store, accountID, authorID int64) error {
	if err := tx.BackfillFeed(ctx, accountID, authorID, backfillLimit); err != nil {
		return err
	}
	return tx.TrimFeed(ctx, accountID, backfillFeedKeep)
}

// addFollowCounts moves the follower's following_count and the target's
// followers_count by delta. The two rows are updated in id order, so two
// transactions on the same pair in opposite roles (A follows B while B
// follows A) take the row locks in the same order and cannot deadlock on
// PostgreSQL.
func addFollowCounts(ctx context.Context, tx *store.Store, followerID, targetID, delta int64) error {
	follower := func() error { return tx.AddAccountCounts(ctx, followerID, 0, 0, delta) }
	target := func() error { return tx.AddAccountCounts(ctx, targetID, 0, delta, 0) }
	first, second := follower, target
	if targetID < followerID {
		first, second = target, follower
	}
	if err := first(); err != nil {
		return err
	}
	return second()
}

// RemoveFollow deletes followerID's follow of targetID, if any, undoing
// what RecordFollow did: counters, the follow notification and the
// target's posts in the follower's home and list feeds, and the target's
// place in the follower's lists. It runs in tx, for the federation area's
// receive code too.
func (s *Service) RemoveFollow(ctx context.Context, tx *store.Store, followerID, targetID int64) error {
	deleted, err := tx.DeleteFollow(ctx, followerID, targetID)
	if err != nil || !deleted {
		return err
	}
	if err := addFollowCounts(ctx, tx, followerID, targetID, -1); err != nil {
		return err
	}
	if err := tx.DeleteNotificationsAbout(ctx, targetID, followerID, model.NotifyFollow, 0); err != nil {
		return err
	}
	if err := tx.DeleteFeedByAuthor(ctx, followerID, targetID); err != nil {
		return err
	}
	// A list holds only accounts its owner follows (or asked to): the
	// target leaves the follower's lists, as Mastodon's list_accounts go
	// with their follow.
	return tx.LeaveListsOf(ctx, followerID, targetID)
}

// RemoveFollowRequest deletes a pending request and the notification that
// announced it (Mastodon destroys the notification with the request),
// in tx, for the federation area's receive code too.
func (s *Service) RemoveFollowRequest(ctx context.Context, tx *store.Store, followerID, targetID int64) error {
	deleted, err := tx.DeleteFollowRequest(ctx, followerID, targetID)
	if err != nil || !deleted {
		return err
	}
	return tx.DeleteNotificationsAbout(ctx, targetID, followerID, model.NotifyFollowRequest, 0)
}

// Unfollow ends the viewer's follow of targetID, or withdraws a pending
// request; doing so when neither exists succeeds too. A remote account is
// sent an Undo of the Follow it was sent.
func (s *Service) Unfollow(ctx context.Context, v *model.Viewer, targetID int64) (*model.Relationship, error) {
	return s.relationshipChange(ctx, v, targetID, func(tx *store.Store, me int64, target *model.Account) error {
		if err := s.queueUndoFollow(ctx, tx, v.Account, target); err != nil {
			return err
		}
		if err := s.RemoveFollow(ctx, tx, me, targetID); err != nil {
			return err
		}
		if err := s.RemoveFollowRequest(ctx, tx, me, targetID); err != nil {
			return err
		}
		return tx.LeaveListsOf(ctx, me, targetID) // a withdrawn request's place in lists goes too
	})
}

// followURI is the id of a local account's Follow activity, stored with
// the request so the followed server's Accept, Reject or a later Undo
// names it (Mastodon mints a fresh URI per follow the same way).
func (s *Service) followURI(actor *model.Account, followID int64) string {
	return s.site.AccountURI(actor.Username) + "#follows/" + ids.Format(followID)
}

// queueUndoFollow queues the Undo of actor's Follow of a remote target,
// when actor follows or asked to follow it; call it before the row goes.
func (s *Service) queueUndoFollow(ctx context.Context, tx *store.Store, actor, target *model.Account) error {
	if target.Local() {
		return nil
	}
	f, err := followOrRequest(ctx, tx, actor.ID, target.ID)
	if err != nil || f == nil {
		return err
	}
	if f.URI == "" { // a follow from before Follows were sent
		f.URI = s.followURI(actor, f.ID)
	}
	return s.queueDelivery(ctx, tx, actor, "Undo:Follow", f.ID, target.ID, f.URI)
}

// queueRejectFollower queues a Reject of a remote follower's follow (or
// request) of the local account actor; call it before the row goes.
func (s *Service) queueRejectFollower(ctx context.Context, tx *store.Store, actor, follower *model.Account) error {
	if follower.Local() || !actor.Local() {
		return nil
	}
	f, err := followOrRequest(ctx, tx, follower.ID, actor.ID)
	if err != nil || f == nil {
		return err
	}
	return s.queueFollowAnswer(ctx, tx, actor, follower, f, "Reject")
}

// followOrRequest loads accountID's follow of targetID, or else its
// pending request; nil when there is neither.
func followOrRequest(ctx context.Context, tx *store.Store, accountID, targetID int64) (*model.Follow, error) {
	f, err := tx.FollowBetween(ctx, accountID, targetID)
	if errors.Is(err, model.ErrNotFound) {
		f, err = tx.FollowRequestBetween(ctx, accountID, targetID)
	}
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil
	}
	return f, err
}

// RemoveFromFollowers makes targetID stop following the viewer; a remote
// follower is sent a Reject of its follow, as Mastodon's
// RemoveFromFollowersService does.
func (s *Service) RemoveFromFollowers(ctx context.Context, v *model.Viewer, targetID int64) (*model.Relationship, error) {
	return s.relationshipChange(ctx, v, targetID, func(tx *store.Store, me int64, target *model.Account) error {
		if _, err := tx.FollowBetween(ctx, targetID, me); err != nil {
			if errors.Is(err, model.ErrNotFound) {
				return nil // a request stays: it is answered on its own
			}
			return err
		}
		if err := s.queueRejectFollower(ctx, tx, v.Account, target); err != nil {
			return err
		}
		return s.RemoveFollow(ctx, tx, targetID, me)
	})
}

// AuthorizeFollowRequest accepts requesterID's request to follow the
// viewer. As Mastodon's follow_requests#authorize, the viewer then gets a
// `follow` notification from the requester and the request's own
// notification goes away.
func (s *Service) AuthorizeFollowRequest(ctx context.Context, v *model.Viewer, requesterID int64) (*model.Relationship, error) {
	return s.relationshipChange(ctx, v, requesterID, func(tx *store.Store, me int64, target *model.Account) error {
		req, err := tx.FollowRequestBetween(ctx, requesterID, me)
		if err != nil {
			return fault.NotFoundOr(err)
		}
		if err := s.RemoveFollowRequest(ctx, tx, requesterID, me); err != nil {
			return err
		}
		req.ID, req.CreatedAt = ids.New(), time.Now()
		if err := s.RecordFollow(ctx, tx, req, v.Account, true); err != nil {
			return err
		}
		return s.queueFollowAnswer(ctx, tx, v.Account, target, req, "Accept")
	})
}

// AcceptAllFollowRequests turns every pending request to an account that
// just unlocked into a follow, as Mastodon's UpdateAccountService does
// (through AuthorizeFollowService, which notifies no one). Core's profile
// update calls it in its transaction tx.
func (s *Service) AcceptAllFollowRequests(ctx context.Context, tx *store.Store, target *model.Account) error {
	reqs, err := tx.FollowRequestsTo(ctx, target.ID)
	if err != nil || len(reqs) == 0 {
		return err
	}
	requesterIDs := make([]int64, len(reqs))
	for i, req := range reqs {
		requesterIDs[i] = req.AccountID
	}
	requesters, err := tx.AccountsByIDs(ctx, requesterIDs)
	if err != nil {
		return err
	}
	for _, req := range reqs {
		if err := s.RemoveFollowRequest(ctx, tx, req.AccountID, target.ID); err != nil {
			return err
		}
		req.ID, req.CreatedAt = ids.New(), time.Now()
		if err := s.RecordFollow(ctx, tx, req, target, false); err != nil {
			return err
		}
		// Remote requesters learn they were accepted (AuthorizeFollowService).
		if err := s.queueFollowAnswer(ctx, tx, target, requesters[req.AccountID], req, "Accept"); err != nil {
			return err
		}
	}
	return nil
}

// RejectFollowRequest declines requesterID's request to follow the viewer.
func (s *Service) RejectFollowRequest(ctx context.Context, v *model.Viewer, requesterID int64) (*model.Relationship, error) {
	return s.relationshipChange(ctx, v, requesterID, func(tx *store.Store, me int64, target *model.Account) error {
		req, err := tx.FollowRequestBetween(ctx, requesterID, me)
		if err != nil {
			return fault.NotFoundOr(err)
		}
		if err := s.RemoveFollowRequest(ctx, tx, requesterID, me); err != nil {
			return err
		}
		if err := tx.LeaveListsOf(ctx, requesterID, me); err != nil {
			return err
		}
		return s.queueFollowAnswer(ctx, tx, v.Account, target, req, "Reject")
	})
}

// relationshipChange runs one relationship write in a transaction, after
// checking the other account exists, and answers the new Relationship.
// fn gets the other account too; what it queues for other servers is sent
// once it commits.
func (s *Service) relationshipChange(ctx context.Context, v *model.Viewer, targetID int64,
	fn func(tx *store.Store, me int64, target *model.Account) error) (*model.Relationship, error) {
	me := v.AccountID()
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		target, err := TargetAccount(ctx, tx, targetID)
		if err != nil {
			return err
		}
		return fn(tx, me, target)
	})
	if err != nil {
		return nil, err
	}
	s.wake()
	return s.Relationship(ctx, me, targetID)
}

// TargetAccount loads an account that a relationship or profile request
// names: a missing account, or a local one still pending approval, is
// Mastodon's 404. Core's account lookups answer by the same rule.
func TargetAccount(ctx context.Context, st *store.Store, id int64) (*model.Account, error) {
	accts, err := st.ApprovedAccountsByIDs(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	a := accts[id]
	if a == nil {
		return nil, fault.ErrRecordNotFound
	}
	return a, nil
}
