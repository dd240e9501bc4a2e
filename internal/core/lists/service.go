// Package lists holds the use cases of lists, as Mastodon has them: a
// user's named subsets of the accounts they follow (at most 50 lists),
// each with a replies policy and an exclusive flag; adding and removing
// members; and each list's timeline, read from a capped feed cache that
// the fan-out job writes (core/timelines, store.FanoutLists) and that is
// rebuilt from the members' statuses when found empty.
package lists

import (
	"context"

	"herd/internal/model"
	"herd/internal/store"
)

// Deps is what the lists area is built from.
type Deps struct {
	Store *store.Store
	// FeedViews hydrates for viewerID those of the statuses with ids (in
	// that order) the viewer may see in a timeline, from core's caches:
	// list feeds store only ids. Without it no status is shown.
	FeedViews func(ctx context.Context, viewerID int64, ids []int64) ([]*model.StatusView, error)
	// MarkActive records that an account reads its feeds, so fan-out keeps
	// writing its home and list feeds (core/timelines); a user back after
	// a long absence gets its list feeds emptied there, for rebuilding
	// here. A no-op when nil.
	MarkActive func(ctx context.Context, accountID int64) error
}

// Service runs the lists area's use cases.
type Service struct {
	store      *store.Store
	feedViews  func(ctx context.Context, viewerID int64, ids []int64) ([]*model.StatusView, error)
	markActive func(ctx context.Context, accountID int64) error
}

// New builds the area from its dependencies.
func New(d Deps) *Service {
	s := &Service{store: d.Store, feedViews: d.FeedViews, markActive: d.MarkActive}
	if s.feedViews == nil {
		s.feedViews = func(context.Context, int64, []int64) ([]*model.StatusView, error) { return []*model.StatusView{}, nil }
	}
	if s.markActive == nil {
		s.markActive = func(context.Context, int64) error { return nil }
	}
	return s
}
