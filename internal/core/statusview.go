package core

import (
	"context"

	"herd/internal/core/fault"
	"herd/internal/model"
	"herd/internal/store"
)

// StatusViews hydrates a page of statuses for viewerID (0 = anonymous) with
// a fixed number of queries, whatever the page size, without filtering by
// visibility (callers have checked it). Statuses whose author or boosted
// original is missing are dropped.
func (c *Core) StatusViews(ctx context.Context, viewerID int64, statuses []*model.Status) ([]*model.StatusView, error) {
	return c.views(ctx, viewerID, idsOf(statuses), freshByID(statuses), nil, nil)
}

// visibleViews is the read path of every page: load the statuses of order
// (rows the caller already read are in fresh, the rest come from the cache
// or the database), keep those the viewer may see (where != nil) and
// hydrate them, loading originals, accounts and relations once.
func (c *Core) visibleViews(ctx context.Context, viewerID int64, order []int64, fresh map[int64]*model.Status, where audienceContext) ([]*model.StatusView, error) {
	return c.views(ctx, viewerID, order, fresh, &where, nil)
}

// visibleInThread hydrates those of statuses the viewer may see where a
// thread shows them (InThread: blocks hide a status, mutes do not), in
// order, from the rows given; the notifications area shows the statuses
// its notifications are about through it.
func (c *Core) visibleInThread(ctx context.Context, viewerID int64, statuses []*model.Status) ([]*model.StatusView, error) {
	return c.visibleViews(ctx, viewerID, idsOf(statuses), freshByID(statuses), InThread)
}

// visibleInTimeline hydrates those of statuses the viewer may see in a
// timeline (InTimeline: blocks and mutes hide them), in order, from the
// rows given; the timelines and search areas page through it.
func (c *Core) visibleInTimeline(ctx context.Context, viewerID int64, statuses []*model.Status) ([]*model.StatusView, error) {
	return c.visibleViews(ctx, viewerID, idsOf(statuses), freshByID(statuses), InTimeline)
}

// visibleInFeed is visibleInTimeline for ids alone, loaded from the cache
// (with live counters): the home feed stores only ids.
func (c *Core) visibleInFeed(ctx context.Context, viewerID int64, ids []int64) ([]*model.StatusView, error) {
	return c.visibleViews(ctx, viewerID, ids, nil, InTimeline)
}

// knownLive holds accounts' live parts the caller has just read (nil
// when none): they are used instead of the cache or the database.
func (c *Core) views(ctx context.Context, viewerID int64, order []int64, fresh map[int64]*model.Status, where *audienceContext,
	knownLive map[int64]store.AccountLive) ([]*model.StatusView, error) {
	pl, err := c.loadPage(ctx, viewerID, order, fresh, knownLive)
	if err != nil {
		return nil, err
	}
	keep := pl.statuses
	if where != nil {
		keep = map[int64]*statusEntry{}
		for _, id := range order {
			if e := pl.statuses[id]; e != nil && pl.visible(viewerID, e.Status, *where) {
				keep[id] = e
				if o := pl.statuses[e.Status.ReblogOfID]; o != nil {
					keep[o.Status.ID] = o
				}
			}
		}
	}
	one := func(e *statusEntry) *model.StatusView {
		st := e.Status
		acct := pl.accounts[st.AccountID]
		if acct == nil {
			return nil
		}
		f := pl.flags[st.ID]
		v := &model.StatusView{
			Status: st, Account: acct, Tags: e.Tags, App: e.App, Media: e.Media, Card: e.Card, JSON: e.JSON,
			Favourited: f.Favourited, Reblogged: f.Reblogged, Bookmarked: f.Bookmarked, Pinned: f.Pinned, Muted: f.Muted,
		}
		for _, id := range e.Mentions {
			if a := pl.accounts[id]; a != nil {
				v.Mentions = append(v.Mentions, a)
			}
		}
		return v
	}
	out := make([]*model.StatusView, 0, len(order))
	seen := make(map[int64]bool, len(order))
	for _, id := range order {
		e := keep[id]
		if e == nil || seen[id] {
			continue
		}
		seen[id] = true
		v := one(e)
		if v == nil {
			continue
		}
		if e.Status.ReblogOfID != 0 {
			orig := keep[e.Status.ReblogOfID]
			if orig == nil {
				continue
			}
			if v.Reblog = one(orig); v.Reblog == nil {
				continue
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// StatusView hydrates one status for a viewer.
func (c *Core) StatusView(ctx context.Context, viewerID int64, st *model.Status) (*model.StatusView, error) {
	return c.statusView(ctx, viewerID, st, nil)
}

// statusView is StatusView with accounts' live parts the caller just read
// (see views).
func (c *Core) statusView(ctx context.Context, viewerID int64, st *model.Status, knownLive map[int64]store.AccountLive) (*model.StatusView, error) {
	vs, err := c.views(ctx, viewerID, []int64{st.ID}, freshByID([]*model.Status{st}), nil, knownLive)
	if err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, fault.ErrRecordNotFound
	}
	return vs[0], nil
}

func idsOf(statuses []*model.Status) []int64 {
	out := make([]int64, len(statuses))
	for i, st := range statuses {
		out[i] = st.ID
	}
	return out
}

func freshByID(statuses []*model.Status) map[int64]*model.Status {
	out := make(map[int64]*model.Status, len(statuses))
	for _, st := range statuses {
		out[st.ID] = st
	}
	return out
}
