package server

import (
	"context"
	"log/slog"
	"time"

	"herd/internal/core"
	"herd/internal/db"
	"herd/internal/jobs"
)

// startJobs registers every queue's handler and starts the workers; the
// use cases wake them right after committing a job.
func startJobs(ctx context.Context, c *core.Core, log *slog.Logger) *jobs.Pool {
	pool := jobs.New(c.Store, log)
	// Fan-out batches many statuses per claim and writes their feed rows
	// together, so one worker keeps up with SQLite's single writer; a second
	// one overlaps reads with writes. PostgreSQL has concurrent writers, and
	// there two workers fell behind posting (bench/FINDINGS.md: the backlog
	// grew ~500 jobs/s), so it gets more.
	workers := 2
	if c.Store.Dialect() == db.Postgres {
		workers = 6
	}
	pool.Register(jobs.Queue{Name: core.QueueFanout, Handler: c.FanoutJobs, Workers: workers, Batch: 200,
		Linger: 20 * time.Millisecond})
	c.SetJobWaker(pool.Wake)
	pool.Run(ctx)
	go pruneLoop(ctx, c, log)
	return pool
}

// pruneLoop drops expired Idempotency-Keys every hour.
func pruneLoop(ctx context.Context, c *core.Core, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := c.PruneIdempotencyKeys(ctx); err != nil && ctx.Err() == nil {
				log.Warn("prune idempotency keys", "err", err)
			}
		}
	}
}
