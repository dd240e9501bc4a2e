package api

import (
	"encoding/json"
	"net/http"
	"time"

	"herd/internal/core/fault"
	"herd/internal/core/notifications"
	"herd/internal/ids"
)

// NotificationGroup is Mastodon's NotificationGroup entity.
// most_recent_notification_id is a JSON number: Mastodon's
// REST::NotificationGroupSerializer renders the raw integer (the OpenAPI
// schema agrees), while every other id is a string.
type NotificationGroup struct {
	GroupKey                 string   `json:"group_key"`
	NotificationsCount       int64    `json:"notifications_count"`
	Type                     string   `json:"type"`
	MostRecentNotificationID int64    `json:"most_recent_notification_id"`
	PageMinID                *string  `json:"page_min_id,omitempty"`
	PageMaxID                *string  `json:"page_max_id,omitempty"`
	LatestPageNotificationAt *string  `json:"latest_page_notification_at,omitempty"`
	SampleAccountIDs         []string `json:"sample_account_ids"`
	StatusID                 *string  `json:"status_id,omitempty"`
}

// GroupedNotificationsResults is Mastodon's GroupedNotificationsResults.
type GroupedNotificationsResults struct {
	Accounts           []Account           `json:"accounts"`
	PartialAccounts    *[]Account          `json:"partial_accounts,omitempty"`
	Statuses           []json.RawMessage   `json:"statuses"`
	NotificationGroups []NotificationGroup `json:"notification_groups"`
}

func (a *API) groupedResults(res *notifications.GroupedNotifications, viewerID int64, partial bool) GroupedNotificationsResults {
	out := GroupedNotificationsResults{
		Accounts: a.accountEntities(res.Accounts), Statuses: a.statusEntities(res.Statuses, viewerID),
		NotificationGroups: make([]NotificationGroup, 0, len(res.Groups)),
	}
	if partial {
		// expand_accounts=partial_avatars lets a server send some accounts in
		// stripped-down form; Herd sends them all in full, which the docs allow.
		out.PartialAccounts = &[]Account{}
	}
	for _, g := range res.Groups {
		e := NotificationGroup{
			GroupKey: g.Key, NotificationsCount: g.Count, Type: g.Type, MostRecentNotificationID: g.MostRecentID,
			SampleAccountIDs: make([]string, 0, len(g.SampleAccountIDs)), StatusID: optID(g.StatusID),
		}
		for _, id := range g.SampleAccountIDs {
			e.SampleAccountIDs = append(e.SampleAccountIDs, ids.Format(id))
		}
		if g.Paginated {
			minID, maxID, at := ids.Format(g.PageMinID), ids.Format(g.PageMaxID), timestamp(g.LatestPageAt.In(time.UTC))
			e.PageMinID, e.PageMaxID, e.LatestPageNotificationAt = &minID, &maxID, &at
		}
		out.NotificationGroups = append(out.NotificationGroups, e)
	}
	return out
}

// groupQuery reads the grouped lists' parameters.
func groupQuery(p params) (notifications.GroupQuery, error) {
	nq, err := notificationQuery(p, 40, 80)
	return notifications.GroupQuery{NotificationQuery: nq, GroupedTypes: p.list("grouped_types")}, err
}

// expandAccounts reads expand_accounts as Mastodon does: full (default) or
// partial_avatars, anything else a 400.
func expandAccounts(p params) (partial bool, err error) {
	switch v := p.str("expand_accounts"); v {
	case "", "full":
		return false, nil
	case "partial_avatars":
		return true, nil
	default:
		return false, fault.BadRequest("Invalid value for 'expand_accounts': '" + v + "', allowed values are 'full' and 'partial_avatars'")
	}
}

// notificationGroups handles GET /api/v2/notifications. The Link header
// pages over the ids of the notifications heading the page's groups.
func (a *API) notificationGroups(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	partial, err := expandAccounts(p)
	if err != nil {
		return err
	}
	q, err := groupQuery(p)
	if err != nil {
		return err
	}
	v := viewerOf(r)
	res, err := a.core.Notifications.NotificationGroups(r.Context(), v, q)
	if err != nil {
		return err
	}
	a.setLinkHeader(w, r, res.Newest, res.Oldest)
	return writeJSON(w, a.groupedResults(res, v.AccountID(), partial))
}

// notificationGroup handles GET /api/v2/notifications/{group_key}.
func (a *API) notificationGroup(w http.ResponseWriter, r *http.Request) error {
	v := viewerOf(r)
	res, err := a.core.Notifications.NotificationGroup(r.Context(), v, r.PathValue("group_key"))
	if err != nil {
		return err
	}
	return writeJSON(w, a.groupedResults(res, v.AccountID(), false))
}

// dismissNotificationGroup handles POST /api/v2/notifications/{group_key}/dismiss.
func (a *API) dismissNotificationGroup(w http.ResponseWriter, r *http.Request) error {
	if err := a.core.Notifications.DismissNotificationGroup(r.Context(), viewerOf(r), r.PathValue("group_key")); err != nil {
		return err
	}
	return writeJSON(w, struct{}{})
}

// notificationGroupAccounts handles GET /api/v2/notifications/{group_key}/accounts.
func (a *API) notificationGroupAccounts(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	pg, err := pageParams(p, 40, 80)
	if err != nil {
		return err
	}
	accounts, newest, oldest, err := a.core.Notifications.NotificationGroupAccounts(r.Context(), viewerOf(r), r.PathValue("group_key"), pg)
	if err != nil {
		return err
	}
	a.setLinkHeader(w, r, newest, oldest)
	return writeJSON(w, a.accountEntities(accounts))
}

// unreadNotificationGroups handles GET /api/v2/notifications/unread_count:
// the groups formed above the notifications marker, capped by limit.
func (a *API) unreadNotificationGroups(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	q, err := groupQuery(p)
	if err != nil {
		return err
	}
	limit, err := unreadCountLimit(p)
	if err != nil {
		return err
	}
	n, err := a.core.Notifications.UnreadNotificationGroups(r.Context(), viewerOf(r), q, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, map[string]int64{"count": n})
}
