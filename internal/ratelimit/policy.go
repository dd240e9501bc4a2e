package ratelimit

import (
	"net/http"
	"net/netip"
	"strconv"
)

// Policy applies Mastodon's API throttles: requests made with a user's
// token count against that account (PerAccount), the others (anonymous or
// app-only tokens) against the client address (PerIP). A limit of 0
// disables that throttle. As Mastodon's rack-attack safelist does,
// requests from loopback are never limited.
type Policy struct {
	Limiter    *Limiter
	PerAccount int
	PerIP      int
	Trusted    []netip.Prefix
}

// Allow counts the request and sets X-RateLimit-Limit, -Remaining and
// -Reset (ISO 8601, as Mastodon writes them); false means answer 429.
// accountID is 0 for requests without a user token.
func (p *Policy) Allow(w http.ResponseWriter, r *http.Request, accountID int64) bool {
	ip := ClientIP(r, p.Trusted)
	if ip.IsLoopback() {
		return true
	}
	key, limit := "", 0
	switch {
	case accountID != 0:
		key, limit = "account:"+strconv.FormatInt(accountID, 10), p.PerAccount
	case ip.IsValid():
		key, limit = ipKey(ip), p.PerIP
	}
	if key == "" || limit <= 0 {
		return true
	}
	return p.take(w, key, limit)
}

func (p *Policy) take(w http.ResponseWriter, key string, limit int) bool {
	res := p.Limiter.Take(key, limit)
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(res.Limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(res.Remaining))
	// Mastodon: (now + (period - now % period)).iso8601(6).
	h.Set("X-RateLimit-Reset", res.Reset.Format("2006-01-02T15:04:05.000000Z"))
	return res.Allowed
}

// AllowIP counts the request against its client address alone, under
// bucket (so separate throttles do not share counts), with the same
// headers and loopback exemption as Allow.
func (p *Policy) AllowIP(w http.ResponseWriter, r *http.Request, bucket string, limit int) bool {
	ip := ClientIP(r, p.Trusted)
	if ip.IsLoopback() || !ip.IsValid() || limit <= 0 {
		return true
	}
	return p.take(w, bucket+":"+ipKey(ip), limit)
}

// AllowKey counts the request against key alone, wherever it comes from (a
// throttle on an account name must hold against a client that rotates
// addresses), with the same headers and loopback exemption as Allow.
func (p *Policy) AllowKey(w http.ResponseWriter, r *http.Request, key string, limit int) bool {
	if limit <= 0 || ClientIP(r, p.Trusted).IsLoopback() {
		return true
	}
	return p.take(w, key, limit)
}
