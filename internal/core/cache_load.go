package core

import (
	"context"
	"time"

	"herd/internal/model"
	"herd/internal/store"
)

// pageLoad is what filtering and rendering a set of statuses needs, loaded
// once for the page.
type pageLoad struct {
	statuses map[int64]*statusEntry // the statuses and their boosted originals, live counters applied
	live     map[int64]store.StatusLive
	accounts map[int64]*model.Account // live counters and suspension applied
	rel      map[int64]store.AccountLiveView
}

// relation is the viewer's relation to an account of the page.
func (pl *pageLoad) relation(accountID int64) store.AccountLiveView { return pl.rel[accountID] }

// mentioned reports whether the viewer is mentioned in a status of the page.
func (pl *pageLoad) mentioned(statusID int64) bool { return pl.live[statusID].Mentioned }

// loadPage loads the statuses of ids with their boosted originals, and the
// accounts of authors and mentions, for viewerID. Warm (every entity in
// the caches), that is two queries whatever the page size, both with fixed
// texts: the statuses' counters with the viewer's flags on them, and the
// accounts' counters with the viewer's relations to them.
func (c *Core) loadPage(ctx context.Context, viewerID int64, ids []int64, fresh map[int64]*model.Status) (*pageLoad, error) {
	statuses, err := c.loadStatusEntries(ctx, ids, fresh)
	if err != nil {
		return nil, err
	}
	statusIDs := make([]int64, 0, len(statuses))
	for id := range statuses {
		statusIDs = append(statusIDs, id)
	}
	live, err := c.Store.StatusLiveFor(ctx, viewerID, statusIDs)
	if err != nil {
		return nil, err
	}
	pl := &pageLoad{statuses: make(map[int64]*statusEntry, len(statuses)), live: live}
	var accountIDs []int64
	seen := map[int64]bool{}
	addAccount := func(id int64) {
		if !seen[id] {
			seen[id] = true
			accountIDs = append(accountIDs, id)
		}
	}
	for id, e := range statuses {
		l, ok := live[id]
		if !ok { // deleted since it was cached or read
			c.forgetStatus(id)
			continue
		}
		cp := *e
		st := *e.Status
		st.RepliesCount, st.ReblogsCount, st.FavouritesCount = l.Replies, l.Reblogs, l.Favourites
		cp.Status = &st
		pl.statuses[id] = &cp
		addAccount(st.AccountID)
		for _, m := range e.Mentions {
			addAccount(m)
		}
	}
	if pl.accounts, pl.rel, err = c.loadAccounts(ctx, viewerID, accountIDs); err != nil {
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
		loaded, err := c.Store.StatusesByIDs(ctx, toRead)
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

// statusExtras loads mentions, tags and apps for rows into out.
func (c *Core) statusExtras(ctx context.Context, rows map[int64]*model.Status, out map[int64]*statusEntry) error {
	if len(rows) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(rows))
	var appIDs []int64
	for id, st := range rows {
		ids = append(ids, id)
		if st.ApplicationID != 0 {
			appIDs = append(appIDs, st.ApplicationID)
		}
	}
	mentions, err := c.Store.MentionsByStatusIDs(ctx, ids)
	if err != nil {
		return err
	}
	tags, err := c.Store.TagsByStatusIDs(ctx, ids)
	if err != nil {
		return err
	}
	apps, err := c.Store.AppsByIDs(ctx, appIDs)
	if err != nil {
		return err
	}
	for id, st := range rows {
		out[id] = &statusEntry{Status: st, Mentions: mentions[id], Tags: tags[id], App: apps[st.ApplicationID]}
	}
	return nil
}

// loadAccounts loads accounts by id with their live counters and
// suspension, and viewerID's relations to them: profiles come from the
// cache (or the database, then into the cache), the live part from one
// query. Deleted accounts are absent.
func (c *Core) loadAccounts(ctx context.Context, viewerID int64, ids []int64) (map[int64]*model.Account, map[int64]store.AccountLiveView, error) {
	cached := map[int64]*model.Account{}
	missing, gen := c.caches.accounts.lookup(ids, cached)
	rows, err := c.Store.AccountsByIDs(ctx, missing)
	if err != nil {
		return nil, nil, err
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
	live, err := c.Store.AccountLiveFor(ctx, viewerID, ids, time.Now())
	if err != nil {
		return nil, nil, err
	}
	out := make(map[int64]*model.Account, len(cached))
	for id, a := range cached {
		l, ok := live[id]
		if !ok {
			continue
		}
		cp := *a
		cp.StatusesCount, cp.FollowersCount, cp.FollowingCount = l.StatusesCount, l.FollowersCount, l.FollowingCount
		cp.LastStatusAt, cp.SuspendedAt = l.LastStatusAt, l.SuspendedAt
		out[id] = &cp
	}
	return out, live, nil
}
