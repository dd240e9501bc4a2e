package web

import (
	"context"
	"net/http"

	"herd/internal/core/timelines"
	"herd/internal/model"
)

// bookmarks handles GET /bookmarks: the statuses the user bookmarked,
// newest bookmark first.
func (h *Handler) bookmarks(w http.ResponseWriter, r *http.Request) error {
	return h.savedStatuses(w, r, "bookmarks", "Bookmarks", "You have not bookmarked any posts yet. The bookmark button under a post keeps it here.",
		h.core.Timelines.Bookmarks)
}

// favourites handles GET /favourites: the statuses the user favourited.
func (h *Handler) favourites(w http.ResponseWriter, r *http.Request) error {
	return h.savedStatuses(w, r, "favourites", "Favourites", "You have not favourited any posts yet.", h.core.Timelines.Favourites)
}

// savedStatuses renders a list of saved statuses, paged by the saved
// rows' ids (?max_id=), as Mastodon pages them.
func (h *Handler) savedStatuses(w http.ResponseWriter, r *http.Request, nav, title, empty string,
	load func(context.Context, *model.Viewer, model.Page) (*timelines.SavedStatusPage, error)) error {
	v := h.viewer(r)
	sp, err := load(r.Context(), v, maxIDPage(r))
	if err != nil {
		return err
	}
	d := &timelineData{Heading: title}
	p := h.newPage(r, title, v, d)
	p.Nav = nav
	d.List = statusList{Items: h.statusItems(v, sp.Statuses), Page: p, Empty: empty, Older: olderPage(r, sp.Oldest)}
	h.render(w, r, http.StatusOK, "timeline", p)
	return nil
}
