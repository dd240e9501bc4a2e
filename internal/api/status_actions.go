package api

import (
	"context"
	"net/http"

	"herd/internal/core"
	"herd/internal/door"
	"herd/internal/model"
)

// statusUseCase is statusAction for a use case that takes nothing but the
// status: favourite, bookmark, pin, mute and their undoing.
func (a *API) statusUseCase(fn func(context.Context, *model.Viewer, int64) (*model.StatusView, error)) door.Func {
	return a.statusAction(func(r *http.Request, v *model.Viewer, id int64) (*model.StatusView, error) {
		return fn(r.Context(), v, id)
	})
}

// reblog handles POST /api/v1/statuses/:id/reblog (visibility optional).
func (a *API) reblog(r *http.Request, v *model.Viewer, id int64) (*model.StatusView, error) {
	p, err := parseParams(r)
	if err != nil {
		return nil, err
	}
	return a.core.Reblog(r.Context(), v, id, model.Visibility(p.str("visibility")))
}

// statusAccounts handles favourited_by and reblogged_by: 40 accounts by
// default, at most 80, paged by the favourite or boost id.
func (a *API) statusAccounts(load func(context.Context, *model.Viewer, int64, model.Page) (*core.AccountPage, error)) door.Func {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		p, err := parseParams(r)
		if err != nil {
			return err
		}
		pg, err := pageParams(p, 40, 80)
		if err != nil {
			return err
		}
		page, err := load(r.Context(), viewerOf(r), id, pg)
		if err != nil {
			return err
		}
		a.setLinkHeader(w, r, page.NewestID, page.OldestID)
		return writeJSON(w, a.accountEntities(page.Accounts))
	}
}
