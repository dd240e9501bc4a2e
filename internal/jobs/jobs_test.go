package jobs_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"herd/internal/jobs"
	"herd/internal/model"
	"herd/internal/store"
	"herd/internal/testrig"
)

// enqueue commits one job of queue "test".
func enqueue(t *testing.T, st *store.Store, payload string) int64 {
	t.Helper()
	var id int64
	err := st.InTx(context.Background(), func(tx *store.Store) error {
		var err error
		id, err = tx.EnqueueJob(context.Background(), "test", payload, time.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// recorder is a handler that remembers what it worked and fails jobs
// whose payload is in fail.
type recorder struct {
	mu   sync.Mutex
	seen []jobs.Job
	at   []time.Time // when each of seen was worked
	fail map[string]bool
	got  chan struct{}
}

func (r *recorder) handle(ctx context.Context, batch []jobs.Job) map[int64]error {
	r.mu.Lock()
	defer r.mu.Unlock()
	failed := map[int64]error{}
	for _, j := range batch {
		r.seen = append(r.seen, j)
		r.at = append(r.at, time.Now())
		if r.fail[j.Payload] {
			failed[j.ID] = errors.New("boom")
		}
		r.got <- struct{}{}
	}
	return failed
}

// wait waits for the recorder to work a job; testrig.WaitTimeout is only
// a safety net.
func wait(t *testing.T, ch chan struct{}) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(testrig.WaitTimeout):
		t.Fatalf("job not worked after %v", testrig.WaitTimeout)
	}
}

// idle starts pool's workers once a probe job is queued, and returns when
// the worker has worked it: its first look is done, and from then on it
// waits to be woken (or its poll).
func idle(ctx context.Context, t *testing.T, st *store.Store, pool *jobs.Pool, rec *recorder) {
	t.Helper()
	enqueue(t, st, "probe")
	pool.Run(ctx)
	wait(t, rec.got)
}

func TestLeasedJobIsRetriedAfterCrash(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		st := inst.Store
		ctx := context.Background()
		id := enqueue(t, st, "crashy")
		// A worker claims the job with a short lease and "crashes": it never
		// finishes nor releases it.
		const lease = 300 * time.Millisecond
		leaseEnd := time.Now().Add(lease)
		err := st.InTx(ctx, func(tx *store.Store) error {
			claimed, err := tx.ClaimJobs(ctx, "test", leaseEnd.Add(-lease), lease, 10)
			if err == nil && len(claimed) != 1 {
				t.Errorf("claimed %d jobs", len(claimed))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		rec := &recorder{got: make(chan struct{}, 10)}
		pool := jobs.New(st.JobQueue(), slog.Default())
		pool.Register(jobs.Queue{Name: "test", Handler: rec.handle, Poll: 50 * time.Millisecond})
		runCtx, cancel := context.WithCancel(ctx)
		pool.Run(runCtx)
		defer func() { cancel(); pool.Wait() }()
		// Once its lease has run out, and not before, a worker picks it
		// up, as its second attempt.
		wait(t, rec.got)
		rec.mu.Lock()
		worked, at := rec.seen[0], rec.at[0]
		rec.mu.Unlock()
		if at.Before(leaseEnd) {
			t.Fatalf("a leased job was worked %v before its lease ran out", leaseEnd.Sub(at))
		}
		if worked.ID != id || worked.Attempts != 2 {
			t.Errorf("worked %+v", worked)
		}
		// The pool deletes the job after the handler returns.
		testrig.Eventually(t, "finished job deleted", func() bool {
			_, err := st.JobByID(ctx, id)
			return errors.Is(err, model.ErrNotFound)
		})
	})
}

func TestFailedJobBacksOffAndGivesUp(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		st := inst.Store
		ctx := context.Background()
		rec := &recorder{got: make(chan struct{}, 10), fail: map[string]bool{"bad": true}}
		pool := jobs.New(st.JobQueue(), slog.Default())
		pool.Register(jobs.Queue{Name: "test", Handler: rec.handle, MaxAttempts: 2})
		bad, good := enqueue(t, st, "bad"), enqueue(t, st, "good")
		if n, err := pool.RunOnce(ctx, "test"); err != nil || n != 2 {
			t.Fatalf("RunOnce = %d, %v", n, err)
		}
		if _, err := st.JobByID(ctx, good); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("good job not deleted: %v", err)
		}
		j, err := st.JobByID(ctx, bad)
		if err != nil || j.Attempts != 1 {
			t.Fatalf("failed job = %+v, %v", j, err)
		}
		var runAt int64
		var lastErr string
		st.DB.Read.QueryRow("SELECT run_at, last_error FROM jobs WHERE id = $1", bad).Scan(&runAt, &lastErr)
		if wait := time.Until(time.UnixMilli(runAt)); wait < 15*time.Second || lastErr != "boom" {
			t.Errorf("retry in %v with last_error %q; want ≥15 s back-off and the error", wait, lastErr)
		}
		// Not due yet: nothing to claim.
		if n, _ := pool.RunOnce(ctx, "test"); n != 0 {
			t.Errorf("claimed a job before its back-off: %d", n)
		}
		// Make it due; its second failure is the last.
		st.DB.Write.Exec("UPDATE jobs SET run_at = 0 WHERE id = $1", bad)
		if n, _ := pool.RunOnce(ctx, "test"); n != 1 {
			t.Errorf("second attempt claimed %d", n)
		}
		if _, err := st.JobByID(ctx, bad); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("job kept after its last attempt: %v", err)
		}
	})
}

func TestWakeRunsNewJobsAtOnce(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		st := inst.Store
		rec := &recorder{got: make(chan struct{}, 10)}
		pool := jobs.New(st.JobQueue(), slog.Default())
		pool.Register(jobs.Queue{Name: "test", Handler: rec.handle, Poll: time.Hour})
		ctx, cancel := context.WithCancel(context.Background())
		idle(ctx, t, st, pool, rec)
		enqueue(t, st, "x")
		pool.Wake()
		wait(t, rec.got) // at once: the next poll is an hour away
		cancel()
		pool.Wait() // returns: workers stop with their context
	})
}

// TestLingerOnlyWhileBusy: while few jobs come a woken worker claims at
// once; once it has worked LingerAfter jobs within a Linger window it
// lingers, gathering what is enqueued meanwhile into one batch.
func TestLingerOnlyWhileBusy(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		st := inst.Store
		rec := &recorder{got: make(chan struct{}, 100)}
		pool := jobs.New(st.JobQueue(), slog.Default())
		// A worker that lingers claims no sooner than linger after it was
		// woken; one that does not, at once. On a busy machine "at once"
		// may take a while: linger is long enough to tell them apart.
		const linger = 3 * time.Second
		pool.Register(jobs.Queue{Name: "test", Handler: rec.handle, Poll: time.Hour, Batch: 50,
			Linger: linger, LingerAfter: 3})
		ctx, cancel := context.WithCancel(context.Background())
		defer func() { cancel(); pool.Wait() }()
		idle(ctx, t, st, pool, rec) // one job so far
		atOnce := func(what string, woken time.Time) {
			t.Helper()
			if took := time.Since(woken); took >= linger {
				t.Fatalf("%s was worked %v after the wake: it lingered", what, took)
			}
		}
		enqueue(t, st, "quiet")
		pool.Wake()
		woken := time.Now()
		wait(t, rec.got)
		atOnce("a job on a quiet queue", woken)
		for _, p := range []string{"a", "b", "c"} {
			enqueue(t, st, p)
		}
		pool.Wake()
		start := time.Now()
		for i := 0; i < 3; i++ {
			wait(t, rec.got)
		}
		atOnce("a batch after 2 jobs in the window", start) // still quiet before it
		enqueue(t, st, "after a busy batch")
		pool.Wake()
		wait(t, rec.got)
		if waited := time.Since(start); waited < linger {
			t.Errorf("a job enqueued after 4 jobs in one window was worked after %v, without lingering %v", waited, linger)
		}
	})
}
