package httpsig

import (
	"fmt"
	"time"
)

// Policy holds the limits Verify applies. The rules about what must be
// signed (method and path, host, a date, the body's digest) are not
// options: doc.go explains each. A zero field takes its default from
// DefaultPolicy, so Policy{} is Mastodon's policy.
type Policy struct {
	// Validity is how long a signature stays good after it was made, when
	// it names no expiry. Mastodon: 5 minutes.
	Validity time.Duration
	// MaxValidity caps an explicit expires: a signature is never good for
	// longer than this after it was made. Mastodon: 12 hours.
	MaxValidity time.Duration
	// ClockSkew is how far the sender's clock may be off from ours, either
	// way. Mastodon: 1 hour.
	ClockSkew time.Duration
	// MaxHeaderBytes bounds each of Signature, Signature-Input, Digest and
	// Content-Digest (all lines of a header together). Default 8 KiB: a
	// 4096-bit RSA signature is 684 bytes of base64, a key id a URL.
	MaxHeaderBytes int
	// MaxSignedHeaders bounds how many headers or components one signature
	// may cover. Default 32.
	MaxSignedHeaders int
	// MinRSABits is the smallest RSA modulus accepted. Default 2048, the
	// size Mastodon generates; smaller keys are factorable at some cost.
	MinRSABits int
	// MaxRSABits is the largest RSA modulus accepted, so a remote cannot
	// make each verification expensive. Default 8192.
	MaxRSABits int
}

// DefaultPolicy returns Mastodon's limits.
func DefaultPolicy() Policy {
	return Policy{
		Validity:         5 * time.Minute,
		MaxValidity:      12 * time.Hour,
		ClockSkew:        time.Hour,
		MaxHeaderBytes:   8 << 10,
		MaxSignedHeaders: 32,
		MinRSABits:       2048,
		MaxRSABits:       8192,
	}
}

func (p Policy) withDefaults() Policy {
	d := DefaultPolicy()
	if p.Validity <= 0 {
		p.Validity = d.Validity
	}
	if p.MaxValidity <= 0 {
		p.MaxValidity = d.MaxValidity
	}
	if p.ClockSkew <= 0 {
		p.ClockSkew = d.ClockSkew
	}
	if p.MaxHeaderBytes <= 0 {
		p.MaxHeaderBytes = d.MaxHeaderBytes
	}
	if p.MaxSignedHeaders <= 0 {
		p.MaxSignedHeaders = d.MaxSignedHeaders
	}
	if p.MinRSABits <= 0 {
		p.MinRSABits = d.MinRSABits
	}
	if p.MaxRSABits <= 0 {
		p.MaxRSABits = d.MaxRSABits
	}
	return p
}

// checkFreshness judges a signature made at created, with an optional
// explicit expiry (zero when none was signed), as Mastodon does: it is good
// from created until expires (or created+Validity), never past
// created+MaxValidity, with ClockSkew of slack on both ends.
func (p Policy) checkFreshness(now, created, expires time.Time) error {
	if created.After(now.Add(p.ClockSkew)) {
		return fmt.Errorf("%w: made %s, now %s", ErrFromFuture, created.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	end := created.Add(p.Validity)
	if !expires.IsZero() {
		end = expires
	}
	if limit := created.Add(p.MaxValidity); end.After(limit) {
		end = limit
	}
	if now.After(end.Add(p.ClockSkew)) {
		return fmt.Errorf("%w: made %s, good until %s, now %s", ErrExpired,
			created.UTC().Format(time.RFC3339), end.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	return nil
}
