package notifications

import (
	"context"
	"slices"

	"herd/internal/ids"
	"herd/internal/model"
)

// buildGroups turns the notifications heading groups into
// NotificationGroups with their accounts and statuses, in a fixed number of
// queries (NotificationGroup.from_notifications). start/end bound the page's
// range for the groups' summaries; paginated adds the page_* fields.
func (s *Service) buildGroups(ctx context.Context, viewerID int64, heads []*model.Notification, grouped []string, paginated bool, start, end int64) (*GroupedNotifications, error) {
	var keys []string
	for _, n := range heads {
		if slices.Contains(grouped, n.Type) {
			keys = append(keys, n.GroupKey)
		}
	}
	data, err := s.store.NotificationGroupsData(ctx, viewerID, keys, start, end, groupSampleSize)
	if err != nil {
		return nil, err
	}
	var statusIDs []int64
	for _, n := range heads {
		if hasStatus(n.Type) && n.StatusID != 0 {
			statusIDs = append(statusIDs, n.StatusID)
		}
	}
	targets, err := s.notificationTargets(ctx, viewerID, statusIDs)
	if err != nil {
		return nil, err
	}
	res := &GroupedNotifications{}
	var accountIDs []int64
	seenStatus := map[int64]bool{}
	for _, n := range heads {
		g := &NotificationGroup{
			Key: "ungrouped-" + ids.Format(n.ID), Type: n.Type, Count: 1, MostRecentID: n.ID,
			SampleAccountIDs: []int64{n.FromAccountID}, Paginated: paginated,
			PageMinID: n.ID, PageMaxID: n.ID, LatestPageAt: n.CreatedAt,
		}
		if d := data[n.GroupKey]; d != nil && slices.Contains(grouped, n.Type) {
			g.Key, g.Count, g.MostRecentID, g.SampleAccountIDs = n.GroupKey, d.Count, d.MostRecentID, d.SampleAccountIDs
			g.PageMaxID, g.LatestPageAt = d.MostRecentID, d.LatestAt
			if d.PageMinID != 0 {
				g.PageMinID = d.PageMinID
			}
		}
		if hasStatus(n.Type) {
			sv := targets[n.StatusID]
			if sv == nil {
				continue // the status is gone or no longer visible
			}
			g.StatusID = sv.Status.ID
			if !seenStatus[g.StatusID] {
				seenStatus[g.StatusID] = true
				res.Statuses = append(res.Statuses, sv)
			}
		}
		accountIDs = append(accountIDs, g.SampleAccountIDs...)
		res.Groups = append(res.Groups, g)
	}
	accounts, err := s.store.AccountsByIDs(ctx, accountIDs)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	for _, id := range accountIDs {
		if a := accounts[id]; a != nil && !seen[id] {
			seen[id] = true
			res.Accounts = append(res.Accounts, a)
		}
	}
	return res, nil
}
