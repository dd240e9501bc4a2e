package activitypub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync"
	"time"

	"herd/internal/core"
	"herd/internal/jobs"
	"herd/internal/model"
)

// DeliveryAttempts is how many times one inbox job is tried. The jobs
// package waits jobs.Backoff(n) ≈ n⁴ + 15 s (plus jitter) after the n-th
// failure, Sidekiq's schedule that Mastodon's DeliveryWorker (16 retries)
// follows: the 16 waits after attempts 1…16 sum to Σn⁴ = 243,848 s plus
// 16 × 15 s plus ≈ 700 s of jitter, about 2.8 days before the job is
// given up.
const DeliveryAttempts = 17

// hostBusyRetry is how long a job waits when its host already has
// PerHostDeliveries POSTs in flight; it is not counted as an attempt.
const hostBusyRetry = 2 * time.Second

// InboxJobs works a batch of core.QueueDeliverInbox jobs, all at once
// (each host up to PerHostDeliveries), so one slow server holds up none
// of the others. The failures returned are retried with back-off; a
// permanent refusal (a 4xx other than 401, 408 and 429), an unavailable
// host or a signing account that is gone drops the job.
func (dl *Deliverer) InboxJobs(ctx context.Context, batch []jobs.Job) map[int64]error {
	errs := make([]error, len(batch))
	var wg sync.WaitGroup
	for i, j := range batch {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = dl.deliverInbox(ctx, j)
		}()
	}
	wg.Wait()
	failed := map[int64]error{}
	for i, err := range errs {
		if err != nil {
			failed[batch[i].ID] = err
		}
	}
	return failed
}

// deliverInbox sends one inbox job and returns nil when it is done with
// (delivered or dropped).
func (dl *Deliverer) deliverInbox(ctx context.Context, j jobs.Job) error {
	var p inboxJob
	if err := json.Unmarshal([]byte(j.Payload), &p); err != nil {
		dl.log.Error("delivery: bad job", "job", j.ID, "err", err)
		return nil
	}
	u, err := url.Parse(p.Inbox)
	if err != nil || u.Host == "" {
		dl.log.Error("delivery: bad inbox", "job", j.ID, "inbox", p.Inbox)
		return nil
	}
	host := core.DeliveryHost(u)
	if !dl.core.DeliveryAllowed(ctx, host) {
		// Suspended since the job was queued (or, in limited-federation
		// mode, not allowed): nothing goes out, as Mastodon's
		// DeliveryWorker drops deliveries to blocked domains.
		dl.log.Info("delivery: domain blocked, dropped", "inbox", p.Inbox)
		return nil
	}
	if ok, err := dl.core.DomainAvailable(ctx, host); err != nil || !ok {
		if err == nil {
			dl.log.Debug("delivery: host unavailable, dropped", "inbox", p.Inbox)
		}
		return err
	}
	release, ok := dl.hosts.acquire(host)
	if !ok {
		return jobs.Defer(hostBusyRetry)
	}
	defer release()
	status, err := dl.post(ctx, p)
	switch {
	case errors.Is(err, errNothingToSend) || errors.Is(err, model.ErrNotFound):
		dl.log.Info("delivery dropped", "inbox", p.Inbox, "reason", err)
		return nil
	case err != nil && ctx.Err() != nil:
		// Shutting down: neither the host's fault nor an attempt; the
		// job runs again at once on the next start (or another node).
		return jobs.Defer(0)
	case err == nil && status/100 == 2:
		return dl.answered(ctx, host)
	case err == nil && permanentStatus(status):
		// The server answered: it is up, it just will not take this.
		dl.log.Warn("delivery refused", "inbox", p.Inbox, "status", status)
		return dl.answered(ctx, host)
	}
	if err == nil {
		err = fmt.Errorf("activitypub: POST %s: status %d", p.Inbox, status)
	}
	if ferr := dl.core.DeliveryFailed(ctx, host, time.Now()); ferr != nil {
		dl.log.Warn("delivery: record failure", "host", host, "err", ferr)
	}
	return err
}

// answered records that host took a delivery; a failure to record it is
// logged, not retried (the activity was delivered).
func (dl *Deliverer) answered(ctx context.Context, host string) error {
	if err := dl.core.DomainAnswered(ctx, host); err != nil {
		dl.log.Warn("delivery: record success", "host", host, "err", err)
	}
	return nil
}

// permanentStatus tells the answers a retry cannot change: any 4xx except
// 401 (the key may not be fetched yet), 408 and 429, as Mastodon's
// DeliveryWorker judges them (response_error_unsalvageable?).
func permanentStatus(status int) bool {
	return status >= 400 && status < 500 && status != 401 && status != 408 && status != 429
}

// post signs and POSTs the job's activity and returns the status. A POST
// that fails on a kept-alive connection is sent once more at once on a new
// one: the server may have closed the idle connection just as it was
// reused, which net/http retries by itself only for GETs.
func (dl *Deliverer) post(ctx context.Context, p inboxJob) (int, error) {
	status, reused, err := dl.postOnce(ctx, p)
	if err != nil && reused && ctx.Err() == nil && !errors.Is(err, errNothingToSend) {
		status, _, err = dl.postOnce(ctx, p)
	}
	return status, err
}

// postOnce makes one signed POST and reports whether it went over a reused
// connection.
func (dl *Deliverer) postOnce(ctx context.Context, p inboxJob) (status int, reused bool, err error) {
	signer, err := dl.signer(ctx, p.ActorID)
	if err != nil {
		return 0, false, err
	}
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) { reused = info.Reused },
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.Inbox, bytes.NewReader(p.Activity))
	if err != nil {
		return 0, false, fmt.Errorf("%w: %v", errNothingToSend, err)
	}
	req.Header.Set("Content-Type", "application/activity+json") // what Mastodon sends
	// draft-cavage rsa-sha256 over (request-target) host date digest
	// content-type, as Mastodon signs its POSTs.
	if err := signer.Sign(req, p.Activity); err != nil {
		return 0, false, fmt.Errorf("%w: sign: %v", errNothingToSend, err)
	}
	resp, err := dl.client.Load().Do(req)
	if err != nil {
		return 0, reused, err
	}
	// Read a little of the answer so the connection can be reused.
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode, reused, nil
}

// hostSlots counts the POSTs in flight per host.
type hostSlots struct {
	mu    sync.Mutex
	max   int
	count map[string]int
}

func newHostSlots(max int) *hostSlots { return &hostSlots{max: max, count: map[string]int{}} }

// acquire takes a slot for host, or reports false when all are taken;
// release gives it back.
func (s *hostSlots) acquire(host string) (release func(), ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.count[host] >= s.max {
		return nil, false
	}
	s.count[host]++
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.count[host]--; s.count[host] <= 0 {
			delete(s.count, host)
		}
	}, true
}
