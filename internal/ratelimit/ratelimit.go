// Package ratelimit counts requests per key in fixed five-minute windows and
// answers with Mastodon's X-RateLimit-* headers. It keeps its counts in
// memory per node: a limit is per node, which is what a node's own safety
// needs; a cluster behind a load balancer divides the load anyway.
package ratelimit

import (
	"sync"
	"time"
)

// Period is Mastodon's throttle window for API requests (rack-attack's
// "throttle_authenticated_api" and "throttle_unauthenticated_api").
const Period = 5 * time.Minute

// DefaultMaxKeys bounds how many keys one window tracks.
const DefaultMaxKeys = 500000

// Limiter counts requests per key in windows aligned to the period, as
// rack-attack does (a window ends at a multiple of the period since the
// epoch, so every key's window resets at the same instant). Only the current
// window is kept: when it ends the whole table is dropped, so memory is
// bounded by the keys seen in one window, and by MaxKeys.
type Limiter struct {
	period  time.Duration
	maxKeys int
	now     func() time.Time

	mu     sync.Mutex
	window int64 // index of the current window since the epoch
	counts map[string]int
}

// New returns a limiter with windows of period (Period when zero).
func New(period time.Duration) *Limiter {
	if period <= 0 {
		period = Period
	}
	return &Limiter{period: period, maxKeys: DefaultMaxKeys, now: time.Now, counts: map[string]int{}}
}

// Result is the outcome of one Take, with what the X-RateLimit-* headers say.
type Result struct {
	Allowed   bool
	Limit     int
	Remaining int
	Reset     time.Time // end of the current window
}

// Take counts one request for key against limit and reports whether it is
// allowed. A key first seen while the table is full is allowed without
// being counted: failing open keeps the instance answering when flooded
// from very many addresses, and the table stays bounded.
func (l *Limiter) Take(key string, limit int) Result {
	now := l.now()
	window := now.UnixNano() / int64(l.period)
	reset := time.Unix(0, (window+1)*int64(l.period)).UTC()

	l.mu.Lock()
	defer l.mu.Unlock()
	if window != l.window {
		l.window = window
		l.counts = map[string]int{}
	}
	n, ok := l.counts[key]
	if !ok && len(l.counts) >= l.maxKeys {
		return Result{Allowed: true, Limit: limit, Remaining: limit, Reset: reset}
	}
	n++
	l.counts[key] = n
	remaining := limit - n
	if remaining < 0 {
		remaining = 0
	}
	return Result{Allowed: n <= limit, Limit: limit, Remaining: remaining, Reset: reset}
}

// Keys reports how many keys the current window tracks.
func (l *Limiter) Keys() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.counts)
}
