package lists

import (
	"context"
	"time"

	"herd/internal/core/timelines"
	"herd/internal/model"
	"herd/internal/store"
)

const (
	// feedKeep caps a list's feed, as home feeds are (Mastodon's 800).
	feedKeep = 800
	// rebuildMembers and rebuildPerMember bound a list feed's rebuild:
	// the latest posts of this many members, this many each.
	rebuildMembers   = 400
	rebuildPerMember = 20
)

// Timeline reads a page of one of the viewer's lists: ids from the list's
// feed, then one batch of loads, so the cost is the page size. The read
// counts as activity (fan-out keeps writing the feed); a feed found empty
// on its first page is rebuilt from the members' latest statuses first
// (a new list, or one whose owner was away).
func (s *Service) Timeline(ctx context.Context, v *model.Viewer, id int64, p model.Page) (*timelines.StatusPage, error) {
	l, err := owned(ctx, s.store, v, id)
	if err != nil {
		return nil, err
	}
	me := v.AccountID()
	if err := s.markActive(ctx, me); err != nil {
		return nil, err
	}
	feedIDs, err := s.store.ListFeedPage(ctx, l.ID, p)
	if err != nil {
		return nil, err
	}
	if len(feedIDs) == 0 && p.MaxID == 0 && p.MinID == 0 && p.SinceID == 0 {
		if err := s.rebuild(ctx, l.ID); err != nil {
			return nil, err
		}
		if feedIDs, err = s.store.ListFeedPage(ctx, l.ID, p); err != nil {
			return nil, err
		}
	}
	out := &timelines.StatusPage{Statuses: []*model.StatusView{}}
	if len(feedIDs) == 0 {
		return out, nil
	}
	views, err := s.feedViews(ctx, me, feedIDs)
	if err != nil {
		return nil, err
	}
	out.Statuses, out.NewestID, out.OldestID, out.Rows = views, feedIDs[0], feedIDs[len(feedIDs)-1], len(feedIDs)
	return out, nil
}

// rebuild refills a list's feed from its members' latest statuses, with
// the rules of fan-out (store.BackfillListFeed), capped at feedKeep.
func (s *Service) rebuild(ctx context.Context, listID int64) error {
	now := time.Now().UnixMilli()
	return s.store.InTx(ctx, func(tx *store.Store) error {
		members, err := tx.ListMemberIDs(ctx, listID, rebuildMembers)
		if err != nil || len(members) == 0 {
			return err
		}
		for _, m := range members {
			if err := tx.BackfillListFeed(ctx, listID, m, rebuildPerMember, now); err != nil {
				return err
			}
		}
		return tx.TrimListFeeds(ctx, []int64{listID}, feedKeep)
	})
}
