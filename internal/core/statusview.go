package core

import (
	"context"

	"herd/internal/model"
)

// StatusView is a status with everything needed to render it for one
// viewer, loaded in batches for a whole page.
type StatusView struct {
	Status   *model.Status
	Account  *model.Account
	Reblog   *StatusView // the boosted status, for a boost
	Mentions []*model.Account
	Tags     []model.Tag
	App      *model.App

	// What the viewer has done to this status.
	Favourited, Reblogged, Bookmarked, Pinned, Muted bool
}

// StatusViews hydrates a page of statuses for viewerID (0 = anonymous) with
// a fixed number of queries, whatever the page size: boosted originals,
// accounts, mentions, tags and the viewer's flags are each one batch.
// Statuses whose author or boosted original is missing are dropped.
func (c *Core) StatusViews(ctx context.Context, viewerID int64, statuses []*model.Status) ([]*StatusView, error) {
	var reblogIDs []int64
	for _, st := range statuses {
		if st.ReblogOfID != 0 {
			reblogIDs = append(reblogIDs, st.ReblogOfID)
		}
	}
	originals, err := c.Store.StatusesByIDs(ctx, reblogIDs)
	if err != nil {
		return nil, err
	}
	all := append([]*model.Status{}, statuses...)
	for _, st := range originals {
		all = append(all, st)
	}
	statusIDs := make([]int64, 0, len(all))
	convIDs := make([]int64, 0, len(all))
	accountIDs := make([]int64, 0, len(all))
	for _, st := range all {
		statusIDs = append(statusIDs, st.ID)
		convIDs = append(convIDs, st.ConversationID)
		accountIDs = append(accountIDs, st.AccountID)
	}
	mentions, err := c.Store.MentionsByStatusIDs(ctx, statusIDs)
	if err != nil {
		return nil, err
	}
	for _, ms := range mentions {
		accountIDs = append(accountIDs, ms...)
	}
	accounts, err := c.Store.AccountsByIDs(ctx, accountIDs)
	if err != nil {
		return nil, err
	}
	tags, err := c.Store.TagsByStatusIDs(ctx, statusIDs)
	if err != nil {
		return nil, err
	}
	flags, err := c.Store.ViewerFlagsFor(ctx, viewerID, statusIDs, convIDs)
	if err != nil {
		return nil, err
	}
	var appIDs []int64
	for _, st := range all {
		if st.ApplicationID != 0 {
			appIDs = append(appIDs, st.ApplicationID)
		}
	}
	apps, err := c.Store.AppsByIDs(ctx, appIDs)
	if err != nil {
		return nil, err
	}
	one := func(st *model.Status) *StatusView {
		acct := accounts[st.AccountID]
		if acct == nil {
			return nil
		}
		v := &StatusView{
			Status: st, Account: acct, Tags: tags[st.ID], App: apps[st.ApplicationID],
			Favourited: flags.Favourited[st.ID], Reblogged: flags.Reblogged[st.ID],
			Bookmarked: flags.Bookmarked[st.ID], Pinned: flags.Pinned[st.ID], Muted: flags.Muted[st.ConversationID],
		}
		for _, id := range mentions[st.ID] {
			if a := accounts[id]; a != nil {
				v.Mentions = append(v.Mentions, a)
			}
		}
		return v
	}
	out := make([]*StatusView, 0, len(statuses))
	for _, st := range statuses {
		v := one(st)
		if v == nil {
			continue
		}
		if st.ReblogOfID != 0 {
			orig := originals[st.ReblogOfID]
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
func (c *Core) StatusView(ctx context.Context, viewerID int64, st *model.Status) (*StatusView, error) {
	vs, err := c.StatusViews(ctx, viewerID, []*model.Status{st})
	if err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, ErrRecordNotFound
	}
	return vs[0], nil
}
