package jobs_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"herd/internal/jobs"
	"herd/internal/testrig"
)

// TestInFlightJobsFinishOneByOne: with InFlight, a job that hangs holds up
// none of the others (they are claimed, worked and deleted meanwhile), no
// more than InFlight run at once, a failure is retried later, a deferred
// job is put back without an attempt, and the hanging job is recorded
// when it ends.
func TestInFlightJobsFinishOneByOne(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		st := inst.Store
		release := make(chan struct{})
		var running, most atomic.Int32
		var mu sync.Mutex
		deferred := 0
		handler := func(ctx context.Context, batch []jobs.Job) map[int64]error {
			if len(batch) != 1 {
				t.Errorf("handler got %d jobs at once", len(batch))
			}
			n := running.Add(1)
			defer running.Add(-1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			j := batch[0]
			switch j.Payload {
			case "hang":
				<-release
			case "bad":
				return map[int64]error{j.ID: errors.New("boom")}
			case "later":
				mu.Lock()
				deferred++
				first := deferred == 1
				mu.Unlock()
				if first {
					return map[int64]error{j.ID: jobs.Defer(50 * time.Millisecond)}
				}
			default:
				time.Sleep(5 * time.Millisecond) // work that takes a while, so jobs overlap
			}
			return nil
		}
		pool := jobs.New(st.JobQueue(), slog.Default())
		pool.Register(jobs.Queue{Name: "test", Handler: handler, InFlight: 3, Batch: 2, Poll: 20 * time.Millisecond})
		hang := enqueue(t, st, "hang")
		bad := enqueue(t, st, "bad")
		later := enqueue(t, st, "later")
		for range 12 {
			enqueue(t, st, "quick")
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		pool.Run(ctx)
		count := func(q string, args ...any) int {
			var c int
			if err := st.DB.Read.QueryRow(q, args...).Scan(&c); err != nil {
				t.Fatal(err)
			}
			return c
		}
		// Everything but the hanging job and the failed one's retry ends.
		testrig.Eventually(t, "every job but the hanging one and a retry done", func() bool {
			return count("SELECT COUNT(*) FROM jobs WHERE queue = 'test'") == 2
		})
		if c := count("SELECT COUNT(*) FROM jobs WHERE id = $1 AND attempts = 1 AND run_at > $2", bad, time.Now().Add(10*time.Second).UnixMilli()); c != 1 {
			t.Error("the failed job is not waiting for a retry")
		}
		mu.Lock()
		worked := deferred
		mu.Unlock()
		if c := count("SELECT COUNT(*) FROM jobs WHERE id = $1", later); c != 0 || worked != 2 {
			t.Errorf("deferred job: %d left, worked %d times; want done on its second run", c, worked)
		}
		if m := most.Load(); m > 3 {
			t.Errorf("%d jobs ran at once, InFlight is 3", m)
		}
		close(release)
		testrig.Eventually(t, "the hanging job recorded when it ended", func() bool {
			return count("SELECT COUNT(*) FROM jobs WHERE id = $1", hang) == 0
		})
		cancel()
		pool.Wait()
	})
}
