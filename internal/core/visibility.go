package core

import (
	"context"

	"herd/internal/core/fault"
	"herd/internal/model"
)

// Where a list of statuses is shown decides whether mutes hide them:
// timelines and lists honour mutes, a thread or a direct link does not
// (Mastodon shows a muted account's post when you open it).
type audienceContext int

const (
	// InTimeline hides muted accounts' statuses and boosts.
	InTimeline audienceContext = iota
	// InThread shows muted accounts' statuses (blocks still hide them).
	InThread
)

// VisibleStatuses keeps the statuses viewerID (0 = anonymous) may see, in
// order, with one batch of queries. Rules, as Mastodon's:
//   - a suspended author's statuses are hidden;
//   - a block either way hides the status (and a boost of it);
//   - public and unlisted statuses are visible to all;
//   - private (followers-only) ones to the author, followers and the mentioned;
//   - direct ones to the author and the mentioned;
//   - a boost is visible when the boost and its original both are;
//   - in timelines, muted accounts' statuses and boosts are hidden too.
func (c *Core) VisibleStatuses(ctx context.Context, viewerID int64, statuses []*model.Status, where audienceContext) ([]*model.Status, error) {
	if len(statuses) == 0 {
		return statuses, nil
	}
	pl, err := c.loadPage(ctx, viewerID, idsOf(statuses), freshByID(statuses), nil)
	if err != nil {
		return nil, err
	}
	out := statuses[:0:0]
	for _, st := range statuses {
		if pl.visible(viewerID, st, where) {
			out = append(out, st)
		}
	}
	return out, nil
}

// visible applies the rules above to a loaded status: it and, for a boost,
// its original must both be visible.
func (pl *pageLoad) visible(viewerID int64, st *model.Status, where audienceContext) bool {
	if !canSee(viewerID, st, pl.accounts[st.AccountID], pl.relation(st.AccountID), pl.mentioned(st.ID), where) {
		return false
	}
	if st.ReblogOfID == 0 {
		return true
	}
	orig := pl.statuses[st.ReblogOfID]
	return orig != nil && canSee(viewerID, orig.Status, pl.accounts[orig.Status.AccountID],
		pl.relation(orig.Status.AccountID), pl.mentioned(orig.Status.ID), where)
}

// canSee decides for one status, given the viewer's relation to its
// author and whether the viewer is mentioned in it.
func canSee(viewerID int64, st *model.Status, author *model.Account, rel relation, mentioned bool, where audienceContext) bool {
	if author == nil || author.Suspended() {
		return false
	}
	if st.AccountID == viewerID {
		return true
	}
	if rel.Blocking || rel.BlockedBy {
		return false
	}
	if where == InTimeline && rel.Muting {
		return false
	}
	switch st.Visibility {
	case model.Public, model.Unlisted:
		return true
	case model.Private:
		return viewerID != 0 && (rel.Following || mentioned)
	default:
		return viewerID != 0 && mentioned
	}
}

// VisibleStatus loads one status the viewer may see, or 404 as Mastodon
// answers for statuses that exist but are hidden.
func (c *Core) VisibleStatus(ctx context.Context, viewerID, statusID int64) (*model.Status, error) {
	st, err := c.store.StatusByID(ctx, statusID)
	if err != nil {
		return nil, fault.NotFoundOr(err)
	}
	vis, err := c.VisibleStatuses(ctx, viewerID, []*model.Status{st}, InThread)
	if err != nil {
		return nil, err
	}
	if len(vis) == 0 {
		return nil, fault.ErrRecordNotFound
	}
	return st, nil
}
