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
	// Inbox jobs run one by one, up to inFlight POSTs at once per node,
	// each finished as soon as it is answered: a server that answers in
	// 30 s (or not at all) holds one place, never a batch of others.
	// Throughput is about inFlight / a remote's answer time (128 / 0.3 s
	// ≈ 400 inboxes a second); on loopback, where answers are instant,
	// signing is the cost and more places only add contention
	// (BenchmarkDeliveryFanOut on 2 cores: 64 and 128 ≈ 1.2–2 s per 1,000
	// inboxes, 256 ≈ 3 s). Claims and finishes go through SQLite's one
	// writer, grouped; on PostgreSQL several nodes claim side by side (SKIP
	// LOCKED). The lease outlasts a POST (30 s at most) by far.
	inFlight, batch := 128, 64
	if c.Store.Dialect() == db.Postgres {
		batch = 32
	}
	pool.Register(jobs.Queue{Name: core.QueueDeliverInbox, Handler: dl.InboxJobs, InFlight: inFlight, Batch: batch,
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
