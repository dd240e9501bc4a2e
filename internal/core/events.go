package core

import (
	"context"
	"sync"
	"time"

	"herd/internal/ids"
	"herd/internal/store"
)

// hub fans events read from the log out to in-process subscribers (open
// streams, caches). Subscribers must not block.
type hub struct {
	mu   sync.RWMutex
	subs map[int]func(store.Event)
	next int
}

func newHub() *hub { return &hub{subs: map[int]func(store.Event){}} }

// Subscribe registers fn for every event read from the log from now on and
// returns a function that unsubscribes.
func (c *Core) Subscribe(fn func(store.Event)) (cancel func()) {
	c.hub.mu.Lock()
	id := c.hub.next
	c.hub.next++
	c.hub.subs[id] = fn
	c.hub.mu.Unlock()
	return func() {
		c.hub.mu.Lock()
		delete(c.hub.subs, id)
		c.hub.mu.Unlock()
	}
}

// eventPollInterval bounds how stale a node's caches can be after a write
// made elsewhere (another node, or the admin CLI on the same SQLite file).
const eventPollInterval = 200 * time.Millisecond

// StartEvents notes where the events log ends, then reads it forward from
// there in the background until ctx ends, invalidating caches and feeding
// subscribers. Every node runs it once, before serving: the end is read
// before StartEvents returns, so a change committed as soon as the node
// is up (by the admin CLI, say) is never skipped.
func (c *Core) StartEvents(ctx context.Context) {
	last, err := c.store.LastEventID(ctx)
	if err != nil {
		c.Log.Error("events: read start", "err", err)
	}
	go c.followEvents(ctx, last)
	go c.Streams.Run(ctx)
}

// eventLookback is how far behind the newest event it has read a node
// reads the log again, on databases with concurrent writers: an event's id
// is drawn inside its transaction, so on PostgreSQL a transaction may
// commit after another whose event has a higher id, and a reader asking
// only for ids above the last it saw would skip it for good (a cache left
// stale, a stream missing a post). Events read again are recognised and
// not applied twice. SQLite's one writer commits in id order: no lookback.
const eventLookback = time.Second

// eventMinGap spaces the reads a node's own commits wake (eventsWake):
// under a posting load every commit appends events.
const eventMinGap = 20 * time.Millisecond

func (c *Core) followEvents(ctx context.Context, last int64) {
	ticker := time.NewTicker(eventPollInterval)
	defer ticker.Stop()
	lookback := time.Duration(0)
	if c.store.ConcurrentWriters() {
		lookback = eventLookback
	}
	seen := map[int64]bool{} // events applied at or above floor
	var lastRead time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		case <-c.eventsWake:
			// A commit of this node appended events: read them now (a
			// stream hears of a post at once), but at most once per
			// eventMinGap, so a burst of commits costs few reads.
			if d := time.Since(lastRead); d < eventMinGap {
				time.Sleep(eventMinGap - d)
			}
		}
		lastRead = time.Now()
		floor := last
		if lookback > 0 {
			floor = min(last, ids.Floor(time.Now().Add(-lookback)))
			for id := range seen {
				if id <= floor {
					delete(seen, id)
				}
			}
		}
		for from := floor; ; {
			evs, err := c.store.EventsAfter(ctx, from, 500)
			if err != nil {
				if ctx.Err() == nil {
					c.Log.Error("events: read", "err", err)
				}
				break
			}
			for _, e := range evs {
				from = e.ID
				if seen[e.ID] {
					continue
				}
				c.apply(e)
				last = max(last, e.ID)
				if lookback > 0 {
					seen[e.ID] = true
				}
			}
			if len(evs) < 500 {
				break
			}
		}
	}
}

// apply invalidates what an event makes stale and passes it to subscribers.
func (c *Core) apply(e store.Event) {
	switch e.Kind {
	case store.EventAccountSuspended, store.EventAccountUpdated:
		c.forgetAccount(e.SubjectID)
	case store.EventTokenRevoked:
		c.Accounts.ForgetToken(e.SubjectID)
	case store.EventViewerChanged:
		c.caches.viewers.forget(e.SubjectID)
	case store.EventStatusCounts:
		c.caches.statusCounts.forget(e.SubjectID)
	case store.EventAccountCounts:
		c.caches.accountLive.forget(e.SubjectID)
	case store.EventStatusCreated:
		c.caches.accountLive.forget(e.AccountID) // the author's statuses_count and last post
	case store.EventStatusUpdated:
		c.forgetStatus(e.SubjectID)
	case store.EventStatusCard, store.EventStatusMedia:
		c.forgetStatus(e.SubjectID)
	case store.EventStatusDeleted:
		c.forgetStatus(e.SubjectID)
		c.caches.accountLive.forget(e.AccountID)
	case store.EventDomainPolicy:
		c.Domains.ForgetDomainPolicy()
	case store.EventCustomEmoji:
		c.Files.ForgetEmojis()
	}
	c.hub.mu.RLock()
	defer c.hub.mu.RUnlock()
	for _, fn := range c.hub.subs {
		fn(e)
	}
}

// eventRetention is how long the events log keeps a row: far longer than
// any node takes to read it, so pruning never hides a change from a node.
const eventRetention = 24 * time.Hour

// PruneEvents deletes events older than eventRetention, so the log stays
// small however long the instance runs.
func (c *Core) PruneEvents(ctx context.Context) error {
	return c.store.InTx(ctx, func(tx *store.Store) error {
		return tx.PruneEvents(ctx, time.Now().Add(-eventRetention))
	})
}
