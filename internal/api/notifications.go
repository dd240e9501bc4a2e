package api

import (
	"net/http"

	"herd/internal/core/notifications"
	"herd/internal/ids"
)

// Notification is Mastodon's Notification entity.
type Notification struct {
	ID        string  `json:"id"`
	Type      string  `json:"type"`
	CreatedAt string  `json:"created_at"`
	GroupKey  string  `json:"group_key"`
	Account   Account `json:"account"`
	Status    *Status `json:"status,omitempty"` // only for types about a status
}

func (a *API) notificationEntity(nv *notifications.NotificationView, viewerID int64) Notification {
	n := nv.Notification
	e := Notification{
		ID: ids.Format(n.ID), Type: n.Type, CreatedAt: timestamp(n.CreatedAt), GroupKey: n.GroupKey,
		Account: a.accountEntity(nv.Account),
	}
	if nv.Status != nil {
		st := a.statusEntity(nv.Status, viewerID)
		e.Status = &st
	}
	return e
}

// notificationQuery reads the filters shared by the notification lists and
// counts: types[], exclude_types[], account_id and the page.
func notificationQuery(p params, def, max int) (notifications.NotificationQuery, error) {
	q := notifications.NotificationQuery{Types: p.list("types"), ExcludeTypes: p.list("exclude_types")}
	var err error
	if q.FromAccountID, err = p.id("account_id"); err != nil {
		return q, err
	}
	q.Page, err = pageParams(p, def, max)
	return q, err
}

// notifications handles GET /api/v1/notifications (40 by default, at most
// 80, as Mastodon's DEFAULT_NOTIFICATIONS_LIMIT and limit_param allow).
func (a *API) notifications(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	q, err := notificationQuery(p, 40, 80)
	if err != nil {
		return err
	}
	v := viewerOf(r)
	page, err := a.core.Notifications.Notifications(r.Context(), v, q)
	if err != nil {
		return err
	}
	out := make([]Notification, 0, len(page.Items))
	for _, nv := range page.Items {
		out = append(out, a.notificationEntity(nv, v.AccountID()))
	}
	a.setLinkHeader(w, r, page.Newest, page.Oldest)
	return writeJSON(w, out)
}

// notification handles GET /api/v1/notifications/{id}.
func (a *API) notification(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v := viewerOf(r)
	nv, err := a.core.Notifications.Notification(r.Context(), v, id)
	if err != nil {
		return err
	}
	return writeJSON(w, a.notificationEntity(nv, v.AccountID()))
}

// dismissNotification handles POST /api/v1/notifications/{id}/dismiss.
func (a *API) dismissNotification(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.core.Notifications.DismissNotification(r.Context(), viewerOf(r), id); err != nil {
		return err
	}
	return writeJSON(w, struct{}{})
}

// clearNotifications handles POST /api/v1/notifications/clear.
func (a *API) clearNotifications(w http.ResponseWriter, r *http.Request) error {
	if err := a.core.Notifications.ClearNotifications(r.Context(), viewerOf(r)); err != nil {
		return err
	}
	return writeJSON(w, struct{}{})
}

// unreadCountLimit reads limit for the unread counts: 100 by default, at
// most 1000 (Mastodon's DEFAULT_/MAX_NOTIFICATIONS_COUNT_LIMIT).
func unreadCountLimit(p params) (int, error) {
	n, err := p.integer("limit", 100)
	if err != nil {
		return 0, err
	}
	if n <= 0 {
		n = 100
	}
	return min(n, 1000), nil
}

// unreadNotifications handles GET /api/v1/notifications/unread_count: the
// notifications above the notifications marker, capped by limit.
func (a *API) unreadNotifications(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	q, err := notificationQuery(p, 40, 80)
	if err != nil {
		return err
	}
	limit, err := unreadCountLimit(p)
	if err != nil {
		return err
	}
	n, err := a.core.Notifications.UnreadNotifications(r.Context(), viewerOf(r), q, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, map[string]int64{"count": n})
}
