package core

import (
	"context"
	"slices"
	"time"

	"herd/internal/ids"
	"herd/internal/store"
)

// A viewer's own relations and flags (store.ViewerState) are kept in
// memory per viewer, so rendering a page needs no per-status or
// per-author probe of follows, blocks, mutes, favourites, boosts,
// bookmarks or pins. The store drops a viewer's entry after any commit
// that changes it (Store.OnViewersChanged) and other nodes drop it on the
// matching event (EventViewerChanged).
// viewerFlagsWindow: favourites, boosts and bookmarks of statuses younger
// than this are loaded with the state; a page showing older statuses asks
// the database for those (ViewerFlagsOf). The states are held under a
// share of the entity caches' bytes (cache_size.go).
const viewerFlagsWindow = 14 * 24 * time.Hour

// relation is the viewer's relation to one account.
type relation struct {
	Following, Blocking, BlockedBy, Muting bool
}

// noViewer is the state of anonymous readers: no relations, no flags.
var noViewer = &store.ViewerState{Muting: map[int64]int64{}}

// viewerState returns viewerID's state from the cache, or loads it.
func (c *Core) viewerState(ctx context.Context, viewerID int64) (*store.ViewerState, error) {
	if viewerID == 0 {
		return noViewer, nil
	}
	found := make(map[int64]*store.ViewerState, 1)
	missing, gen := c.caches.viewers.lookup([]int64{viewerID}, found)
	if len(missing) == 0 {
		return found[viewerID], nil
	}
	vs, err := c.store.ViewerStateOf(ctx, viewerID, ids.Floor(time.Now().Add(-viewerFlagsWindow)))
	if err != nil {
		return nil, err
	}
	c.caches.viewers.put(gen, map[int64]*store.ViewerState{viewerID: vs})
	return vs, nil
}

// forgetViewers drops cached viewer states after their accounts' relations
// or flags changed.
func (c *Core) forgetViewers(accountIDs []int64) {
	for _, id := range accountIDs {
		c.caches.viewers.forget(id)
	}
}

// relationTo reads the viewer's relation to an account from its state;
// mutes past their expiry (now, unix ms) no longer count.
func relationTo(vs *store.ViewerState, accountID, nowMS int64) relation {
	r := relation{
		Following: hasID(vs.Following, accountID),
		Blocking:  hasID(vs.Blocking, accountID),
		BlockedBy: hasID(vs.BlockedBy, accountID),
	}
	if exp, ok := vs.Muting[accountID]; ok && (exp == 0 || exp > nowMS) {
		r.Muting = true
	}
	return r
}

func hasID(sorted []int64, id int64) bool {
	_, ok := slices.BinarySearch(sorted, id)
	return ok
}
