package core

import (
	"context"
	"time"

	"herd/internal/model"
	"herd/internal/store"
)

// loadPage loads the statuses of ids with their boosted originals, the
// accounts of authors and mentions, and (withRelations) the viewer's
// relations to the authors and mentions of restricted statuses. Warm, that
// is one counters query for statuses, one for accounts and the relation
// queries, whatever the page size.
func (c *Core) loadPage(ctx context.Context, viewerID int64, ids []int64, fresh map[int64]*model.Status, withRelations bool) (*pageLoad, error) {
	statuses, err := c.loadStatusEntries(ctx, ids, fresh)
	if err != nil {
		return nil, err
	}
	var accountIDs, authors, restricted []int64
	seen := map[int64]bool{}
	for _, e := range statuses {
		if !seen[e.Status.AccountID] {
			seen[e.Status.AccountID] = true
			authors = append(authors, e.Status.AccountID)
		}
		accountIDs = append(accountIDs, e.Mentions...)
		if v := e.Status.Visibility; v == model.Private || v == model.Direct {
			restricted = append(restricted, e.Status.ID)
		}
	}
	accountIDs = append(accountIDs, authors...)
	pl := &pageLoad{statuses: statuses, rel: &store.Relations{}, mentioned: map[int64]bool{}}
	if pl.accounts, err = c.loadAccounts(ctx, accountIDs); err != nil {
		return nil, err
	}
	if !withRelations {
		return pl, nil
	}
	if pl.rel, pl.mentioned, err = c.Store.PageRelations(ctx, viewerID, authors, restricted, time.Now()); err != nil {
		return nil, err
	}
	return pl, nil
}

// loadStatusEntries loads statuses by id, following boosts to their
// originals. Rows in fresh were just read by the caller and are used as
// they are (not cached: they may predate an edit the cache already saw);
// the rest come from the cache with live counters, or from the database.
// Deleted statuses are absent from the result.
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
		toCache[id] = out[id]
	}
	c.caches.statuses.put(gen, toCache)
	// Cached rows take their counters (and existence) from the database.
	var live []int64
	for id := range cached {
		if st := fresh[id]; st != nil {
			e := *cached[id]
			cp := *e.Status
			cp.RepliesCount, cp.ReblogsCount, cp.FavouritesCount = st.RepliesCount, st.ReblogsCount, st.FavouritesCount
			e.Status = &cp
			out[id] = &e
		} else {
			live = append(live, id)
		}
	}
	counts, err := c.Store.StatusCountsByIDs(ctx, live)
	if err != nil {
		return nil, err
	}
	for _, id := range live {
		n, ok := counts[id]
		if !ok {
			c.forgetStatus(id)
			continue
		}
		e := *cached[id]
		cp := *e.Status
		cp.RepliesCount, cp.ReblogsCount, cp.FavouritesCount = n.Replies, n.Reblogs, n.Favourites
		e.Status = &cp
		out[id] = &e
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

// loadAccounts loads accounts by id: cached profiles with live counters
// and suspension, or full rows for the ones not cached yet.
func (c *Core) loadAccounts(ctx context.Context, ids []int64) (map[int64]*model.Account, error) {
	cached := map[int64]*model.Account{}
	missing, gen := c.caches.accounts.lookup(ids, cached)
	out, err := c.Store.AccountsByIDs(ctx, missing)
	if err != nil {
		return nil, err
	}
	toCache := make(map[int64]*model.Account, len(out))
	for id, a := range out {
		cp := *a
		cp.PrivateKey, cp.PublicKey = "", "" // rendering never needs them; keep the cache small
		toCache[id] = &cp
	}
	c.caches.accounts.put(gen, toCache)
	live := make([]int64, 0, len(cached))
	for id := range cached {
		live = append(live, id)
	}
	state, err := c.Store.AccountLiveByIDs(ctx, live)
	if err != nil {
		return nil, err
	}
	for id, a := range cached {
		l, ok := state[id]
		if !ok {
			continue
		}
		cp := *a
		cp.StatusesCount, cp.FollowersCount, cp.FollowingCount = l.StatusesCount, l.FollowersCount, l.FollowingCount
		cp.LastStatusAt, cp.SuspendedAt = l.LastStatusAt, l.SuspendedAt
		out[id] = &cp
	}
	return out, nil
}
