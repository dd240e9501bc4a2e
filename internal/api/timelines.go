package api

import (
	"net/http"

	"herd/internal/core/timelines"
)

// writeStatusPage renders a timeline page with its Link header.
func (a *API) writeStatusPage(w http.ResponseWriter, r *http.Request, page *timelines.StatusPage) error {
	v := viewerOf(r)
	a.setLinkHeader(w, r, page.NewestID, page.OldestID)
	return a.writeStatuses(w, page.Statuses, v.AccountID())
}

// homeTimeline handles GET /api/v1/timelines/home.
func (a *API) homeTimeline(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	pg, err := pageParams(p, 20, 40)
	if err != nil {
		return err
	}
	page, err := a.core.Timelines.HomeTimeline(r.Context(), viewerOf(r), pg)
	if err != nil {
		return err
	}
	return a.writeStatusPage(w, r, page)
}

func publicFilter(p params) timelines.PublicFilter {
	return timelines.PublicFilter{Local: p.boolean("local", false), Remote: p.boolean("remote", false),
		OnlyMedia: p.boolean("only_media", false)}
}

// publicTimeline handles GET /api/v1/timelines/public.
func (a *API) publicTimeline(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	pg, err := pageParams(p, 20, 40)
	if err != nil {
		return err
	}
	page, err := a.core.Timelines.PublicTimeline(r.Context(), viewerOf(r), publicFilter(p), pg)
	if err != nil {
		return err
	}
	return a.writeStatusPage(w, r, page)
}

// tagTimeline handles GET /api/v1/timelines/tag/:hashtag with any[],
// all[] and none[].
func (a *API) tagTimeline(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	pg, err := pageParams(p, 20, 40)
	if err != nil {
		return err
	}
	q := timelines.TagQuery{Tag: r.PathValue("hashtag"), Any: p.list("any"), All: p.list("all"), None: p.list("none")}
	page, err := a.core.Timelines.TagTimeline(r.Context(), viewerOf(r), q, publicFilter(p), pg)
	if err != nil {
		return err
	}
	return a.writeStatusPage(w, r, page)
}
