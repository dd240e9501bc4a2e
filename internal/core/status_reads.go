package core

import (
	"context"

	"herd/internal/core/fault"
	"herd/internal/model"
)

// Context limits, Mastodon's: ancestors are capped at 40; descendants at
// 4096 for signed-in viewers and 60 (20 levels deep) for anonymous ones.
const (
	ancestorsLimit         = 40
	descendantsLimit       = 4096
	descendantsLimitAnon   = 60
	descendantsDepth       = 400
	descendantsDepthAnonym = 20
	// manyStatusesLimit caps GET /api/v1/statuses?id[]=.
	manyStatusesLimit = 40
)

// Status loads one status for a viewer (nil = anonymous), 404 when hidden.
func (c *Core) Status(ctx context.Context, v *model.Viewer, id int64) (*model.StatusView, error) {
	st, err := c.VisibleStatus(ctx, v.AccountID(), id)
	if err != nil {
		return nil, err
	}
	return c.StatusView(ctx, v.AccountID(), st)
}

// Statuses loads several statuses in the order asked, silently skipping
// missing and hidden ones (GET /api/v1/statuses?id[]=).
func (c *Core) Statuses(ctx context.Context, v *model.Viewer, statusIDs []int64) ([]*model.StatusView, error) {
	if len(statusIDs) > manyStatusesLimit {
		statusIDs = statusIDs[:manyStatusesLimit]
	}
	return c.visibleViews(ctx, v.AccountID(), statusIDs, nil, InThread)
}

// ThreadContext is a status's thread: ancestors root first, descendants in
// reading order.
type ThreadContext struct {
	Ancestors   []*model.StatusView
	Descendants []*model.StatusView
}

// Context loads a status's ancestors up to the root and its descendants in
// thread order (threadOrder), each filtered by what the viewer may see in
// a thread.
func (c *Core) Context(ctx context.Context, v *model.Viewer, id int64) (*ThreadContext, error) {
	viewerID := v.AccountID()
	st, err := c.VisibleStatus(ctx, viewerID, id)
	if err != nil {
		return nil, err
	}
	out := &ThreadContext{Ancestors: []*model.StatusView{}, Descendants: []*model.StatusView{}}
	if st.ReblogOfID != 0 {
		return out, nil
	}
	ancestors, err := c.store.AncestorsOf(ctx, st, ancestorsLimit)
	if err != nil {
		return nil, err
	}
	limit, depth := descendantsLimit, descendantsDepth
	if viewerID == 0 {
		limit, depth = descendantsLimitAnon, descendantsDepthAnonym
	}
	descendants, err := c.store.DescendantsOf(ctx, st.ID, limit, depth)
	if err != nil {
		return nil, err
	}
	descendants = threadOrder(st, descendants)
	// One load for both halves of the thread.
	all := append(append([]*model.Status{}, ancestors...), descendants...)
	views, err := c.visibleViews(ctx, viewerID, idsOf(all), freshByID(all), InThread)
	if err != nil {
		return nil, err
	}
	isAncestor := make(map[int64]bool, len(ancestors))
	for _, a := range ancestors {
		isAncestor[a.ID] = true
	}
	for _, v := range views {
		if isAncestor[v.Status.ID] {
			out.Ancestors = append(out.Ancestors, v)
		} else {
			out.Descendants = append(out.Descendants, v)
		}
	}
	return out, nil
}

// threadOrder arranges replies as Mastodon's descendants: depth first with
// siblings in id order, then self-replies (an author answering themselves,
// so a thread reads on) moved to the front, order kept (promote_by!).
func threadOrder(root *model.Status, replies []*model.Status) []*model.Status {
	children := map[int64][]*model.Status{}
	for _, r := range replies { // replies come in id order
		children[r.InReplyToID] = append(children[r.InReplyToID], r)
	}
	tree := make([]*model.Status, 0, len(replies))
	var walk func(id int64)
	walk = func(id int64) {
		for _, r := range children[id] {
			tree = append(tree, r)
			walk(r.ID)
		}
	}
	walk(root.ID)
	out := make([]*model.Status, 0, len(tree))
	for _, r := range tree {
		if r.InReplyToAccountID == r.AccountID {
			out = append(out, r)
		}
	}
	for _, r := range tree {
		if r.InReplyToAccountID != r.AccountID {
			out = append(out, r)
		}
	}
	return out
}

// EditVersion is one version of a status in its history.
type EditVersion struct {
	Edit    model.StatusEdit
	Account *model.Account
	Media   []*model.MediaAttachment // the version's attachments, in order
}

// StatusHistory lists a status's versions oldest first, the current one
// last. A status never edited has a single version, itself (Mastodon).
func (c *Core) StatusHistory(ctx context.Context, v *model.Viewer, id int64) ([]EditVersion, error) {
	st, err := c.VisibleStatus(ctx, v.AccountID(), id)
	if err != nil {
		return nil, err
	}
	author, err := c.store.AccountByID(ctx, st.AccountID)
	if err != nil {
		return nil, fault.NotFoundOr(err)
	}
	edits, err := c.store.StatusEditsOf(ctx, st.ID)
	if err != nil {
		return nil, err
	}
	if len(edits) == 0 {
		current, err := c.currentMediaIDs(ctx, st)
		if err != nil {
			return nil, err
		}
		edits = []model.StatusEdit{{StatusID: st.ID, AccountID: st.AccountID, Text: st.Text, Content: st.Content,
			SpoilerText: st.SpoilerText, Sensitive: st.Sensitive, MediaIDs: current, CreatedAt: st.CreatedAt}}
	}
	// The versions' attachments, each loaded once; an attachment an edit
	// dropped is still the status's (position -1), so it is found here.
	var want []int64
	for _, e := range edits {
		want = append(want, e.MediaIDs...)
	}
	media := map[int64]*model.MediaAttachment{}
	if len(want) > 0 {
		list, err := c.store.MediaByIDs(ctx, want)
		if err != nil {
			return nil, err
		}
		for _, m := range list {
			if m.StatusID == st.ID {
				media[m.ID] = m
			}
		}
	}
	out := make([]EditVersion, len(edits))
	for i, e := range edits {
		out[i] = EditVersion{Edit: e, Account: author}
		for _, id := range e.MediaIDs {
			if m := media[id]; m != nil {
				out[i].Media = append(out[i].Media, m)
			}
		}
	}
	return out, nil
}

// StatusSource returns the text a status was written as, for editing.
func (c *Core) StatusSource(ctx context.Context, v *model.Viewer, id int64) (*model.Status, error) {
	return c.VisibleStatus(ctx, v.AccountID(), id)
}
