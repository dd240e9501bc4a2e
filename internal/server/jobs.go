package server

import (
	"context"
	"time"

	"herd/internal/activitypub"
	"herd/internal/core"
	"herd/internal/core/federation"
	"herd/internal/core/files"
	"herd/internal/core/links"
	"herd/internal/core/push"
	"herd/internal/core/timelines"
	"herd/internal/db"
	"herd/internal/jobs"
)

// registerQueues gives the job system every queue, with its handler and
// the workers it needs. Each queue has workers of its own, so a slow
// remote (a delivery, an inbox fetch, a card) never holds up fan-out.
func registerQueues(pool *jobs.Pool, dialect db.Dialect, c *core.Core, rc *activitypub.Receiver, dl *activitypub.Deliverer) {
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
	if dialect == db.Postgres {
		workers, batch, linger = 2, 2000, 100*time.Millisecond
	}
	pool.Register(jobs.Queue{Name: timelines.QueueFanout, Handler: c.Timelines.FanoutJobs, Workers: workers, Batch: batch,
		Linger: linger, LingerAfter: 100})
	// Card fetches wait on other sites: job by job, a few at a time, so
	// one slow page holds up no other card (and no fan-out).
	pool.Register(jobs.Queue{Name: links.QueueCards, Handler: c.Links.CardJobs, InFlight: 4, Batch: 4, MaxAttempts: 3})
	// Video, gifv and audio uploads: one at a time per node (each
	// transcode uses every CPU it may), leased longer than the slowest
	// transcode may run so no second node starts the same one.
	pool.Register(jobs.Queue{Name: files.QueueMedia, Handler: c.Files.MediaJobs, Batch: 1, MaxAttempts: files.MediaJobAttempts,
		Lease: 45 * time.Minute})
	// Remote attachments likewise wait on other servers, one status's
	// files per job.
	pool.Register(jobs.Queue{Name: files.QueueRemoteMedia, Handler: c.Files.RemoteMediaJobs, InFlight: 4, Batch: 4, MaxAttempts: 3})
	// Profile link verification reads other sites' pages like cards.
	pool.Register(jobs.Queue{Name: links.QueueLinks, Handler: c.Links.LinkJobs, InFlight: 2, Batch: 2, MaxAttempts: 3})
	// The inbox's activities: each may wait on a remote (a key, a parent
	// post), so several run side by side; their writes are short.
	ingestWorkers := 4
	if dialect == db.Postgres {
		ingestWorkers = 8
	}
	pool.Register(jobs.Queue{Name: federation.QueueIngest, Handler: rc.Jobs, Workers: ingestWorkers, Batch: 10,
		Linger: 5 * time.Millisecond})
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
	inFlight, inboxBatch := 128, 64
	if dialect == db.Postgres {
		inboxBatch = 32
	}
	// Web Push messages: each a POST to a push service (Mozilla's,
	// Google's, Apple's), one job per notification and subscription, a
	// few at a time like cards.
	pool.Register(jobs.Queue{Name: push.QueuePush, Handler: c.Push.Jobs, InFlight: 8, Batch: 8, MaxAttempts: push.Attempts})
	pool.Register(jobs.Queue{Name: core.QueueDeliverInbox, Handler: dl.InboxJobs, InFlight: inFlight, Batch: inboxBatch,
		Lease: 5 * time.Minute, MaxAttempts: activitypub.DeliveryAttempts})
}

// hourlyLoop drops expired Idempotency-Keys, and processed activity ids
// and tombstones past federation.InboxMemory, every hour.
func (s *Server) hourlyLoop(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Core.PruneIdempotencyKeys(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("prune idempotency keys", "err", err)
			}
			if err := s.Core.Federation.PruneInboxMemory(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("prune inbox memory", "err", err)
			}
		}
	}
}
