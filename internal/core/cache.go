package core

import (
	"sync"

	"herd/internal/model"
	"herd/internal/store"
)

// boundedCache is a map of rows by id held under a budget of bytes
// (DESIGN.md principle 6). Each entry's size is estimated once, when it is
// put (cache_size.go), so a lookup costs no more than the map read; past
// the budget, arbitrary entries are dropped until an eighth of it is free.
// Only the rarely-changing part of a row is trusted from it: counters,
// suspension and existence are re-read with each page (one narrow batch
// query), so the cache only needs dropping on edits, which are rare and
// come with an event (events.go apply for other nodes; a direct forget
// after commit on the writing node).
//
// gen closes the race between a reader that loaded a row before an edit
// committed and puts it after the edit's forget: a put drops the entries
// forgotten since the reader looked at the cache. forgotten remembers at
// which generation each recent forget happened; when it grows past
// maxForgotten it is emptied and floor moves up, so older readers' puts
// are dropped whole.
type boundedCache[V any] struct {
	mu        sync.RWMutex
	m         map[int64]sized[V]
	size      func(V) int // estimated bytes an entry keeps alive, without its map slot
	bytes     int         // estimated bytes held, map slots included
	budget    int
	gen       uint64
	floor     uint64
	forgotten map[int64]uint64
}

// sized is a cached value with the size it was counted at.
type sized[V any] struct {
	v V
	n int
}

// maxForgotten bounds the per-id forget record of a cache.
const maxForgotten = 4096

// newBoundedCache returns a cache holding at most about budget bytes of
// entries, as size estimates them.
func newBoundedCache[V any](budget int, size func(V) int) *boundedCache[V] {
	return &boundedCache[V]{m: make(map[int64]sized[V]), size: size, budget: budget, forgotten: make(map[int64]uint64)}
}

// lookup copies the cached entries of ids into out and returns the missing
// ids and the generation to pass to put.
func (c *boundedCache[V]) lookup(ids []int64, out map[int64]V) (missing []int64, gen uint64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, id := range ids {
		if e, ok := c.m[id]; ok {
			out[id] = e.v
		} else {
			missing = append(missing, id)
		}
	}
	return missing, c.gen
}

// put stores entries loaded after lookup returned gen, except those
// forgotten since (the loaded rows may predate that change).
func (c *boundedCache[V]) put(gen uint64, items map[int64]V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen < c.floor {
		return
	}
	for id, v := range items {
		if g, ok := c.forgotten[id]; ok && g > gen {
			continue
		}
		n := c.size(v) + cacheSlotBytes
		if n > c.budget/8 {
			continue // an outsized entry would push out a good part of the cache
		}
		if old, ok := c.m[id]; ok {
			c.bytes -= old.n
		}
		if c.bytes+n > c.budget {
			// Drop arbitrary entries until an eighth of the budget is free:
			// cheaper than LRU bookkeeping on every read, and a miss only
			// costs one batch query.
			for k, e := range c.m {
				delete(c.m, k)
				if c.bytes -= e.n; c.bytes+n <= c.budget-c.budget/8 {
					break
				}
			}
		}
		c.m[id] = sized[V]{v, n}
		c.bytes += n
	}
}

// forget drops one entry after it changed.
func (c *boundedCache[V]) forget(id int64) {
	c.mu.Lock()
	if e, ok := c.m[id]; ok {
		delete(c.m, id)
		c.bytes -= e.n
	}
	c.gen++
	if len(c.forgotten) >= maxForgotten {
		clear(c.forgotten)
		c.floor = c.gen
	}
	c.forgotten[id] = c.gen
	c.mu.Unlock()
}

// statusEntry is a cached status with what hangs off it and only changes
// with an edit: mentioned account ids, tags and the posting app.
type statusEntry struct {
	Status   *model.Status
	Mentions []int64
	Tags     []model.Tag
	App      *model.App
	Media    []*model.MediaAttachment
	Card     *model.PreviewCard // nil until the card job found one (links/cards.go)
	JSON     *model.Fragment    // the rendered entity's static part; nil unless cached
}

// entityCaches are the read path's in-memory caches.
type entityCaches struct {
	accounts *boundedCache[*model.Account]
	statuses *boundedCache[*statusEntry]
	viewers  *boundedCache[*store.ViewerState] // viewer_state.go

	// The live parts: counters, suspension, last post. This node drops an
	// entry as soon as it commits a change to it (Store.OnCountsChanged),
	// other nodes when the change's event reaches them (apply).
	accountLive  *boundedCache[store.AccountLive]
	statusCounts *boundedCache[store.StatusCounts]

	// apps are the applications statuses were posted with; their name and
	// website never change after registration.
	apps *boundedCache[*model.App]
}

// cacheBudget is Config.CacheBytes, or its default.
func cacheBudget(configured int) int {
	if configured <= 0 {
		return DefaultCacheBytes
	}
	return configured
}

// newEntityCaches splits budget bytes (DefaultCacheBytes when 0) between
// the caches (cacheShares, cache_size.go).
func newEntityCaches(budget int) *entityCaches {
	share := func(n int) int { return cacheBudget(budget) / 64 * n }
	return &entityCaches{
		accounts:     newBoundedCache(share(cacheShares.accounts), accountSize),
		statuses:     newBoundedCache(share(cacheShares.statuses), statusEntrySize),
		viewers:      newBoundedCache(share(cacheShares.viewers), viewerStateSize),
		accountLive:  newBoundedCache(share(cacheShares.accountLive), accountLiveSize),
		statusCounts: newBoundedCache(share(cacheShares.statusCounts), statusCountsSize),
		apps:         newBoundedCache(share(cacheShares.apps), appSize),
	}
}

// cachedOrLoad returns the values of ids from c, loading the missing ones
// with load and caching them. A missing id in load's answer (a deleted
// row) is absent from the result.
func cachedOrLoad[V any](c *boundedCache[V], ids []int64, load func([]int64) (map[int64]V, error)) (map[int64]V, error) {
	out := make(map[int64]V, len(ids))
	missing, gen := c.lookup(ids, out)
	if len(missing) == 0 {
		return out, nil
	}
	loaded, err := load(missing)
	if err != nil {
		return nil, err
	}
	for id, v := range loaded {
		out[id] = v
	}
	c.put(gen, loaded)
	return out, nil
}

// forgetCounts drops cached live parts after this node changed them.
func (c *Core) forgetCounts(accountIDs, statusIDs []int64) {
	for _, id := range accountIDs {
		c.caches.accountLive.forget(id)
	}
	for _, id := range statusIDs {
		c.caches.statusCounts.forget(id)
	}
}

// forgetStatus drops a cached status after an edit or deletion.
func (c *Core) forgetStatus(statusID int64) {
	c.caches.statuses.forget(statusID)
	c.caches.statusCounts.forget(statusID)
}

// forgetAccount drops what this node caches about an account after it
// changed: its entities here and its viewers in the accounts area.
func (c *Core) forgetAccount(accountID int64) {
	c.forgetCachedAccount(accountID)
	c.Accounts.ForgetViewers(accountID)
}

// forgetCachedAccount drops a cached account after its profile changed.
func (c *Core) forgetCachedAccount(accountID int64) {
	c.caches.accounts.forget(accountID)
	c.caches.accountLive.forget(accountID)
}
