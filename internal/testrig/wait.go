package testrig

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"herd/internal/core"
	"herd/internal/store"
)

// WaitTimeout bounds every wait for background work, the rig's and the
// tests'. It is a safety net, not an expectation: waits end as soon as
// what they wait for happens. On a machine busy with other work (two
// cores running all of `go test ./...`) a job that takes milliseconds
// alone, or a transcode that takes one second, can take many times that,
// so a wait that gives up should only ever mean "it never happened".
const WaitTimeout = 60 * time.Second

// Eventually polls cond, every few milliseconds at first and then every
// 100 ms, until it holds, and fails the test naming what when WaitTimeout
// passes first. It is for a positive outcome of background work (a job's
// result, another node's change): to show that something did NOT happen,
// reach a barrier that proves the work was done (WaitJobs, WaitEvents)
// and check once.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	EventuallyWithin(t, WaitTimeout, what, cond)
}

// EventuallyWithin is Eventually with another safety net than
// WaitTimeout, for work known to take long (transcoding a video).
func EventuallyWithin(t testing.TB, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for pause := 2 * time.Millisecond; !cond(); pause = min(2*pause, 100*time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not so after %v", what, limit)
		}
		time.Sleep(pause)
	}
}

// deliverySoon: a delivery due within this is work still to do, put back
// (without an attempt) because its host already had all the POSTs it may
// have in flight; it comes back after 2 s (activitypub's hostBusyRetry).
// Any other job not due yet waits on purpose: a retry after a failure
// (jobs.Backoff waits 16 s at least), or remote media, cards and links
// spread over time (Config.RemoteMediaSpread, RemoteCardSpread; tests
// that wait for those set the spread to -1). WaitJobs does not wait for
// those, and a test that must know of them asks the jobs table.
const deliverySoon = 5 * time.Second

// WaitJobs waits until the instances have no work left in their job
// queues (every queue: fan-out, deliveries, ingest, media, cards,
// links…), then until each has read its events log to the end, so its
// caches and streams reflect that work. Give it every instance that may
// hand work to another (a network), so that an activity one delivers
// while the other is looked at is not missed: the barrier is the first
// look at all of them during which none had a job due or leased (or a
// delivery put back for a moment, see deliverySoon), and none received
// or was answering a request that may leave work behind (a delivery to
// its inbox, say). Jobs that wait on purpose (see deliverySoon) are not
// waited for.
//
// Use it as the barrier before checking that something did not happen,
// or to wait for everything a step set off.
func WaitJobs(t testing.TB, insts ...*Instance) {
	t.Helper()
	deadline := time.Now().Add(WaitTimeout)
	for pause := 2 * time.Millisecond; ; pause = min(2*pause, 100*time.Millisecond) {
		if quiet(t, insts) {
			break
		}
		if time.Now().After(deadline) {
			var busy []string
			for _, i := range insts {
				busy = append(busy, i.describeWork(t)...)
			}
			t.Fatalf("jobs not done after %v:\n%s", WaitTimeout, strings.Join(busy, "\n"))
		}
		time.Sleep(pause)
	}
	for _, i := range insts {
		i.WaitEvents(t)
	}
}

// WaitJobs waits until the instance has no job left to do and has read
// its events log to the end; see the function WaitJobs.
func (i *Instance) WaitJobs(t testing.TB) {
	t.Helper()
	WaitJobs(t, i)
}

// quiet looks at every instance once: true when none was answering or
// received a request that may leave work behind while it looked, and
// none had a job to do. Work only moves between instances through such
// requests (a delivery job POSTs, the inbox stores an ingest job before
// answering, then the delivery job ends), and within an instance a job
// enqueues the jobs it causes before it is deleted, so one count of an
// instance's jobs misses none of its own chain.
func quiet(t testing.TB, insts []*Instance) bool {
	t.Helper()
	writes := func() (n int64) {
		for _, i := range insts {
			n += i.writes.Load()
		}
		return n
	}
	// Counted before looking at what is being answered: a request that
	// starts later shows in the second count, one that ended already
	// left its jobs for the count of jobs.
	before := writes()
	for _, i := range insts {
		if i.writing.Load() > 0 {
			return false
		}
	}
	for _, i := range insts {
		if i.jobsToDo(t) > 0 {
			return false
		}
	}
	return writes() == before
}

// toDo selects the jobs that are due or leased, and deliveries due within
// deliverySoon, in one statement, so the count is one snapshot of every
// queue.
const toDo = `FROM jobs WHERE locked_until > $1 OR run_at <= $1 OR (queue = '` + core.QueueDeliverInbox + `' AND run_at <= $2)`

func (i *Instance) jobsToDo(t testing.TB) int {
	t.Helper()
	now := time.Now()
	var n int
	if err := i.Store.DB.Read.QueryRow("SELECT COUNT(*) "+toDo, now.UnixMilli(), now.Add(deliverySoon).UnixMilli()).Scan(&n); err != nil {
		t.Fatalf("%s: count jobs: %v", i.Domain, err)
	}
	return n
}

// describeWork lists what the instance still had to do, for a failure.
func (i *Instance) describeWork(t testing.TB) []string {
	t.Helper()
	now := time.Now()
	rows, err := i.Store.DB.Read.Query("SELECT queue, attempts, locked_until > $1, last_error "+toDo+" ORDER BY id LIMIT 20",
		now.UnixMilli(), now.Add(deliverySoon).UnixMilli())
	if err != nil {
		return []string{fmt.Sprintf("%s: list jobs: %v", i.Domain, err)}
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var queue, lastErr string
		var attempts int
		var leased bool
		if err := rows.Scan(&queue, &attempts, &leased, &lastErr); err != nil {
			return append(out, fmt.Sprintf("%s: %v", i.Domain, err))
		}
		out = append(out, fmt.Sprintf("%s: %s job, %d attempts, leased %v, last error %q", i.Domain, queue, attempts, leased, lastErr))
	}
	if n := i.writing.Load(); n > 0 {
		out = append(out, fmt.Sprintf("%s: answering %d requests", i.Domain, n))
	}
	return out
}

// WaitEvents waits until the instance's events reader has read every
// event committed so far, so its caches and streams have taken in every
// change, including those made by another node or the admin CLI on the
// same database.
func (i *Instance) WaitEvents(t testing.TB) {
	t.Helper()
	if !i.watched {
		t.Fatalf("%s: WaitEvents and WaitJobs need an instance started by testrig", i.Domain)
	}
	last, err := i.Store.LastEventID(context.Background())
	if err != nil {
		t.Fatalf("%s: last event: %v", i.Domain, err)
	}
	Eventually(t, fmt.Sprintf("%s: events reader reaches event %d", i.Domain, last), func() bool {
		return i.eventsRead.Load() >= last
	})
}

// noteEvent, subscribed before the events reader starts, records how far
// it has read. Events are read in id order.
func (i *Instance) noteEvent(e store.Event) {
	for {
		seen := i.eventsRead.Load()
		if e.ID <= seen || i.eventsRead.CompareAndSwap(seen, e.ID) {
			return
		}
	}
}

// watch counts the requests that may leave work behind (a delivery, an
// API call that posts) while h answers them, for WaitJobs.
func (i *Instance) watch(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			h.ServeHTTP(w, r)
			return
		}
		i.writing.Add(1)
		i.writes.Add(1)
		defer i.writing.Add(-1)
		h.ServeHTTP(w, r)
	})
}
