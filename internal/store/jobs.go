package store

import (
	"context"
	"database/sql"
	"time"

	"herd/internal/db"
	"herd/internal/ids"
	"herd/internal/jobs"
)

// JobQueue is the jobs table as the job system sees it: each call is a
// transaction of its own (through the single writer on SQLite).
type JobQueue struct{ s *Store }

var _ jobs.Store = JobQueue{}

// JobQueue gives the job system its queue.
func (s *Store) JobQueue() JobQueue { return JobQueue{s: s} }

// ClaimJobs implements jobs.Store.
func (q JobQueue) ClaimJobs(ctx context.Context, queue string, now time.Time, lease time.Duration, limit int) ([]jobs.Job, error) {
	var batch []jobs.Job
	err := q.s.InTx(ctx, func(tx *Store) error {
		var err error
		batch, err = tx.ClaimJobs(ctx, queue, now, lease, limit)
		return err
	})
	return batch, err
}

// FinishJobs implements jobs.Store: finished jobs are deleted, the others
// rescheduled, in one transaction.
func (q JobQueue) FinishJobs(ctx context.Context, f jobs.Finished) error {
	return q.s.InTx(ctx, func(tx *Store) error {
		if err := tx.DeleteJobs(ctx, f.Done); err != nil {
			return err
		}
		for _, l := range f.Later {
			var err error
			if l.Deferred {
				err = tx.DeferJob(ctx, l.ID, l.RunAt)
			} else {
				err = tx.RetryJob(ctx, l.ID, l.RunAt, l.Error)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// EnqueueJob adds a job to run at runAt; call it inside the transaction of
// the write that causes the job, so the job exists exactly when the write does.
func (s *Store) EnqueueJob(ctx context.Context, queue, payload string, runAt time.Time) (int64, error) {
	id := ids.New()
	_, err := s.q.ExecContext(ctx, `INSERT INTO jobs (id, queue, payload, run_at, created_at) VALUES ($1,$2,$3,$4,$5)`,
		id, queue, payload, ms(runAt), ms(time.Now()))
	return id, err
}

// ClaimJobs leases up to limit due jobs of a queue until now+lease and
// counts the attempt. A claimed job is invisible to other workers until
// the lease runs out, so a worker that dies mid-job (or a node that is
// killed) only delays it. On PostgreSQL, SKIP LOCKED lets several nodes
// claim side by side; on SQLite the single writer serializes claims.
func (s *Store) ClaimJobs(ctx context.Context, queue string, now time.Time, lease time.Duration, limit int) ([]jobs.Job, error) {
	pick := `SELECT id FROM jobs WHERE queue = $1 AND run_at <= $2 AND locked_until < $2 ORDER BY run_at, id LIMIT $4`
	if s.Dialect() == db.Postgres {
		pick += " FOR UPDATE SKIP LOCKED"
	}
	var out []jobs.Job
	err := s.queryEach(ctx, func(rows *sql.Rows) error {
		var j jobs.Job
		err := rows.Scan(&j.ID, &j.Queue, &j.Payload, &j.Attempts)
		out = append(out, j)
		return err
	}, `UPDATE jobs SET locked_until = $3, attempts = attempts + 1
		WHERE id IN (`+pick+`) RETURNING id, queue, payload, attempts`, queue, ms(now), ms(now.Add(lease)), limit)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteJobs removes finished jobs.
func (s *Store) DeleteJobs(ctx context.Context, jobIDs []int64) error {
	if len(jobIDs) == 0 {
		return nil
	}
	_, err := s.q.ExecContext(ctx, "DELETE FROM jobs WHERE id IN "+literalIDs(jobIDs))
	return err
}

// RetryJob releases a failed job's lease and schedules its next attempt.
func (s *Store) RetryJob(ctx context.Context, id int64, runAt time.Time, lastError string) error {
	_, err := s.q.ExecContext(ctx, "UPDATE jobs SET run_at = $2, locked_until = 0, last_error = $3 WHERE id = $1",
		id, ms(runAt), lastError)
	return err
}

// JobStats is the state of one queue.
type JobStats struct {
	Pending int64 // not yet finished (due, scheduled or leased)
	Due     int64 // ready to run now and not leased
}

// QueueStats counts a queue's jobs (for tests, benchmarks and admin).
func (s *Store) QueueStats(ctx context.Context, queue string, now time.Time) (JobStats, error) {
	var st JobStats
	err := s.q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN run_at <= $2 AND locked_until < $2 THEN 1 ELSE 0 END), 0)
		FROM jobs WHERE queue = $1`, queue, ms(now)).Scan(&st.Pending, &st.Due)
	return st, err
}

// JobByID loads a job (tests and admin).
func (s *Store) JobByID(ctx context.Context, id int64) (*jobs.Job, error) {
	var j jobs.Job
	err := s.q.QueryRowContext(ctx, "SELECT id, queue, payload, attempts FROM jobs WHERE id = $1", id).
		Scan(&j.ID, &j.Queue, &j.Payload, &j.Attempts)
	if err != nil {
		return nil, notFound(err)
	}
	return &j, nil
}
