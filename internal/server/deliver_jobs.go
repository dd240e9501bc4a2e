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

// startDelivery runs the workers of the two delivery queues on a pool of
// their own, so remotes that answer slowly hold up neither fan-out nor
// the inbox, and returns it. wakeOthers wakes the other pools: the use
// cases' waker now wakes all of them.
func startDelivery(ctx context.Context, c *core.Core, dl *activitypub.Deliverer, wakeOthers func(), log *slog.Logger) *jobs.Pool {
	pool := jobs.New(c.Store, log)
	// Expanding a delivery is a few reads and one write of its inbox jobs.
	pool.Register(jobs.Queue{Name: core.QueueDelivery, Handler: dl.Jobs, Workers: 2, Batch: 10,
		MaxAttempts: activitypub.DeliveryAttempts})
	// Each worker sends its batch's POSTs side by side and waits for the
	// slowest (at most the client's 30 s), so several workers keep the
	// other inboxes moving meanwhile. On SQLite every claim and finish
	// goes through the one writer: fewer, larger batches. PostgreSQL
	// claims concurrently (SKIP LOCKED) and several nodes share the queue.
	// The lease outlasts a batch (30 s per POST at most) by far.
	workers, batch := 8, 32
	if c.Store.Dialect() == db.Postgres {
		workers, batch = 16, 16
	}
	pool.Register(jobs.Queue{Name: core.QueueDeliverInbox, Handler: dl.InboxJobs, Workers: workers, Batch: batch,
		Lease: 5 * time.Minute, MaxAttempts: activitypub.DeliveryAttempts})
	c.SetJobWaker(func() {
		if wakeOthers != nil {
			wakeOthers()
		}
		pool.Wake()
	})
	pool.Run(ctx)
	return pool
}
