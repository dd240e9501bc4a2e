// Package notifications holds the use cases of an account's notifications:
// recording one inside another use case's transaction (Notify), listing,
// reading, dismissing and counting them, one by one (API v1) or in
// Mastodon 4.3's groups (API v2), and the read markers of the home timeline
// and the notifications.
package notifications

import (
	"context"

	"herd/internal/model"
	"herd/internal/store"
)

// Deps is what the notifications area is built from.
type Deps struct {
	Store *store.Store
	// VisibleViews hydrates for viewerID those of statuses the viewer may
	// still see as a thread shows them (blocks hide a status, mutes do
	// not), in the order given, from the rows given. The statuses a
	// notification is about are hydrated by core's read path, whose caches,
	// visibility rules and entity fragments belong to core; without it no
	// status is shown, so notifications about statuses are left out.
	VisibleViews func(ctx context.Context, viewerID int64, statuses []*model.Status) ([]*model.StatusView, error)
	// Recorded runs inside the transaction that records a notification,
	// once it is recorded (push enqueues its jobs there, so a push is
	// sent if and only if the notification commits).
	Recorded func(ctx context.Context, tx *store.Store, n *model.Notification) error
}

// Service runs the notifications area's use cases.
type Service struct {
	store        *store.Store
	visibleViews func(ctx context.Context, viewerID int64, statuses []*model.Status) ([]*model.StatusView, error)
	recorded     func(ctx context.Context, tx *store.Store, n *model.Notification) error
}

// New builds the area from its dependencies.
func New(d Deps) *Service {
	s := &Service{store: d.Store, visibleViews: d.VisibleViews, recorded: d.Recorded}
	if s.recorded == nil {
		s.recorded = func(context.Context, *store.Store, *model.Notification) error { return nil }
	}
	if s.visibleViews == nil {
		s.visibleViews = func(context.Context, int64, []*model.Status) ([]*model.StatusView, error) { return nil, nil }
	}
	return s
}
