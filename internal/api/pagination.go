package api

import (
	"fmt"
	"net/http"
	"net/url"

	"herd/internal/ids"
	"herd/internal/model"
)

// pageParams reads max_id/since_id/min_id/limit; limit defaults to def and
// is clamped to max, as Mastodon does.
func pageParams(p params, def, max int) (model.Page, error) {
	var pg model.Page
	var err error
	if pg.MaxID, err = p.id("max_id"); err != nil {
		return pg, err
	}
	if pg.SinceID, err = p.id("since_id"); err != nil {
		return pg, err
	}
	if pg.MinID, err = p.id("min_id"); err != nil {
		return pg, err
	}
	if pg.Limit, err = p.integer("limit", def); err != nil {
		return pg, err
	}
	if pg.Limit <= 0 {
		pg.Limit = def
	}
	if pg.Limit > max {
		pg.Limit = max
	}
	return pg, nil
}

// setLinkHeader writes Mastodon's Link header for a page whose newest item
// has cursor newest and oldest item has cursor oldest (both 0 for an empty
// page, which gets no header).
func (a *API) setLinkHeader(w http.ResponseWriter, r *http.Request, newest, oldest int64) {
	if newest == 0 && oldest == 0 {
		return
	}
	link := func(key string, id int64) string {
		q := url.Values{}
		for k, v := range r.URL.Query() {
			if k == "max_id" || k == "min_id" || k == "since_id" || k == "access_token" {
				continue
			}
			q[k] = v
		}
		q.Set(key, ids.Format(id))
		return a.core.BaseURL() + r.URL.Path + "?" + q.Encode()
	}
	w.Header().Set("Link", fmt.Sprintf(`<%s>; rel="next", <%s>; rel="prev"`, link("max_id", oldest), link("min_id", newest)))
}
