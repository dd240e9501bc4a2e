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
	seen []store.Job
	fail map[string]bool
	got  chan struct{}
}

func (r *recorder) handle(ctx context.Context, batch []store.Job) map[int64]error {
	r.mu.Lock()
	defer r.mu.Unlock()
	failed := map[int64]error{}
	for _, j := range batch {
		r.seen = append(r.seen, j)
		if r.fail[j.Payload] {
			failed[j.ID] = errors.New("boom")
		}
		r.got <- struct{}{}
	}
	return failed
}

func wait(t *testing.T, ch chan struct{}, d time.Duration) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(d):
		t.Fatal("job not worked in time")
	}
}

func TestLeasedJobIsRetriedAfterCrash(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		st := inst.Core.Store
		ctx := context.Background()
		id := enqueue(t, st, "crashy")
		// A worker claims the job with a short lease and "crashes": it never
		// finishes nor releases it.
		err := st.InTx(ctx, func(tx *store.Store) error {
			claimed, err := tx.ClaimJobs(ctx, "test", time.Now(), 300*time.Millisecond, 10)
			if err == nil && len(claimed) != 1 {
				t.Errorf("claimed %d jobs", len(claimed))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		rec := &recorder{got: make(chan struct{}, 10)}
		pool := jobs.New(st, slog.Default())
		pool.Register(jobs.Queue{Name: "test", Handler: rec.handle, Poll: 50 * time.Millisecond})
		runCtx, cancel := context.WithCancel(ctx)
		pool.Run(runCtx)
		defer func() { cancel(); pool.Wait() }()
		// While leased, nobody else works it...
		select {
		case <-rec.got:
			t.Fatal("a leased job was worked before its lease ran out")
		case <-time.After(150 * time.Millisecond):
		}
		// ...then the next worker picks it up, as its second attempt.
		wait(t, rec.got, 3*time.Second)
		if rec.seen[0].ID != id || rec.seen[0].Attempts != 2 {
			t.Errorf("worked %+v", rec.seen[0])
		}
		// The pool deletes the job after the handler returns; on a loaded
		// machine that can take a while.
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			_, err := st.JobByID(ctx, id)
			if errors.Is(err, model.ErrNotFound) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("finished job still queued 5 s later: %v", err)
			}
		}
	})
}

func TestFailedJobBacksOffAndGivesUp(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		st := inst.Core.Store
		ctx := context.Background()
		rec := &recorder{got: make(chan struct{}, 10), fail: map[string]bool{"bad": true}}
		pool := jobs.New(st, slog.Default())
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
		st := inst.Core.Store
		rec := &recorder{got: make(chan struct{}, 10)}
		pool := jobs.New(st, slog.Default())
		pool.Register(jobs.Queue{Name: "test", Handler: rec.handle, Poll: time.Hour})
		ctx, cancel := context.WithCancel(context.Background())
		pool.Run(ctx)
		time.Sleep(50 * time.Millisecond) // the first look found nothing
		enqueue(t, st, "x")
		pool.Wake()
		wait(t, rec.got, 2*time.Second)
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
		st := inst.Core.Store
		rec := &recorder{got: make(chan struct{}, 100)}
		pool := jobs.New(st, slog.Default())
		const linger = 1500 * time.Millisecond
		pool.Register(jobs.Queue{Name: "test", Handler: rec.handle, Poll: time.Hour, Batch: 50,
			Linger: linger, LingerAfter: 3})
		ctx, cancel := context.WithCancel(context.Background())
		defer func() { cancel(); pool.Wait() }()
		pool.Run(ctx)
		time.Sleep(50 * time.Millisecond) // the first look found nothing
		enqueue(t, st, "quiet")
		pool.Wake()
		wait(t, rec.got, linger/2) // quiet: no linger
		for _, p := range []string{"a", "b", "c"} {
			enqueue(t, st, p)
		}
		pool.Wake()
		start := time.Now()
		for i := 0; i < 3; i++ {
			wait(t, rec.got, linger/2) // still quiet before this batch: no linger
		}
		enqueue(t, st, "after a busy batch")
		pool.Wake()
		wait(t, rec.got, 3*linger)
		if waited := time.Since(start); waited < linger {
			t.Errorf("a job enqueued after 4 jobs in one window was worked after %v, without lingering %v", waited, linger)
		}
	})
}
