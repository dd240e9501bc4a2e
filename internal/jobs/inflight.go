package jobs

import (
	"context"
	"sync"
	"time"
)

// outcome is one job a flow worked, waiting to be recorded.
type outcome struct {
	job    Job
	failed bool
	err    error
}

// flow runs a queue with Queue.InFlight: it claims into free places, runs
// each job in its own goroutine, and records outcomes as they come, many
// to a transaction when they come together. It returns after ctx ends and
// every job it started is recorded.
func (p *Pool) flow(ctx context.Context, q *runningQueue) {
	slots := make(chan struct{}, q.InFlight) // one token per job running
	freed := make(chan struct{}, 1)          // a place came free
	results := make(chan outcome, q.InFlight)
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		p.record(ctx, q, results)
	}()
	var running sync.WaitGroup
	ticker := time.NewTicker(q.Poll)
	defer ticker.Stop()
	for ctx.Err() == nil {
		free := q.InFlight - len(slots)
		limit := min(free, q.Batch)
		var batch []Job
		if limit > 0 {
			var err error
			if batch, err = p.claim(ctx, q, limit); err != nil && ctx.Err() == nil {
				p.log.Error("jobs: claim", "queue", q.Name, "err", err)
			}
		}
		for _, j := range batch {
			slots <- struct{}{}
			running.Add(1)
			go func() {
				defer running.Done()
				err, bad := q.Handler(ctx, []Job{j})[j.ID]
				results <- outcome{job: j, failed: bad, err: err}
				<-slots
				select {
				case freed <- struct{}{}:
				default:
				}
			}()
		}
		if limit > 0 && len(batch) == limit {
			continue // more may be due, and there is room
		}
		select {
		case <-ctx.Done():
		case <-q.wake:
		case <-ticker.C:
		case <-freed:
			if limit > 0 {
				// There was room and nothing due: wait for news, not
				// for every job that ends.
				select {
				case <-ctx.Done():
				case <-q.wake:
				case <-ticker.C:
				}
			}
		}
	}
	running.Wait()
	close(results)
	<-finished
}

// record finishes the outcomes arriving on results until it is closed,
// taking what has piled up into each transaction.
func (p *Pool) record(ctx context.Context, q *runningQueue, results <-chan outcome) {
	for first := range results {
		batch := []Job{first.job}
		failed := map[int64]error{}
		add := func(o outcome) {
			batch = append(batch, o.job)
			if o.failed {
				failed[o.job.ID] = o.err
			}
		}
		if first.failed {
			failed[first.job.ID] = first.err
		}
	more:
		for len(batch) < 500 {
			select {
			case o, ok := <-results:
				if !ok {
					break more
				}
				add(o)
			default:
				break more
			}
		}
		if err := p.finish(ctx, q, batch, failed); err != nil {
			// The jobs stay leased and run again when the lease ends.
			p.log.Error("jobs: finish", "queue", q.Name, "jobs", len(batch), "err", err)
		}
	}
}
