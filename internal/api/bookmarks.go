package api

import (
	"context"
	"net/http"

	"herd/internal/core/timelines"
	"herd/internal/door"
	"herd/internal/model"
)

// savedList handles GET /api/v1/bookmarks and /api/v1/favourites: 20
// statuses by default, at most 40, with a Link header over the bookmark or
// favourite ids.
func (a *API) savedList(load func(context.Context, *model.Viewer, model.Page) (*timelines.SavedStatusPage, error)) door.Func {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := parseParams(r)
		if err != nil {
			return err
		}
		pg, err := pageParams(p, 20, 40)
		if err != nil {
			return err
		}
		v := viewerOf(r)
		page, err := load(r.Context(), v, pg)
		if err != nil {
			return err
		}
		a.setLinkHeader(w, r, page.Newest, page.Oldest)
		return a.writeStatuses(w, page.Statuses, v.AccountID())
	}
}
