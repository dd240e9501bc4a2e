package api

import (
	"net/http"

	"herd/internal/core/notifications"
	"herd/internal/ids"
	"herd/internal/model"
)

// Marker is Mastodon's Marker entity.
type Marker struct {
	LastReadID string `json:"last_read_id"`
	Version    int64  `json:"version"`
	UpdatedAt  string `json:"updated_at"`
}

// markerMap renders markers keyed by timeline, as Mastodon answers both
// markers methods.
func markerMap(ms map[string]*model.Marker) map[string]Marker {
	out := make(map[string]Marker, len(ms))
	for tl, m := range ms {
		out[tl] = Marker{LastReadID: ids.Format(m.LastReadID), Version: m.Version, UpdatedAt: timestamp(m.UpdatedAt)}
	}
	return out
}

// markers handles GET /api/v1/markers?timeline[]=home&timeline[]=notifications.
func (a *API) markers(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	ms, err := a.core.Notifications.Markers(r.Context(), viewerOf(r), p.list("timeline"))
	if err != nil {
		return err
	}
	return writeJSON(w, markerMap(ms))
}

// saveMarkers handles POST /api/v1/markers with home[last_read_id] and/or
// notifications[last_read_id] (form or JSON).
func (a *API) saveMarkers(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	positions := map[string]string{}
	for _, tl := range []string{notifications.MarkerHome, notifications.MarkerNotifications} {
		if p.has(tl + "[last_read_id]") {
			positions[tl] = p.str(tl + "[last_read_id]")
		} else if p.has(tl) {
			positions[tl] = "" // the timeline was sent without a position
		}
	}
	ms, err := a.core.Notifications.SaveMarkers(r.Context(), viewerOf(r), positions)
	if err != nil {
		return err
	}
	return writeJSON(w, markerMap(ms))
}
