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
	// Fan-out writes a whole batch of statuses with a few set-based
	// statements, so one worker keeps up; on SQLite it runs on the single
	// writer anyway. Feed rows land on the newest page of each recipient's
	// feed, and SQLite writes every page a commit dirtied to the WAL: a
	// batch gathered over a linger shares those pages among many rows,
	// where a commit per few statuses wrote each page again and again. The
	// backlog stays near the posts of one linger (bench/FINDINGS.md: on the
	// bench instance a 1 s linger posted 1,470/s where 250 ms gave 1,000/s
	// and 2 s, whose longer fan-out transactions hold posts back, 1,170/s).
	// The worker lingers only while busy (100 statuses in a second), so on
	// a quiet instance followers see a post at once.
	// PostgreSQL has concurrent writers: two workers overlap one batch's
	// statement with the next claim.
	workers, batch, linger := 1, 20000, time.Second
	if c.Store.Dialect() == db.Postgres {
		workers, batch, linger = 2, 2000, 100*time.Millisecond
	}
	pool.Register(jobs.Queue{Name: core.QueueFanout, Handler: c.FanoutJobs, Workers: workers, Batch: batch,
		Linger: linger, LingerAfter: 100})
	// Card fetches wait on other sites: job by job, a few at a time, so
	// one slow page holds up no other card (and no fan-out).
	pool.Register(jobs.Queue{Name: core.QueueCards, Handler: c.CardJobs, InFlight: 4, Batch: 4, MaxAttempts: 3})
	// Video, gifv and audio uploads: one at a time per node (each
	// transcode uses every CPU it may), leased longer than the slowest
	// transcode may run so no second node starts the same one.
	pool.Register(jobs.Queue{Name: core.QueueMedia, Handler: c.MediaJobs, Batch: 1, MaxAttempts: core.MediaJobAttempts,
		Lease: 45 * time.Minute})
	// Remote attachments likewise wait on other servers, one status's
	// files per job.
	pool.Register(jobs.Queue{Name: core.QueueRemoteMedia, Handler: c.RemoteMediaJobs, InFlight: 4, Batch: 4, MaxAttempts: 3})
	// Profile link verification reads other sites' pages like cards.
	pool.Register(jobs.Queue{Name: core.QueueLinks, Handler: c.LinkJobs, InFlight: 2, Batch: 2, MaxAttempts: 3})
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
