package core

import (
	"cmp"
	"context"
	"slices"
	"time"

	"herd/internal/core/timelines"
	"herd/internal/model"
	"herd/internal/store"
)

// recordStatus is the step both doors end in (DESIGN.md): it stores a
// status with its mentions and tags, updates the counters in SQL, writes
// the author's own feed row, enqueues the fan-out job, records the
// notifications and appends the event, all in the caller's transaction.
// It returns what the caller may put in the caches without reading it back.
func (c *Core) recordStatus(ctx context.Context, tx *store.Store, st *model.Status, parent *model.Status,
	mentions []*model.Account, tags map[string]string) (*recorded, error) {
	out := &recorded{}
	if err := tx.InsertStatus(ctx, st); err != nil {
		return nil, err
	}
	mentionIDs := make([]int64, len(mentions))
	for i, m := range mentions {
		mentionIDs[i] = m.ID
	}
	if err := tx.AddMentions(ctx, st.ID, mentionIDs); err != nil {
		return nil, err
	}
	if len(tags) > 0 {
		byName, err := tx.UpsertTags(ctx, tags, st.CreatedAt)
		if err != nil {
			return nil, err
		}
		tagIDs := make([]int64, 0, len(byName))
		for _, t := range byName {
			tagIDs = append(tagIDs, t.ID)
			out.tags = append(out.tags, t)
		}
		slices.SortFunc(out.tags, func(a, b model.Tag) int { return cmp.Compare(a.ID, b.ID) }) // as the tags query orders them
		if err := tx.AddStatusTags(ctx, st.ID, tagIDs); err != nil {
			return nil, err
		}
	}
	live, err := c.countStatus(ctx, tx, st, 1)
	if err != nil {
		return nil, err
	}
	out.authorLive = live
	if st.ReblogOfID == 0 && st.Local {
		// Local authors see their own post at once; followers get it from
		// the job. Remote authors read no home feed here.
		if err := tx.InsertFeedRows(ctx, []store.FeedRow{{AccountID: st.AccountID, StatusID: st.ID, AuthorID: st.AccountID}}); err != nil {
			return nil, err
		}
	}
	if err := timelines.EnqueueFanout(ctx, tx, st.ID); err != nil {
		return nil, err
	}
	if err := c.notifyNewStatus(ctx, tx, st, parent, mentions); err != nil {
		return nil, err
	}
	return out, tx.AppendEvent(ctx, store.EventStatusCreated, st.ID, st.AccountID, "")
}

// recorded is what recordStatus wrote that the caller may cache.
type recorded struct {
	authorLive *store.AccountLive // the author's live counters after the post; nil for a direct one
	tags       []model.Tag        // the status's tags with their stored names, by id
}

// countStatus adds delta (+1 new, -1 deleted) to the counters a status
// touches, as Mastodon's counter caches: the author's statuses_count
// (direct posts do not count), the parent's replies_count (public and
// unlisted replies only) and a boosted status's reblogs_count.
func (c *Core) countStatus(ctx context.Context, tx *store.Store, st *model.Status, delta int64) (*store.AccountLive, error) {
	var live *store.AccountLive
	if st.Visibility != model.Direct {
		var at *time.Time
		if delta > 0 {
			at = &st.CreatedAt
		}
		l, err := tx.CountNewStatus(ctx, st.AccountID, delta, at)
		if err != nil {
			return nil, err
		}
		live = &l
	}
	if st.InReplyToID != 0 && (st.Visibility == model.Public || st.Visibility == model.Unlisted) {
		if err := tx.AddStatusCounts(ctx, st.InReplyToID, delta, 0, 0); err != nil {
			return nil, err
		}
	}
	if st.ReblogOfID != 0 {
		return live, tx.AddStatusCounts(ctx, st.ReblogOfID, 0, delta, 0)
	}
	return live, nil
}

// notifyNewStatus sends `mention` notifications to the mentioned and
// `status` ones to followers who asked for them (not for replies to others
// or direct posts, as Mastodon).
func (c *Core) notifyNewStatus(ctx context.Context, tx *store.Store, st, parent *model.Status, mentions []*model.Account) error {
	for _, m := range mentions {
		if err := c.Notifications.Notify(ctx, tx, m, st.AccountID, model.NotifyMention, st); err != nil {
			return err
		}
	}
	if st.ReblogOfID != 0 || st.Visibility == model.Direct || (parent != nil && parent.AccountID != st.AccountID) {
		return nil
	}
	followers, err := tx.NotifyFollowers(ctx, st.AccountID)
	if err != nil || len(followers) == 0 {
		return err
	}
	accounts, err := tx.AccountsByIDs(ctx, followers)
	if err != nil {
		return err
	}
	mentioned := map[int64]bool{}
	for _, m := range mentions {
		mentioned[m.ID] = true
	}
	for _, id := range followers {
		if mentioned[id] {
			continue
		}
		if err := c.Notifications.Notify(ctx, tx, accounts[id], st.AccountID, model.NotifyStatus, st); err != nil {
			return err
		}
	}
	return nil
}
