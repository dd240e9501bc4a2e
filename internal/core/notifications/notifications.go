package notifications

import (
	"context"
	"errors"
	"slices"

	"herd/internal/core/fault"
	"herd/internal/model"
	"herd/internal/store"
)

// notificationTypes lists the notification types Herd records, by
// Mastodon's names.
func notificationTypes() []string {
	return []string{model.NotifyMention, model.NotifyStatus, model.NotifyReblog, model.NotifyFollow,
		model.NotifyFollowRequest, model.NotifyFavourite, model.NotifyUpdate}
}

// hasStatus reports whether a notification type is about a status (and so
// is rendered with it).
func hasStatus(typ string) bool {
	switch typ {
	case model.NotifyMention, model.NotifyStatus, model.NotifyReblog, model.NotifyFavourite, model.NotifyUpdate:
		return true
	}
	return false
}

// NotificationQuery selects the notifications of a list.
type NotificationQuery struct {
	Types         []string // types[]: only these (unknown ones are ignored)
	ExcludeTypes  []string // exclude_types[]
	FromAccountID int64    // account_id: only from this sender
	Page          model.Page
}

// filter turns the query into the store's filter as Mastodon's
// Notification.browserable does: the requested types known to the server
// (all when none are asked for), minus the excluded ones.
func (q NotificationQuery) filter() store.NotificationFilter {
	f := store.NotificationFilter{FromAccountID: q.FromAccountID}
	if len(q.Types) == 0 && len(q.ExcludeTypes) == 0 {
		return f
	}
	f.Types = []string{}
	for _, t := range notificationTypes() {
		if (len(q.Types) == 0 || slices.Contains(q.Types, t)) && !slices.Contains(q.ExcludeTypes, t) {
			f.Types = append(f.Types, t)
		}
	}
	return f
}

// NotificationView is a notification with its sender and, for status types,
// the status hydrated for the recipient.
type NotificationView struct {
	Notification *model.Notification
	Account      *model.Account
	Status       *model.StatusView // the boosted status for a reblog; nil for types without one
}

// NotificationPage is one page of notifications. Newest and Oldest are the
// page's cursors, taken before hidden notifications were dropped, so paging
// moves on past them.
type NotificationPage struct {
	Items          []*NotificationView
	Newest, Oldest int64
}

// Notifications lists a page of the viewer's notifications, newest first.
// Notifications from senders the viewer blocks, mutes with notifications,
// or that are suspended are left out, and so are those whose status the
// viewer can no longer see.
func (s *Service) Notifications(ctx context.Context, v *model.Viewer, q NotificationQuery) (*NotificationPage, error) {
	list, err := s.store.NotificationsPage(ctx, v.AccountID(), q.filter(), q.Page)
	if err != nil {
		return nil, err
	}
	page := &NotificationPage{}
	if len(list) > 0 {
		page.Newest, page.Oldest = list[0].ID, list[len(list)-1].ID
	}
	page.Items, err = s.hydrateNotifications(ctx, v.AccountID(), list)
	return page, err
}

// Notification loads one of the viewer's notifications, or 404.
func (s *Service) Notification(ctx context.Context, v *model.Viewer, id int64) (*NotificationView, error) {
	n, err := s.store.NotificationByID(ctx, v.AccountID(), id)
	if err != nil {
		return nil, fault.NotFoundOr(err)
	}
	views, err := s.hydrateNotifications(ctx, v.AccountID(), []*model.Notification{n})
	if err != nil {
		return nil, err
	}
	if len(views) == 0 {
		return nil, fault.ErrRecordNotFound
	}
	return views[0], nil
}

// DismissNotification deletes one of the viewer's notifications (404 when
// it is not theirs).
func (s *Service) DismissNotification(ctx context.Context, v *model.Viewer, id int64) error {
	return s.store.InTx(ctx, func(tx *store.Store) error {
		if _, err := tx.NotificationByID(ctx, v.AccountID(), id); err != nil {
			return fault.NotFoundOr(err)
		}
		return tx.DeleteNotification(ctx, v.AccountID(), id)
	})
}

// ClearNotifications deletes all of the viewer's notifications.
func (s *Service) ClearNotifications(ctx context.Context, v *model.Viewer) error {
	return s.store.InTx(ctx, func(tx *store.Store) error {
		return tx.ClearNotifications(ctx, v.AccountID())
	})
}

// UnreadNotifications counts the viewer's notifications above their
// notifications marker, up to limit (Mastodon caps the count).
func (s *Service) UnreadNotifications(ctx context.Context, v *model.Viewer, q NotificationQuery, limit int) (int64, error) {
	after, err := s.notificationsReadUpTo(ctx, v)
	if err != nil {
		return 0, err
	}
	return s.store.CountNotificationsAfter(ctx, v.AccountID(), q.filter(), after, limit)
}

// notificationsReadUpTo is the viewer's notifications marker, 0 if unset.
func (s *Service) notificationsReadUpTo(ctx context.Context, v *model.Viewer) (int64, error) {
	m, err := s.store.MarkerOf(ctx, v.AccountID(), MarkerNotifications)
	if errors.Is(err, model.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return m.LastReadID, nil
}

// hydrateNotifications loads the senders and statuses of notifications in
// batches and drops those that cannot be shown: sender gone, or status
// gone or no longer visible to the recipient.
func (s *Service) hydrateNotifications(ctx context.Context, viewerID int64, list []*model.Notification) ([]*NotificationView, error) {
	var senderIDs, statusIDs []int64
	for _, n := range list {
		senderIDs = append(senderIDs, n.FromAccountID)
		if hasStatus(n.Type) && n.StatusID != 0 {
			statusIDs = append(statusIDs, n.StatusID)
		}
	}
	accounts, err := s.store.AccountsByIDs(ctx, senderIDs)
	if err != nil {
		return nil, err
	}
	targets, err := s.notificationTargets(ctx, viewerID, statusIDs)
	if err != nil {
		return nil, err
	}
	out := make([]*NotificationView, 0, len(list))
	for _, n := range list {
		nv := &NotificationView{Notification: n, Account: accounts[n.FromAccountID]}
		if nv.Account == nil {
			continue
		}
		if hasStatus(n.Type) {
			if nv.Status = targets[n.StatusID]; nv.Status == nil {
				continue
			}
		}
		out = append(out, nv)
	}
	return out, nil
}

// notificationTargets hydrates, keyed by the notification's status id, the
// statuses notifications are about (the boosted one for a boost), keeping
// only those the viewer may still see. It costs a fixed number of queries.
func (s *Service) notificationTargets(ctx context.Context, viewerID int64, statusIDs []int64) (map[int64]*model.StatusView, error) {
	out := map[int64]*model.StatusView{}
	if len(statusIDs) == 0 {
		return out, nil
	}
	statuses, err := s.store.StatusesByIDs(ctx, statusIDs)
	if err != nil {
		return nil, err
	}
	var originalIDs []int64
	for _, st := range statuses {
		if st.ReblogOfID != 0 {
			originalIDs = append(originalIDs, st.ReblogOfID)
		}
	}
	originals, err := s.store.StatusesByIDs(ctx, originalIDs)
	if err != nil {
		return nil, err
	}
	targetOf := map[int64]int64{} // notification status id → target id
	seen := map[int64]bool{}
	var targets []*model.Status
	for id, st := range statuses {
		t := st
		if st.ReblogOfID != 0 {
			if t = originals[st.ReblogOfID]; t == nil {
				continue
			}
		}
		targetOf[id] = t.ID
		if !seen[t.ID] {
			seen[t.ID] = true
			targets = append(targets, t)
		}
	}
	views, err := s.visibleViews(ctx, viewerID, targets)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*model.StatusView, len(views))
	for _, sv := range views {
		byID[sv.Status.ID] = sv
	}
	for id, t := range targetOf {
		if sv := byID[t]; sv != nil {
			out[id] = sv
		}
	}
	return out, nil
}
