package api

import (
	"context"
	"net/http"

	"herd/internal/core"
	"herd/internal/model"
)

// statusActionRoutes registers interactions with a status, with the
// scopes Mastodon asks for each.
func (a *API) statusActionRoutes() {
	simple := func(fn func(context.Context, *model.Viewer, int64) (*model.StatusView, error)) handlerFunc {
		return a.statusAction(func(r *http.Request, v *model.Viewer, id int64) (*model.StatusView, error) {
			return fn(r.Context(), v, id)
		})
	}
	a.handle("POST /api/v1/statuses/{id}/favourite", user("write:favourites"), simple(a.core.Favourite))
	a.handle("POST /api/v1/statuses/{id}/unfavourite", user("write:favourites"), simple(a.core.Unfavourite))
	a.handle("POST /api/v1/statuses/{id}/reblog", user("write:statuses"), a.statusAction(a.reblog))
	a.handle("POST /api/v1/statuses/{id}/unreblog", user("write:statuses"), simple(a.core.Unreblog))
	a.handle("POST /api/v1/statuses/{id}/bookmark", user("write:bookmarks"), simple(a.core.Bookmark))
	a.handle("POST /api/v1/statuses/{id}/unbookmark", user("write:bookmarks"), simple(a.core.Unbookmark))
	a.handle("POST /api/v1/statuses/{id}/pin", user("write:accounts"), simple(a.core.Pin))
	a.handle("POST /api/v1/statuses/{id}/unpin", user("write:accounts"), simple(a.core.Unpin))
	a.handle("POST /api/v1/statuses/{id}/mute", user("write:mutes"), simple(a.core.MuteConversation))
	a.handle("POST /api/v1/statuses/{id}/unmute", user("write:mutes"), simple(a.core.UnmuteConversation))
	// Mastodon asks read:accounts of a token here (authorize_if_got_token!).
	readAccounts := access{scopes: []string{"read:accounts"}}
	a.handle("GET /api/v1/statuses/{id}/favourited_by", readAccounts, a.statusAccounts(a.core.FavouritedBy))
	a.handle("GET /api/v1/statuses/{id}/reblogged_by", readAccounts, a.statusAccounts(a.core.RebloggedBy))
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
func (a *API) statusAccounts(load func(context.Context, *model.Viewer, int64, model.Page) (*core.AccountPage, error)) handlerFunc {
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
