package notifications

import (
	"context"
	"time"

	"herd/internal/core/fault"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
)

// The timelines that keep a marker, as Mastodon's Marker::TIMELINES.
const (
	MarkerHome          = "home"
	MarkerNotifications = "notifications"
)

// markerTimelines lists the timelines a marker may be saved for.
func markerTimelines() []string { return []string{MarkerHome, MarkerNotifications} }

// Markers loads the viewer's saved positions for the named timelines;
// unknown or unset timelines are simply absent, as in Mastodon.
func (s *Service) Markers(ctx context.Context, v *model.Viewer, timelines []string) (map[string]*model.Marker, error) {
	return s.store.MarkersOf(ctx, v.AccountID(), timelines)
}

// SaveMarkers saves positions (timeline → last_read_id as sent) in one
// transaction and returns the saved markers. Keys other than home and
// notifications are ignored, as Mastodon's strong parameters drop them; a
// blank or malformed last_read_id is Mastodon's 422 and saves nothing.
func (s *Service) SaveMarkers(ctx context.Context, v *model.Viewer, positions map[string]string) (map[string]*model.Marker, error) {
	parsed := map[string]int64{}
	var timelines []string
	for _, tl := range markerTimelines() {
		raw, ok := positions[tl]
		if !ok {
			continue
		}
		if raw == "" {
			return nil, fault.Unprocessable("Validation failed: Last read can't be blank")
		}
		id, ok := ids.Parse(raw)
		if !ok {
			return nil, fault.Unprocessable("Validation failed: Last read is not a valid id")
		}
		parsed[tl] = id
		timelines = append(timelines, tl)
	}
	var out map[string]*model.Marker
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		now := time.Now()
		for _, tl := range timelines {
			if err := tx.SaveMarker(ctx, v.AccountID(), tl, parsed[tl], now); err != nil {
				return err
			}
		}
		var err error
		out, err = tx.MarkersOf(ctx, v.AccountID(), timelines)
		return err
	})
	return out, err
}
