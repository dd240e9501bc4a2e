package server

import (
	"context"
	"log/slog"
	"time"

	"herd/internal/activitypub"
	"herd/internal/core"
	"herd/internal/db"
	"herd/internal/jobs"
)

// startIngest runs the workers of the ingest queue (activities the inbox
// stored) on a pool of their own, so a slow remote fetch never holds up
// fan-out, and returns it. wakeOthers is the waker the other pools
// registered: the use cases' waker now wakes both.
func startIngest(ctx context.Context, c *core.Core, rc *activitypub.Receiver, wakeOthers func(), log *slog.Logger) *jobs.Pool {
	pool := jobs.New(c.Store, log)
	// Each activity may wait on a remote (a key, a parent post), so
	// several run side by side; their writes are short.
	workers := 4
	if c.Store.Dialect() == db.Postgres {
		workers = 8
	}
	pool.Register(jobs.Queue{Name: core.QueueIngest, Handler: rc.Jobs, Workers: workers, Batch: 10,
		Linger: 5 * time.Millisecond})
	c.SetJobWaker(func() {
		if wakeOthers != nil {
			wakeOthers()
		}
		pool.Wake()
	})
	pool.Run(ctx)
	go inboxPruneLoop(ctx, c, log)
	return pool
}

// inboxPruneLoop forgets processed activity ids and tombstones past
// core.InboxMemory, every hour.
func inboxPruneLoop(ctx context.Context, c *core.Core, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := c.PruneInboxMemory(ctx); err != nil && ctx.Err() == nil {
				log.Warn("prune inbox memory", "err", err)
			}
		}
	}
}
