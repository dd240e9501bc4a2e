package timelines

import (
	"context"
	"strings"
	"time"

	"herd/internal/core/fault"
	"herd/internal/model"
	"herd/internal/store"
	"herd/internal/text"
)

// rebuildFollows and rebuildPerAuthor bound the feed rebuild of a user
// coming back after activeWindow: the latest posts of their most recent
// follows, trimmed to feedKeep.
const (
	rebuildFollows   = 400
	rebuildPerAuthor = 20
)

// StatusPage is a timeline page: the statuses the viewer may see, and the
// cursors of the raw page for the Link header (a page thinned by
// visibility still pages on from where it ended). Rows is how many the
// raw page had: fewer than the limit asked for means it was the last.
type StatusPage struct {
	Statuses           []*model.StatusView
	NewestID, OldestID int64
	Rows               int
}

// statusPage is the page of list the viewer may see, hydrated by views
// (s.timelineViews or s.threadViews, which say where the page is shown).
func statusPage(ctx context.Context, viewerID int64, list []*model.Status,
	views func(context.Context, int64, []*model.Status) ([]*model.StatusView, error)) (*StatusPage, error) {
	out := &StatusPage{Statuses: []*model.StatusView{}}
	if len(list) == 0 {
		return out, nil
	}
	out.NewestID, out.OldestID, out.Rows = list[0].ID, list[len(list)-1].ID, len(list)
	var err error
	out.Statuses, err = views(ctx, viewerID, list)
	return out, err
}

// HomeTimeline reads a page of the viewer's home feed: page ids from
// home_feed, then one batch of loads, so the cost is the page size. A
// user's activity is recorded at most hourly; one coming back after the
// fan-out stopped writing their feed gets it rebuilt first.
func (s *Service) HomeTimeline(ctx context.Context, v *model.Viewer, p model.Page) (*StatusPage, error) {
	me := v.AccountID()
	if err := s.touchActive(ctx, me); err != nil {
		return nil, err
	}
	feedIDs, err := s.store.HomeFeedPage(ctx, me, p)
	if err != nil {
		return nil, err
	}
	out := &StatusPage{Statuses: []*model.StatusView{}}
	if len(feedIDs) == 0 {
		return out, nil
	}
	// Statuses come from the cache (with live counters), not from a row
	// query per page.
	views, err := s.feedViews(ctx, me, feedIDs)
	if err != nil {
		return nil, err
	}
	out.Statuses, out.NewestID, out.OldestID, out.Rows = views, feedIDs[0], feedIDs[len(feedIDs)-1], len(feedIDs)
	return out, nil
}

// MarkActive records that accountID reads its feeds (a list timeline
// counts as a home read), as touchActive does: the user stays active for
// fan-out, and one coming back gets the home feed rebuilt and the list
// feeds emptied for rebuilding.
func (s *Service) MarkActive(ctx context.Context, accountID int64) error {
	return s.touchActive(ctx, accountID)
}

// touchActive records a home timeline read, at most once per
// activityResolution, marking the user active for fan-out, and rebuilds
// the feed when it went unread longer than activeWindow: fan-out may have
// skipped the user meanwhile (other API use marks a user active again
// without filling that gap).
func (s *Service) touchActive(ctx context.Context, accountID int64) error {
	now := time.Now()
	if v, ok := s.homeReads.Load(accountID); ok && now.Sub(time.UnixMilli(v.(int64))) < activityResolution {
		return nil
	}
	last, err := s.store.HomeFeedReadAt(ctx, accountID)
	if err != nil {
		return err
	}
	if now.Sub(last) < activityResolution {
		s.noteHomeRead(accountID, last, now)
		return nil
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.MarkHomeFeedRead(ctx, accountID, now); err != nil {
			return err
		}
		if err := tx.TouchUserActive(ctx, accountID, now); err != nil {
			return err
		}
		if now.Sub(last) < activeWindow {
			return nil
		}
		return s.rebuildFeed(ctx, tx, accountID)
	})
	if err == nil {
		s.noteHomeRead(accountID, now, now)
	}
	return err
}

// homeReadsPrune bounds homeReads: every this many stores, the entries
// older than activityResolution (which no longer spare a query) are
// dropped, so the map holds the accounts that read their home timeline
// within the last hour plus at most this many, ~100 bytes each, instead
// of one entry per account that ever read it.
const homeReadsPrune = 10000

// noteHomeRead records that accountID's home timeline read was recorded
// at, pruning stale entries now and then.
func (s *Service) noteHomeRead(accountID int64, at, now time.Time) {
	s.homeReads.Store(accountID, at.UnixMilli())
	if s.homeReadsSets.Add(1)%homeReadsPrune != 0 {
		return
	}
	s.homeReads.Range(func(k, v any) bool {
		if now.Sub(time.UnixMilli(v.(int64))) >= activityResolution {
			s.homeReads.Delete(k)
		}
		return true
	})
}

// RebuildFeed refills an account's home feed from the statuses of the
// accounts it follows (bounded), e.g. for `herd admin feeds rebuild`.
func (s *Service) RebuildFeed(ctx context.Context, accountID int64) error {
	return s.store.InTx(ctx, func(tx *store.Store) error { return s.rebuildFeed(ctx, tx, accountID) })
}

func (s *Service) rebuildFeed(ctx context.Context, tx *store.Store, accountID int64) error {
	// Fan-out skipped the account's lists too while it was away: their
	// feeds are emptied, and each is rebuilt when next read.
	if err := tx.ClearListFeedsOf(ctx, accountID); err != nil {
		return err
	}
	follows, err := tx.FollowedAccountIDs(ctx, accountID, rebuildFollows)
	if err != nil {
		return err
	}
	if err := tx.BackfillOwnFeed(ctx, accountID, rebuildPerAuthor*2); err != nil {
		return err
	}
	for _, id := range follows {
		if err := tx.BackfillFeed(ctx, accountID, id, rebuildPerAuthor); err != nil {
			return err
		}
	}
	return tx.TrimFeed(ctx, accountID, feedKeep)
}

// PublicFilter is what the public and hashtag timelines accept.
type PublicFilter struct {
	Local, Remote, OnlyMedia bool
}

// PublicTimeline pages public posts (not boosts, not replies to others, as
// Mastodon's PublicFeed by default), hiding authors the viewer blocks or
// mutes.
func (s *Service) PublicTimeline(ctx context.Context, v *model.Viewer, f PublicFilter, p model.Page) (*StatusPage, error) {
	tf := store.TimelineFilter{ViewerID: v.AccountID(), LocalOnly: f.Local, RemoteOnly: f.Remote && !f.Local,
		OnlyMedia: f.OnlyMedia, NoReplies: true, HideSilenced: true, Now: time.Now()}
	list, err := s.store.PublicStatusesPage(ctx, tf, p)
	if err != nil {
		return nil, err
	}
	return statusPage(ctx, v.AccountID(), list, s.timelineViews)
}

// TagQuery is a hashtag timeline's tags: the path's tag plus any[], and
// every one of all[], and none of none[].
type TagQuery struct {
	Tag      string
	Any, All []string
	None     []string
}

// TagTimeline pages public posts carrying a hashtag.
func (s *Service) TagTimeline(ctx context.Context, v *model.Viewer, q TagQuery, f PublicFilter, p model.Page) (*StatusPage, error) {
	anyIDs, err := s.tagIDs(ctx, append([]string{q.Tag}, q.Any...))
	if err != nil {
		return nil, err
	}
	empty := &StatusPage{Statuses: []*model.StatusView{}}
	if len(anyIDs) == 0 {
		return empty, nil
	}
	tf := store.TimelineFilter{ViewerID: v.AccountID(), LocalOnly: f.Local, RemoteOnly: f.Remote && !f.Local,
		OnlyMedia: f.OnlyMedia, TagIDs: anyIDs, HideSilenced: true, Now: time.Now()}
	for _, name := range q.All {
		ids, err := s.tagIDs(ctx, []string{name})
		if err != nil {
			return nil, err
		}
		if len(ids) == 0 { // a tag nobody used: nothing can carry all of them
			return empty, nil
		}
		tf.AllTagIDs = append(tf.AllTagIDs, ids[0])
	}
	if tf.NoneTagIDs, err = s.tagIDs(ctx, q.None); err != nil {
		return nil, err
	}
	list, err := s.store.PublicStatusesPage(ctx, tf, p)
	if err != nil {
		return nil, err
	}
	return statusPage(ctx, v.AccountID(), list, s.timelineViews)
}

func (s *Service) tagIDs(ctx context.Context, names []string) ([]int64, error) {
	lower := make([]string, 0, len(names))
	for _, n := range names {
		n = strings.TrimPrefix(strings.TrimSpace(n), "#")
		if text.ValidTag(n) {
			lower = append(lower, text.NormalizeTag(n))
		}
	}
	return s.store.TagIDsByNames(ctx, lower)
}

// AccountStatusFilter is what GET /api/v1/accounts/:id/statuses accepts.
type AccountStatusFilter struct {
	Pinned         bool
	OnlyMedia      bool
	ExcludeReplies bool // self-replies stay, as Mastodon
	ExcludeReblogs bool
	Tagged         string
}

// AccountStatuses pages one account's statuses as the viewer may see them:
// everything for the owner; public, unlisted and followers-only for a
// follower; public and unlisted otherwise; plus anything mentioning the
// viewer. A profile shows a muted account's posts; blocks hide them all.
// With Pinned, the account's pins come back (most recently pinned first)
// and the page bounds are ignored, as clients fetch them in one go.
func (s *Service) AccountStatuses(ctx context.Context, v *model.Viewer, accountID int64, f AccountStatusFilter, p model.Page) (*StatusPage, error) {
	me := v.AccountID()
	acct, err := s.store.AccountByID(ctx, accountID)
	if err != nil {
		return nil, fault.NotFoundOr(err)
	}
	empty := &StatusPage{Statuses: []*model.StatusView{}}
	if acct.Suspended() {
		return empty, nil
	}
	tf := store.TimelineFilter{ViewerID: me, OnlyMedia: f.OnlyMedia, NoReplies: f.ExcludeReplies,
		NoReblogs: f.ExcludeReblogs || f.Pinned, MentionsViewer: true, KeepMuted: true, Now: time.Now()}
	switch {
	case me == accountID:
		tf.Visibilities = []model.Visibility{model.Public, model.Unlisted, model.Private, model.Direct}
	default:
		tf.Visibilities = []model.Visibility{model.Public, model.Unlisted}
		rel, err := s.store.RelationsOf(ctx, me, []int64{accountID})
		if err != nil {
			return nil, err
		}
		if rel.Following[accountID] {
			tf.Visibilities = append(tf.Visibilities, model.Private)
		}
	}
	if f.Tagged != "" {
		if tf.AllTagIDs, err = s.tagIDs(ctx, []string{f.Tagged}); err != nil {
			return nil, err
		}
		if len(tf.AllTagIDs) == 0 {
			return empty, nil
		}
	}
	var list []*model.Status
	if f.Pinned {
		list, err = s.store.PinnedStatusesOf(ctx, accountID, tf)
	} else {
		list, err = s.store.AccountStatusesPage(ctx, accountID, tf, p)
	}
	if err != nil {
		return nil, err
	}
	return statusPage(ctx, me, list, s.threadViews)
}
