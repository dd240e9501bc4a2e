package core

import (
	"context"
	"slices"
	"time"

	"herd/internal/model"
	"herd/internal/store"
)

// pageLoad is what filtering and rendering a set of statuses needs, loaded
// once for the page.
type pageLoad struct {
	statuses map[int64]*statusEntry   // the statuses and their boosted originals, live counters applied
	flags    map[int64]statusFlags    // what the viewer has done to each
	accounts map[int64]*model.Account // live counters and suspension applied
	viewerID int64
	viewer   *store.ViewerState
	nowMS    int64
}

// statusFlags is what the viewer has done to one status.
type statusFlags struct {
	Favourited, Reblogged, Bookmarked, Pinned, Muted bool
}

// relation is the viewer's relation to an account of the page.
func (pl *pageLoad) relation(accountID int64) relation {
	return relationTo(pl.viewer, accountID, pl.nowMS)
}

// mentioned reports whether the viewer is mentioned in a status of the page.
func (pl *pageLoad) mentioned(statusID int64) bool {
	e := pl.statuses[statusID]
	return e != nil && pl.viewerID != 0 && slices.Contains(e.Mentions, pl.viewerID)
}

// loadPage loads the statuses of ids with their boosted originals, and the
// accounts of authors and mentions, for viewerID. Warm (entities, their
// live parts and the viewer's state in the caches), that is no query at
// all; otherwise a fixed number of batch queries whatever the page size.
func (c *Core) loadPage(ctx context.Context, viewerID int64, ids []int64, fresh map[int64]*model.Status,
	knownLive map[int64]store.AccountLive) (*pageLoad, error) {
	statuses, err := c.loadStatusEntries(ctx, ids, fresh)
	if err != nil {
		return nil, err
	}
	vs, err := c.viewerState(ctx, viewerID)
	if err != nil {
		return nil, err
	}
	statusIDs := make([]int64, 0, len(statuses))
	var old []int64 // older than the viewer state's flags
	for id := range statuses {
		statusIDs = append(statusIDs, id)
		if viewerID != 0 && id < vs.FlagsSince {
			old = append(old, id)
		}
	}
	now := time.Now()
	counts, err := cachedOrLoad(c.caches.statusCounts, statusIDs, func(ids []int64) (map[int64]store.StatusCounts, error) {
		return c.store.StatusCountsByIDs(ctx, ids)
	})
	if err != nil {
		return nil, err
	}
	oldFlags, err := c.store.ViewerFlagsOf(ctx, viewerID, old)
	if err != nil {
		return nil, err
	}
	pl := &pageLoad{statuses: make(map[int64]*statusEntry, len(statuses)), flags: make(map[int64]statusFlags, len(statuses)),
		viewerID: viewerID, viewer: vs, nowMS: now.UnixMilli()}
	var accountIDs []int64
	seen := map[int64]bool{}
	addAccount := func(id int64) {
		if !seen[id] {
			seen[id] = true
			accountIDs = append(accountIDs, id)
		}
	}
	for id, e := range statuses {
		n, ok := counts[id]
		if !ok { // deleted since it was cached or read
			c.forgetStatus(id)
			continue
		}
		st := e.Status
		if st.RepliesCount != n.Replies || st.ReblogsCount != n.Reblogs || st.FavouritesCount != n.Favourites {
			// The cached row is shared: copy it to give it the live counters.
			cp, row := *e, *st
			row.RepliesCount, row.ReblogsCount, row.FavouritesCount = n.Replies, n.Reblogs, n.Favourites
			cp.Status, st, e = &row, &row, &cp
		}
		pl.statuses[id] = e
		f := statusFlags{Pinned: hasID(vs.Pinned, id), Muted: hasID(vs.MutedConversations, st.ConversationID)}
		if o, isOld := oldFlags[id]; isOld {
			f.Favourited, f.Reblogged, f.Bookmarked = o.Favourited, o.Reblogged, o.Bookmarked
		} else {
			f.Favourited, f.Reblogged, f.Bookmarked = hasID(vs.Favourited, id), hasID(vs.Reblogged, id), hasID(vs.Bookmark, id)
		}
		pl.flags[id] = f
		addAccount(st.AccountID)
		for _, m := range e.Mentions {
			addAccount(m)
		}
	}
	if pl.accounts, err = c.loadAccounts(ctx, accountIDs, knownLive); err != nil {
		return nil, err
	}
	rows := make([]*model.Status, 0, len(pl.statuses))
	for _, e := range pl.statuses {
		rows = append(rows, e.Status)
	}
	if err := c.Files.PrimeEmojis(ctx, rows, pl.accounts); err != nil {
		return nil, err
	}
	return pl, nil
}

// loadStatusEntries loads statuses by id, following boosts to their
// originals. Rows in fresh were just read by the caller and are used as
// they are (not cached: they may predate an edit the cache already saw);
// the rest come from the cache, or from the database and then into the
// cache. Counters are whatever the row had: loadPage replaces them with
// live ones.
func (c *Core) loadStatusEntries(ctx context.Context, ids []int64, fresh map[int64]*model.Status) (map[int64]*statusEntry, error) {
	cached := map[int64]*statusEntry{}
	rows := map[int64]*model.Status{} // read now: fresh, or loaded below
	seen := map[int64]bool{}
	var gen uint64
	var read []int64 // loaded from the database here, to be cached
	for round, frontier := 0, ids; len(frontier) > 0; round++ {
		missing, g := c.caches.statuses.lookup(frontier, cached)
		if round == 0 {
			gen = g
		}
		var toRead []int64
		for _, id := range missing {
			if st := fresh[id]; st != nil {
				rows[id] = st
			} else {
				toRead = append(toRead, id)
			}
		}
		loaded, err := c.store.StatusesByIDs(ctx, toRead)
		if err != nil {
			return nil, err
		}
		for id, st := range loaded {
			rows[id] = st
			read = append(read, id)
		}
		var next []int64
		for _, id := range frontier {
			seen[id] = true
			var st *model.Status
			if e := cached[id]; e != nil {
				st = e.Status
			} else if r := rows[id]; r != nil {
				st = r
			}
			if st != nil && st.ReblogOfID != 0 && !seen[st.ReblogOfID] {
				seen[st.ReblogOfID] = true
				next = append(next, st.ReblogOfID)
			}
		}
		frontier = next
	}
	out := make(map[int64]*statusEntry, len(cached)+len(rows))
	if err := c.statusExtras(ctx, rows, out); err != nil {
		return nil, err
	}
	toCache := make(map[int64]*statusEntry, len(read))
	for _, id := range read {
		e := *out[id]
		e.JSON = new(model.Fragment)
		toCache[id] = &e
	}
	c.caches.statuses.put(gen, toCache)
	for id, e := range cached {
		out[id] = e
	}
	return out, nil
}

// statusExtras loads mentions, tags, cards and apps for rows into out.
func (c *Core) statusExtras(ctx context.Context, rows map[int64]*model.Status, out map[int64]*statusEntry) error {
	if len(rows) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(rows))
	var appIDs, withMedia []int64
	for id, st := range rows {
		ids = append(ids, id)
		if st.ApplicationID != 0 {
			appIDs = append(appIDs, st.ApplicationID)
		}
		if st.HasMedia {
			withMedia = append(withMedia, id)
		}
	}
	attachments, err := c.store.MediaByStatusIDs(ctx, withMedia)
	if err != nil {
		return err
	}
	mentions, err := c.store.MentionsByStatusIDs(ctx, ids)
	if err != nil {
		return err
	}
	tags, err := c.store.TagsByStatusIDs(ctx, ids)
	if err != nil {
		return err
	}
	cards, err := c.store.PreviewCardsByStatusIDs(ctx, ids)
	if err != nil {
		return err
	}
	apps, err := cachedOrLoad(c.caches.apps, appIDs, func(ids []int64) (map[int64]*model.App, error) {
		return c.store.AppsByIDs(ctx, ids)
	})
	if err != nil {
		return err
	}
	for id, st := range rows {
		out[id] = &statusEntry{Status: st, Mentions: mentions[id], Tags: tags[id], App: apps[st.ApplicationID], Media: attachments[id],
			Card: cards[id]}
	}
	return nil
}

// loadAccounts loads accounts by id with their live counters and
// suspension: profiles come from the cache (or the database, then into the
// cache), the live part from knownLive, the cache or one query. Deleted
// accounts are absent.
func (c *Core) loadAccounts(ctx context.Context, ids []int64, knownLive map[int64]store.AccountLive) (map[int64]*model.Account, error) {
	cached := map[int64]*model.Account{}
	missing, gen := c.caches.accounts.lookup(ids, cached)
	rows, err := c.store.AccountsByIDs(ctx, missing)
	if err != nil {
		return nil, err
	}
	toCache := make(map[int64]*model.Account, len(rows))
	for id, a := range rows {
		cp := *a
		cp.PrivateKey, cp.PublicKey = "", "" // rendering never needs them; keep the cache small
		cp.JSON = new(model.Fragment)
		toCache[id] = &cp
		cached[id] = &cp
	}
	c.caches.accounts.put(gen, toCache)
	unknown := ids
	if len(knownLive) > 0 {
		unknown = make([]int64, 0, len(ids))
		for _, id := range ids {
			if _, ok := knownLive[id]; !ok {
				unknown = append(unknown, id)
			}
		}
	}
	live, err := cachedOrLoad(c.caches.accountLive, unknown, func(ids []int64) (map[int64]store.AccountLive, error) {
		return c.store.AccountLiveByIDs(ctx, ids)
	})
	if err != nil {
		return nil, err
	}
	for id, l := range knownLive {
		live[id] = l
	}
	out := make(map[int64]*model.Account, len(cached))
	for id, a := range cached {
		l, ok := live[id]
		if !ok {
			continue
		}
		if !liveMatches(a, l) {
			// The cached row is shared: copy it to give it the live part.
			cp := *a
			cp.StatusesCount, cp.FollowersCount, cp.FollowingCount = l.StatusesCount, l.FollowersCount, l.FollowingCount
			cp.LastStatusAt, cp.SuspendedAt = l.LastStatusAt, l.SuspendedAt
			a = &cp
		}
		out[id] = a
	}
	return out, nil
}

// liveMatches reports whether an account row already carries the live
// part l (then a page can use the cached row itself).
func liveMatches(a *model.Account, l store.AccountLive) bool {
	return a.StatusesCount == l.StatusesCount && a.FollowersCount == l.FollowersCount &&
		a.FollowingCount == l.FollowingCount && sameTime(a.LastStatusAt, l.LastStatusAt) && sameTime(a.SuspendedAt, l.SuspendedAt)
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// statusPrimer puts a status its author just posted into the caches, so
// answering the post (and the first pages showing it) reads nothing back.
// It takes the caches' generations before the post's transaction commits:
// a change to the new status committed before the put (a quick favourite)
// then makes the put skip it.
type statusPrimer struct {
	c                    *Core
	statusGen, countsGen uint64
}

func (c *Core) newStatusPrimer() statusPrimer {
	_, sg := c.caches.statuses.lookup(nil, nil)
	_, cg := c.caches.statusCounts.lookup(nil, nil)
	return statusPrimer{c: c, statusGen: sg, countsGen: cg}
}

// put caches st, as committed with mentions and tags (their stored names,
// ordered by id) and media, with zero counters.
func (p statusPrimer) put(ctx context.Context, st *model.Status, mentions []*model.Account, tags []model.Tag,
	attachments []*model.MediaAttachment) {
	var app *model.App
	if st.ApplicationID != 0 {
		apps, err := cachedOrLoad(p.c.caches.apps, []int64{st.ApplicationID}, func(ids []int64) (map[int64]*model.App, error) {
			return p.c.store.AppsByIDs(ctx, ids)
		})
		if err != nil {
			return // the first read loads it
		}
		app = apps[st.ApplicationID]
	}
	row := *st
	// attachments are in media_ids order, as the page loader reads them.
	e := &statusEntry{Status: &row, Tags: tags, App: app, Media: attachments, JSON: new(model.Fragment)}
	for _, m := range mentions {
		e.Mentions = append(e.Mentions, m.ID)
	}
	slices.Sort(e.Mentions) // as the mentions table gives them back, once each
	e.Mentions = slices.Compact(e.Mentions)
	p.c.caches.statuses.put(p.statusGen, map[int64]*statusEntry{st.ID: e})
	p.c.caches.statusCounts.put(p.countsGen, map[int64]store.StatusCounts{st.ID: {}})
}
