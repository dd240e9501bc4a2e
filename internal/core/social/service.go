// Package social holds the use cases of the social graph: follows and
// follow requests (asking, accepting, rejecting, unfollowing, removing a
// follower), blocks, mutes, private notes on accounts, relationships and
// familiar followers, and the paged lists of followers, following, follow
// requests, blocks and mutes. The federation area's receive code records and
// ends follows through it too (RecordFollow, RemoveFollow…), so a follow
// has the same side effects whichever door it comes through.
package social

import (
	"context"

	"herd/internal/core/notifications"
	"herd/internal/core/site"
	"herd/internal/model"
	"herd/internal/store"
)

// Deps is what the social area is built from.
type Deps struct {
	Store *store.Store
	// Site makes the ids of the Follow activities local accounts send.
	Site site.Site
	// Notifications records the `follow` and `follow_request`
	// notifications inside the change's transaction; when nil, one over
	// Store is built (it shows no statuses, which these notifications are
	// not about).
	Notifications *notifications.Service
	// QueueDelivery queues inside tx the activity kind ("Follow",
	// "Undo:Follow", "Block" or "Undo:Block") of actor to the remote
	// account targetID: objectID is the follow (or request) or the block
	// it is about, uri the Follow's id (empty for a block). Outgoing
	// federation belongs to core (its Delivery, its rules on who sends),
	// hence a function; it queues nothing for an actor that is not local.
	// When nil nothing is sent to other servers.
	QueueDelivery func(ctx context.Context, tx *store.Store, actor *model.Account, kind string, objectID, targetID int64, uri string) error
	// QueueFollowAnswer queues inside tx an Accept or Reject (kind) of
	// follower's follow f of the local account target; nothing for a
	// local follower. The federation area answers remote Follows with it
	// too. When nil nothing is sent to other servers.
	QueueFollowAnswer func(ctx context.Context, tx *store.Store, target, follower *model.Account, f *model.Follow, kind string) error
	// Wake wakes the job workers after a commit that queued deliveries;
	// a no-op when nil (workers find the jobs at their next poll).
	Wake func()
}

// Service runs the social area's use cases.
type Service struct {
	store             *store.Store
	site              site.Site
	notifications     *notifications.Service
	queueDelivery     func(ctx context.Context, tx *store.Store, actor *model.Account, kind string, objectID, targetID int64, uri string) error
	queueFollowAnswer func(ctx context.Context, tx *store.Store, target, follower *model.Account, f *model.Follow, kind string) error
	wake              func()
}

// New builds the area from its dependencies.
func New(d Deps) *Service {
	s := &Service{store: d.Store, site: d.Site, notifications: d.Notifications,
		queueDelivery: d.QueueDelivery, queueFollowAnswer: d.QueueFollowAnswer, wake: d.Wake}
	if s.notifications == nil {
		s.notifications = notifications.New(notifications.Deps{Store: d.Store})
	}
	if s.queueDelivery == nil {
		s.queueDelivery = func(context.Context, *store.Store, *model.Account, string, int64, int64, string) error { return nil }
	}
	if s.queueFollowAnswer == nil {
		s.queueFollowAnswer = func(context.Context, *store.Store, *model.Account, *model.Account, *model.Follow, string) error {
			return nil
		}
	}
	if s.wake == nil {
		s.wake = func() {}
	}
	return s
}
