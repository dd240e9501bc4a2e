// Package jobs runs Herd's durable work queue: jobs are rows of the jobs
// table, enqueued by use cases inside the transaction of the write that
// causes them, claimed by lease (locked_until), committed, then worked, so
// no database lock is held across slow work and a crashed worker only
// delays a job until its lease runs out. Failures are retried with
// exponential back-off until a queue's attempt limit.
package jobs

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// Job is one row of the durable work queue.
type Job struct {
	ID       int64
	Queue    string
	Payload  string
	Attempts int // including the current one once claimed
}

// Store is the durable queue the pool works, over the database's jobs
// table (the store package implements it). Both calls are transactions
// of their own.
type Store interface {
	// ClaimJobs leases up to limit due jobs of queue until now+lease and
	// counts the attempt.
	ClaimJobs(ctx context.Context, queue string, now time.Time, lease time.Duration, limit int) ([]Job, error)
	// FinishJobs records what became of worked jobs, all at once.
	FinishJobs(ctx context.Context, f Finished) error
}

// Finished is the outcome of worked jobs: Done are deleted (finished, or
// given up), Later run again at their time.
type Finished struct {
	Done  []int64
	Later []Later
}

// Later is a job to run again at RunAt: a failure to retry (its error is
// kept, and its attempt counts), or a job deferred untried (Deferred: its
// remote host was busy, so the attempt does not count).
type Later struct {
	ID       int64
	RunAt    time.Time
	Deferred bool
	Error    string
}

// Handler works a batch of claimed jobs of one queue and returns the
// failures by job id; every job not in the map succeeded and is deleted.
// Handlers must be idempotent: a job may run again after a crash.
type Handler func(ctx context.Context, batch []Job) map[int64]error

// Queue configures the workers of one queue.
type Queue struct {
	Name        string
	Handler     Handler
	Workers     int           // concurrent batches; default 1
	Batch       int           // jobs claimed at once; default 20
	Lease       time.Duration // how long a claim hides a job; default 5 minutes
	MaxAttempts int           // attempts before giving up; default 10
	Poll        time.Duration // how often idle workers look for due jobs; default 1 s
	// Linger is how long a woken worker waits before claiming, so jobs
	// enqueued together are worked in one batch (fewer commits under load).
	Linger time.Duration
	// LingerAfter: a worker lingers only while the queue is busy, when it
	// worked at least this many jobs in the current or the previous Linger
	// window; otherwise it claims at once, so a quiet instance sees its
	// jobs done without the delay. 0 lingers always.
	LingerAfter int
	// InFlight, when above 0, works the queue job by job instead of batch
	// by batch: up to InFlight jobs run at once, each handed to Handler
	// alone, and each is finished as soon as it is done while more are
	// claimed (Batch at most per claim) into the freed places. For jobs
	// that wait on other servers (deliveries), where a batch would wait
	// for its slowest job. Workers and Linger do not apply.
	InFlight int
}

func (q *Queue) defaults() {
	if q.Workers <= 0 {
		q.Workers = 1
	}
	if q.Batch <= 0 {
		q.Batch = 20
	}
	if q.Lease <= 0 {
		q.Lease = 5 * time.Minute
	}
	if q.MaxAttempts <= 0 {
		q.MaxAttempts = 10
	}
	if q.Poll <= 0 {
		q.Poll = time.Second
	}
}

// Pool runs the workers of several queues over one store.
type Pool struct {
	store  Store
	log    *slog.Logger
	queues []*runningQueue
	wg     sync.WaitGroup
}

type runningQueue struct {
	Queue
	wake chan struct{}
}

// New returns a pool with no queues; Register them, then Run.
func New(st Store, log *slog.Logger) *Pool {
	if log == nil {
		log = slog.Default()
	}
	return &Pool{store: st, log: log}
}

// Register adds a queue; call before Run.
func (p *Pool) Register(q Queue) {
	q.defaults()
	p.queues = append(p.queues, &runningQueue{Queue: q, wake: make(chan struct{}, 1)})
}

// Wake tells idle workers that jobs were just enqueued, so they need not
// wait for the next poll. It never blocks.
func (p *Pool) Wake() {
	for _, q := range p.queues {
		select {
		case q.wake <- struct{}{}:
		default:
		}
	}
}

// Run starts the workers; they stop when ctx ends. Wait waits for them.
func (p *Pool) Run(ctx context.Context) {
	for _, q := range p.queues {
		if q.InFlight > 0 {
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				p.flow(ctx, q)
			}()
			continue
		}
		for range q.Workers {
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				p.work(ctx, q)
			}()
		}
	}
}

// Wait blocks until every worker has finished its current batch and
// stopped (after Run's context ended).
func (p *Pool) Wait() { p.wg.Wait() }

func (p *Pool) work(ctx context.Context, q *runningQueue) {
	ticker := time.NewTicker(q.Poll)
	defer ticker.Stop()
	var busy busyMeter
	for ctx.Err() == nil {
		n, err := p.RunOnce(ctx, q.Name)
		linger := q.Linger > 0 && busy.add(time.Now(), n, q.Linger) >= q.LingerAfter
		if err != nil && ctx.Err() == nil {
			p.log.Error("jobs: claim", "queue", q.Name, "err", err)
		}
		if n == q.Batch {
			// A full batch means more may be waiting: let a sibling help.
			select {
			case q.wake <- struct{}{}:
			default:
			}
			continue
		}
		select {
		case <-ctx.Done():
		case <-q.wake:
			if linger {
				select {
				case <-ctx.Done():
				case <-time.After(q.Linger):
				}
			}
		case <-ticker.C:
		}
	}
}

// RunOnce claims and works one batch of a queue, returning how many jobs
// it claimed. Workers call it in a loop; tests and the admin CLI may call
// it directly to drain a queue.
func (p *Pool) RunOnce(ctx context.Context, queue string) (int, error) {
	q := p.queue(queue)
	batch, err := p.claim(ctx, q, q.Batch)
	if err != nil || len(batch) == 0 {
		return 0, err
	}
	failed := q.Handler(ctx, batch)
	return len(batch), p.finish(ctx, q, batch, failed)
}

// claim leases up to limit due jobs of q.
func (p *Pool) claim(ctx context.Context, q *runningQueue, limit int) ([]Job, error) {
	return p.store.ClaimJobs(ctx, q.Name, time.Now(), q.Lease, limit)
}

// finish records the outcome of worked jobs: the failed ones (by id) are
// retried after a back-off, put back (DeferError) or given up, the others
// deleted.
func (p *Pool) finish(ctx context.Context, q *runningQueue, batch []Job, failed map[int64]error) error {
	var f Finished
	for _, j := range batch {
		jobErr, bad := failed[j.ID]
		if !bad {
			f.Done = append(f.Done, j.ID)
			continue
		}
		var later *DeferError
		switch {
		case errors.As(jobErr, &later):
			f.Later = append(f.Later, Later{ID: j.ID, RunAt: time.Now().Add(later.After), Deferred: true})
		case j.Attempts >= q.MaxAttempts:
			p.log.Error("jobs: giving up", "queue", q.Name, "job", j.ID, "attempts", j.Attempts, "err", jobErr)
			f.Done = append(f.Done, j.ID)
		default:
			p.log.Warn("jobs: will retry", "queue", q.Name, "job", j.ID, "attempts", j.Attempts, "err", jobErr)
			f.Later = append(f.Later, Later{ID: j.ID, RunAt: time.Now().Add(Backoff(j.Attempts)), Error: errorText(jobErr)})
		}
	}
	// Finishing uses a fresh context: a batch worked during shutdown is
	// still recorded, rather than run again after the lease.
	return p.store.FinishJobs(context.WithoutCancel(ctx), f)
}

func (p *Pool) queue(name string) *runningQueue {
	for _, q := range p.queues {
		if q.Name == name {
			return q
		}
	}
	panic("jobs: unknown queue " + name)
}

// DeferError, returned by a Handler for a job, puts the job back to run
// after a while without counting the attempt: the handler did not try it
// (say, the remote host it needs already has all the connections it may
// have). See Defer.
type DeferError struct{ After time.Duration }

func (e *DeferError) Error() string { return "deferred for " + e.After.String() }

// Defer is a DeferError for after.
func Defer(after time.Duration) error { return &DeferError{After: after} }

// Backoff is the wait before attempt n+1, Sidekiq's schedule (which
// Mastodon's retries follow): n⁴ + 15 seconds plus up to 10·(n+1) s of
// jitter, so ten attempts span about four hours and sixteen (a delivery
// queue's limit) about three days, and many failing jobs do not retry in
// lock-step.
func Backoff(attempts int) time.Duration {
	n := time.Duration(attempts)
	jitter := time.Duration(rand.IntN(10*(attempts+1))) * time.Second
	return (n*n*n*n+15)*time.Second + jitter
}

func errorText(err error) string {
	if err == nil {
		return "failed"
	}
	s := err.Error()
	if len(s) > 1000 {
		s = s[:1000]
	}
	return s
}

// busyMeter counts the jobs a worker did in fixed windows, to tell a busy
// queue from a quiet one.
type busyMeter struct {
	start     time.Time
	cur, prev int
}

// add records n jobs done at now and returns the larger of the current
// and the previous window's counts.
func (m *busyMeter) add(now time.Time, n int, window time.Duration) int {
	switch elapsed := now.Sub(m.start); {
	case elapsed >= 2*window:
		m.start, m.cur, m.prev = now, 0, 0
	case elapsed >= window:
		m.start, m.cur, m.prev = m.start.Add(window), 0, m.cur
	}
	m.cur += n
	return max(m.cur, m.prev)
}
