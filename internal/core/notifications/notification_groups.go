package notifications

import (
	"context"
	"slices"
	"strings"
	"time"

	"herd/internal/core/fault"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
)

// groupSampleSize is how many recent senders a group names
// (NotificationGroup::SAMPLE_ACCOUNTS_SIZE).
const groupSampleSize = 8

// groupableTypes are the types Mastodon 4.3 folds into groups.
func groupableTypes() []string {
	return []string{model.NotifyFavourite, model.NotifyReblog, model.NotifyFollow}
}

// GroupQuery selects a page of notification groups.
type GroupQuery struct {
	NotificationQuery
	GroupedTypes []string // grouped_types[]: which types may group (default: all groupable)
}

// groupedTypes is the requested grouped_types limited to groupable ones.
func (q GroupQuery) groupedTypes() []string {
	if len(q.GroupedTypes) == 0 {
		return groupableTypes()
	}
	var out []string
	for _, t := range groupableTypes() {
		if slices.Contains(q.GroupedTypes, t) {
			out = append(out, t)
		}
	}
	return out
}

// NotificationGroup is Mastodon's NotificationGroup: notifications of one
// kind about one target, summarized.
type NotificationGroup struct {
	Key              string
	Type             string
	Count            int64
	MostRecentID     int64
	SampleAccountIDs []int64
	StatusID         int64 // the status the group is about, 0 for types without one
	Paginated        bool  // page_* fields are set (lists, not single lookups)
	PageMinID        int64
	PageMaxID        int64
	LatestPageAt     time.Time
}

// GroupedNotifications is Mastodon's GroupedNotificationsResults with the
// page's cursors (ids of the notifications heading the page's groups).
type GroupedNotifications struct {
	Groups         []*NotificationGroup
	Accounts       []*model.Account
	Statuses       []*model.StatusView
	Newest, Oldest int64
}

// NotificationGroups lists a page of the viewer's notification groups.
// As in Mastodon 4.3, a page holds up to Limit groups, each headed by its
// newest notification inside the page's bounds, and each group's counts
// and samples cover its notifications up to the top of the page.
func (s *Service) NotificationGroups(ctx context.Context, v *model.Viewer, q GroupQuery) (*GroupedNotifications, error) {
	grouped := q.groupedTypes()
	list, err := s.store.GroupedNotificationsPage(ctx, v.AccountID(), q.filter(), grouped, q.Page)
	if err != nil || len(list) == 0 {
		return &GroupedNotifications{}, err
	}
	// The range the page covers, as Api::V2::NotificationsController computes
	// it: the page's own notifications, or, on a short (last) page, down to
	// since_id or up to max_id. 0 leaves a side open.
	start, end := list[len(list)-1].ID, list[0].ID
	if len(list) < q.Page.Limit {
		if q.Page.MinID > 0 {
			end = 0
			if q.Page.MaxID > 0 {
				end = q.Page.MaxID - 1
			}
		} else {
			start = 0
			if q.Page.SinceID > 0 {
				start = q.Page.SinceID + 1
			}
		}
	}
	res, err := s.buildGroups(ctx, v.AccountID(), list, grouped, true, start, end)
	if err != nil {
		return nil, err
	}
	res.Newest, res.Oldest = list[0].ID, list[len(list)-1].ID
	return res, nil
}

// NotificationGroup loads one of the viewer's groups by key
// ("ungrouped-{id}" names a single notification), or 404.
func (s *Service) NotificationGroup(ctx context.Context, v *model.Viewer, key string) (*GroupedNotifications, error) {
	n, err := s.newestOfGroup(ctx, v, key)
	if err != nil {
		return nil, err
	}
	res, err := s.buildGroups(ctx, v.AccountID(), []*model.Notification{n}, groupableTypes(), false, 0, 0)
	if err != nil {
		return nil, err
	}
	if len(res.Groups) == 0 {
		return nil, fault.ErrRecordNotFound
	}
	return res, nil
}

// DismissNotificationGroup deletes every notification of one of the
// viewer's groups.
func (s *Service) DismissNotificationGroup(ctx context.Context, v *model.Viewer, key string) error {
	return s.store.InTx(ctx, func(tx *store.Store) error {
		if id, ok := ungroupedID(key); ok {
			return tx.DeleteNotification(ctx, v.AccountID(), id)
		}
		return tx.DeleteNotificationGroup(ctx, v.AccountID(), key)
	})
}

// NotificationGroupAccounts lists the senders of a page of one group's
// notifications, newest first, with the page's cursors.
func (s *Service) NotificationGroupAccounts(ctx context.Context, v *model.Viewer, key string, p model.Page) ([]*model.Account, int64, int64, error) {
	list, err := s.store.GroupNotificationsPage(ctx, v.AccountID(), key, p)
	if err != nil || len(list) == 0 {
		return nil, 0, 0, err
	}
	senderIDs := make([]int64, 0, len(list))
	for _, n := range list {
		senderIDs = append(senderIDs, n.FromAccountID)
	}
	accounts, err := s.store.AccountsByIDs(ctx, senderIDs)
	if err != nil {
		return nil, 0, 0, err
	}
	out := make([]*model.Account, 0, len(list))
	for _, id := range senderIDs {
		if a := accounts[id]; a != nil {
			out = append(out, a)
		}
	}
	return out, list[0].ID, list[len(list)-1].ID, nil
}

// UnreadNotificationGroups counts the groups the viewer's notifications
// above their marker form, up to limit.
func (s *Service) UnreadNotificationGroups(ctx context.Context, v *model.Viewer, q GroupQuery, limit int) (int64, error) {
	after, err := s.notificationsReadUpTo(ctx, v)
	if err != nil {
		return 0, err
	}
	return s.store.CountNotificationGroupsAfter(ctx, v.AccountID(), q.filter(), q.groupedTypes(), after, limit)
}

func ungroupedID(key string) (int64, bool) {
	rest, ok := strings.CutPrefix(key, "ungrouped-")
	if !ok {
		return 0, false
	}
	return ids.Parse(rest)
}

func (s *Service) newestOfGroup(ctx context.Context, v *model.Viewer, key string) (*model.Notification, error) {
	var n *model.Notification
	var err error
	if id, ok := ungroupedID(key); ok {
		n, err = s.store.NotificationByID(ctx, v.AccountID(), id)
	} else {
		n, err = s.store.NewestInGroup(ctx, v.AccountID(), key)
	}
	return n, fault.NotFoundOr(err)
}
