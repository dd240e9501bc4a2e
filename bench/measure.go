package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"herd/internal/db"
)

// measurer runs the workloads against one running herd.
type measurer struct {
	cfg   runConfig
	out   io.Writer
	herd  *herdProc
	t     *targets
	rep   *report
	db    *db.DB
	pprof string // herd's pprof address, "" when not profiling
}

// reads measures the read endpoints and the ceiling next to the home timeline.
func (m *measurer) reads(ctx context.Context) error {
	c := newClient(m.cfg.Workers)
	code, body, header, err := do(ctx, c, m.herd.URL, m.t.home(0, 0))
	if err != nil {
		return err
	}
	if code != http.StatusOK {
		fmt.Fprintf(m.out, "home timeline answered %d (%.200s): no ceiling comparison possible\n", code, body)
	} else {
		m.rep.HomeBytes = len(body)
	}
	m.measure(ctx, c, m.herd.URL, "verify_credentials", m.t.verifyCredentials, "")
	m.measure(ctx, c, m.herd.URL, "home timeline", m.t.home, "home")
	if code == http.StatusOK {
		base, stop, err := startCeiling(ctx, m.cfg.Out, header, body)
		if err != nil {
			return err
		}
		cc := newClient(m.cfg.Workers)
		r := drive(ctx, cc, base, "ceiling (same bytes)", m.cfg.Workers, m.cfg.Warmup, m.cfg.Duration, m.t.home, nil)
		stop()
		m.rep.Ceiling = &r
		m.printResult(r)
	}
	m.measure(ctx, c, m.herd.URL, "public timeline", m.t.public, "")
	m.measure(ctx, c, m.herd.URL, "thread (context)", m.t.context, "context")
	return nil
}

// measure runs one workload, profiling herd meanwhile when asked.
func (m *measurer) measure(ctx context.Context, c *http.Client, base, name string, w workload, profile string) result {
	stopProfile := m.startProfile(ctx, profile, m.cfg.Warmup+m.cfg.Duration)
	r := drive(ctx, c, base, name, m.cfg.Workers, m.cfg.Warmup, m.cfg.Duration, w, nil)
	stopProfile()
	m.rep.Results = append(m.rep.Results, r)
	m.printResult(r)
	return r
}

func (m *measurer) printResult(r result) {
	fmt.Fprintf(m.out, "%-22s %9.0f req/s  p50 %-9s p99 %-9s ok %d failed %d\n", r.Name, r.RPS(),
		r.P50.Round(10*time.Microsecond), r.P99.Round(10*time.Microsecond), r.OK, r.Failed)
	if r.Sample != "" {
		fmt.Fprintf(m.out, "    first failure: %s\n", r.Sample)
	}
}

// startProfile fetches a CPU profile from herd's pprof listener for about
// d, in the background; the returned func waits for it to be saved.
func (m *measurer) startProfile(ctx context.Context, name string, d time.Duration) func() {
	if m.pprof == "" || name == "" {
		return func() {}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		url := fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", m.pprof, int(d.Seconds()))
		code, body, _, err := do(ctx, &http.Client{Timeout: d + time.Minute}, url, request{method: "GET"})
		if err != nil || code != http.StatusOK {
			fmt.Fprintf(m.out, "profile %s: %v %d\n", name, err, code)
			return
		}
		path := m.cfg.profilePath(name)
		if err := os.WriteFile(path, body, 0o644); err == nil {
			fmt.Fprintf(m.out, "    CPU profile: go tool pprof -top %s\n", path)
		}
	}()
	return wg.Wait
}

// saveHeapProfile saves what herd's heap holds after the load (when
// profiling), to see which caches the RSS after the load is made of.
func (m *measurer) saveHeapProfile(ctx context.Context) {
	if m.pprof == "" {
		return
	}
	url := fmt.Sprintf("http://%s/debug/pprof/heap?gc=1", m.pprof)
	code, body, _, err := do(ctx, &http.Client{Timeout: time.Minute}, url, request{method: "GET"})
	if err != nil || code != http.StatusOK {
		fmt.Fprintf(m.out, "heap profile: %v %d\n", err, code)
		return
	}
	path := m.cfg.profilePath("heap")
	if err := os.WriteFile(path, body, 0o644); err == nil {
		fmt.Fprintf(m.out, "    heap after the load: go tool pprof -sample_index=inuse_space -top %s\n", path)
	}
}

// sample is one look at the posting phase.
type sample struct {
	At      time.Duration
	Posted  int64
	Backlog int64 // rows in jobs; -1 when unreadable
}

// posting posts cfg.Posts statuses as fast as the server takes them while
// sampling the jobs backlog, then waits for the backlog to drain.
func (m *measurer) posting(ctx context.Context) error {
	var posted atomic.Int64
	samples := []sample{{Backlog: m.backlog(ctx)}}
	start := time.Now()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				s := sample{At: time.Since(start), Posted: posted.Load(), Backlog: m.backlog(ctx)}
				samples = append(samples, s)
				if s.At/time.Second%10 == 0 {
					fmt.Fprintf(m.out, "    posting: %6.0fs %8d posted  backlog %d\n", s.At.Seconds(), s.Posted, s.Backlog)
				}
			}
		}
	}()
	stopProfile := m.startProfile(ctx, "posting", 20*time.Second)
	c := newClient(m.cfg.PostWorkers)
	r := driveCount(ctx, c, m.herd.URL, "post status", m.cfg.PostWorkers, m.cfg.Posts, m.cfg.PostLimit, m.t.post, &posted)
	close(stop)
	wg.Wait()
	stopProfile()
	m.rep.Post = &r
	m.rep.Samples = samples
	m.printResult(r)
	drainStart := time.Now()
	for {
		b := m.backlog(ctx)
		m.rep.BacklogEnd = b
		if b <= 0 || time.Since(drainStart) > m.cfg.Drain {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	m.rep.Drain = time.Since(drainStart)
	m.rep.StatusesAfter = m.t.Statuses + r.OK
	if m.cfg.Duration > 0 {
		m.measure(ctx, newClient(m.cfg.Workers), m.herd.URL, "home (after posting)", m.t.home, "")
	}
	return nil
}

// backlog counts queued jobs; -1 when the jobs table cannot be read.
func (m *measurer) backlog(ctx context.Context) int64 {
	var n int64
	if err := m.db.Read.QueryRowContext(ctx, "SELECT COUNT(*) FROM jobs").Scan(&n); err != nil {
		return -1
	}
	return n
}
