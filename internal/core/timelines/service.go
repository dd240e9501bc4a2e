// Package timelines holds the use cases of the lists of statuses a viewer
// pages through: the home feed (with the bookkeeping of who reads it, and
// its rebuild for a user coming back) and the fan-out jobs that write new
// statuses into home feeds, the public, hashtag and account timelines,
// hashtags with their recent use, featured hashtags, and the bookmarks and
// favourites lists.
package timelines

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"

	"herd/internal/model"
	"herd/internal/store"
)

// Deps is what the timelines area is built from. The statuses of a page
// are hydrated by core's read path, whose caches, visibility rules and
// entity fragments belong to core; without these functions no status is
// shown.
type Deps struct {
	Store *store.Store
	Log   *slog.Logger // slog.Default() when nil
	// FeedViews hydrates for viewerID those of the statuses with ids (in
	// that order) the viewer may see in a timeline (blocks and mutes hide
	// them), loading them from core's caches: the home feed stores only
	// ids.
	FeedViews func(ctx context.Context, viewerID int64, ids []int64) ([]*model.StatusView, error)
	// TimelineViews hydrates for viewerID those of statuses the viewer may
	// see in a timeline (blocks and mutes hide them), in the order given,
	// from the rows given.
	TimelineViews func(ctx context.Context, viewerID int64, statuses []*model.Status) ([]*model.StatusView, error)
	// ThreadViews hydrates for viewerID those of statuses the viewer may
	// see as a thread or a profile shows them (blocks hide a status, mutes
	// do not), in the order given, from the rows given.
	ThreadViews func(ctx context.Context, viewerID int64, statuses []*model.Status) ([]*model.StatusView, error)
}

// Service runs the timelines area's use cases.
type Service struct {
	store         *store.Store
	log           *slog.Logger
	feedViews     func(ctx context.Context, viewerID int64, ids []int64) ([]*model.StatusView, error)
	timelineViews func(ctx context.Context, viewerID int64, statuses []*model.Status) ([]*model.StatusView, error)
	threadViews   func(ctx context.Context, viewerID int64, statuses []*model.Status) ([]*model.StatusView, error)

	// homeReads remembers when this node last recorded each account's home
	// timeline read (unix ms), so touchActive reads the database at most
	// once per activityResolution per account rather than on every page
	// (timelines.go; bounded there by homeReadsPrune).
	homeReads     sync.Map
	homeReadsSets atomic.Int64 // stores since homeReads was last pruned
}

// New builds the area from its dependencies.
func New(d Deps) *Service {
	s := &Service{store: d.Store, log: d.Log, feedViews: d.FeedViews,
		timelineViews: d.TimelineViews, threadViews: d.ThreadViews}
	if s.log == nil {
		s.log = slog.Default()
	}
	none := func(context.Context, int64, []*model.Status) ([]*model.StatusView, error) {
		return []*model.StatusView{}, nil
	}
	if s.feedViews == nil {
		s.feedViews = func(context.Context, int64, []int64) ([]*model.StatusView, error) { return []*model.StatusView{}, nil }
	}
	if s.timelineViews == nil {
		s.timelineViews = none
	}
	if s.threadViews == nil {
		s.threadViews = none
	}
	return s
}
