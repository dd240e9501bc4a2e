package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// request is one call a load worker makes.
type request struct {
	method, path, token string
	body                []byte // JSON, nil for none
}

// workload produces the next request for a worker; seq counts that
// worker's requests so far.
type workload func(worker, seq int) request

// result summarizes one measured workload.
type result struct {
	Name     string
	OK       int64
	Failed   int64
	Elapsed  time.Duration
	P50, P99 time.Duration
	Mean     time.Duration
	Statuses map[int]int64 // HTTP status → count
	Sample   string        // the first failure's status and body, for the report
}

// RPS is successful requests per second.
func (r result) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.OK) / r.Elapsed.Seconds()
}

// newClient is the HTTP client every measurement uses: keep-alive with one
// idle connection per worker, so no request pays for a TCP handshake.
func newClient(workers int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns: workers * 2, MaxIdleConnsPerHost: workers * 2,
			IdleConnTimeout: time.Minute, DisableCompression: true,
		},
	}
}

// do performs one request and returns its status and body.
func do(ctx context.Context, c *http.Client, base string, rq request) (int, []byte, http.Header, error) {
	var body io.Reader
	if rq.body != nil {
		body = bytes.NewReader(rq.body)
	}
	req, err := http.NewRequestWithContext(ctx, rq.method, base+rq.path, body)
	if err != nil {
		return 0, nil, nil, err
	}
	if rq.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if rq.token != "" {
		req.Header.Set("Authorization", "Bearer "+rq.token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header, err
}

// drive runs w with the given number of concurrent workers for d (after a
// warm-up that is not counted) and reports throughput and latency. done,
// if not nil, counts successful requests as they finish (the posting
// monitor samples it).
func drive(ctx context.Context, c *http.Client, base, name string, workers int, warmup, d time.Duration,
	w workload, done *atomic.Int64) result {
	if warmup > 0 {
		runWorkers(ctx, c, base, workers, time.Now().Add(warmup), 0, w, nil)
	}
	start := time.Now()
	lat, statuses, sample := runWorkers(ctx, c, base, workers, start.Add(d), 0, w, done)
	return summarize(name, time.Since(start), lat, statuses, sample)
}

// driveCount is drive for a fixed number of requests (at most until limit).
func driveCount(ctx context.Context, c *http.Client, base, name string, workers int, count int64,
	limit time.Duration, w workload, done *atomic.Int64) result {
	start := time.Now()
	lat, statuses, sample := runWorkers(ctx, c, base, workers, start.Add(limit), count, w, done)
	return summarize(name, time.Since(start), lat, statuses, sample)
}

// runWorkers runs workers until the deadline or, when count > 0, until
// count requests have been started.
func runWorkers(ctx context.Context, c *http.Client, base string, workers int, deadline time.Time, count int64,
	w workload, done *atomic.Int64) ([]time.Duration, map[int]int64, string) {
	var mu sync.Mutex
	var all []time.Duration
	statuses := map[int]int64{}
	sample := ""
	var started atomic.Int64
	var wg sync.WaitGroup
	for k := 0; k < workers; k++ {
		wg.Add(1)
		go func(worker int) {
			defer wg.Done()
			lat := make([]time.Duration, 0, 4096)
			local := map[int]int64{}
			firstFail := ""
			for seq := 0; time.Now().Before(deadline) && ctx.Err() == nil; seq++ {
				if count > 0 && started.Add(1) > count {
					break
				}
				rq := w(worker, seq)
				t0 := time.Now()
				code, body, _, err := do(ctx, c, base, rq)
				el := time.Since(t0)
				if err != nil {
					code = -1
					body = []byte(err.Error())
				}
				local[code]++
				if code >= 200 && code < 300 {
					lat = append(lat, el)
					if done != nil {
						done.Add(1)
					}
				} else if firstFail == "" {
					firstFail = fmt.Sprintf("%s %s → %d %.200s", rq.method, rq.path, code, body)
				}
			}
			mu.Lock()
			all = append(all, lat...)
			for k, v := range local {
				statuses[k] += v
			}
			if sample == "" {
				sample = firstFail
			}
			mu.Unlock()
		}(k)
	}
	wg.Wait()
	return all, statuses, sample
}

func summarize(name string, elapsed time.Duration, lat []time.Duration, statuses map[int]int64, sample string) result {
	r := result{Name: name, Elapsed: elapsed, Statuses: statuses, Sample: sample, OK: int64(len(lat))}
	for code, n := range statuses {
		if code < 200 || code >= 300 {
			r.Failed += n
		}
	}
	if len(lat) == 0 {
		return r
	}
	slices.Sort(lat)
	var sum time.Duration
	for _, l := range lat {
		sum += l
	}
	r.Mean = sum / time.Duration(len(lat))
	r.P50 = lat[len(lat)/2]
	r.P99 = lat[min(len(lat)-1, len(lat)*99/100)]
	return r
}
