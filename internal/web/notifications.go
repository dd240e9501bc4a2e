package web

import (
	"net/http"

	"herd/internal/core/notifications"
	"herd/internal/ids"
	"herd/internal/model"
)

// notificationItem is a notification as notifications.html shows it.
type notificationItem struct {
	ID      string
	Type    string
	Account accountItem
	Status  *statusItem
}

// notificationsData fills notifications.html.
type notificationsData struct {
	Filter   string        // "" for all, "mentions"
	Requests []accountItem // follow requests waiting, on the first page
	Items    []notificationItem
	Page     *page
	Older    string
	Stream   string // on the first page: the stream that tells of new ones (stream.go)
}

// notifications handles GET /notifications: follow requests waiting for
// an answer (with Accept and Reject), then the notifications, newest
// first, ?filter=mentions for mentions only, older pages by ?max_id=.
func (h *Handler) notifications(w http.ResponseWriter, r *http.Request) error {
	v := h.viewer(r)
	ctx := r.Context()
	d := &notificationsData{}
	q := notifications.NotificationQuery{Page: maxIDPage(r)}
	if r.URL.Query().Get("filter") == "mentions" {
		d.Filter = "mentions"
		q.Types = []string{model.NotifyMention}
	}
	np, err := h.core.Notifications.Notifications(ctx, v, q)
	if err != nil {
		return err
	}
	if q.Page.MaxID == 0 {
		d.Stream = streamQuery("user:notification", "")
		reqs, err := h.core.Social.FollowRequests(ctx, v, model.Page{Limit: 40})
		if err != nil {
			return err
		}
		for _, l := range reqs {
			d.Requests = append(d.Requests, h.accountItem(l.Account))
		}
	}
	for _, n := range np.Items {
		item := notificationItem{ID: ids.Format(n.Notification.ID), Type: n.Notification.Type, Account: h.accountItem(n.Account)}
		if n.Status != nil {
			s := h.statusItem(v, n.Status)
			item.Status = &s
		}
		d.Items = append(d.Items, item)
	}
	d.Older = olderPage(r, np.Oldest)
	p := h.newPage(r, "Notifications", v, d)
	p.Nav = "notifications"
	d.Page = p
	h.render(w, r, http.StatusOK, "notifications", p)
	return nil
}
