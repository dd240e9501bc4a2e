// Package ids makes Herd's 64-bit identifiers: time-ordered like Mastodon's
// snowflakes, so sorting by id sorts by creation time, and rendered as strings.
package ids

import (
	"crypto/rand"
	"encoding/binary"
	"strconv"
	"sync"
	"time"
)

// The low 16 bits hold a sequence that starts at a random value per process,
// so two nodes minting ids in the same millisecond rarely collide; callers
// retry on a unique violation for the rare case that they do.
const seqBits = 16

var (
	mu   sync.Mutex
	last int64
)

// New returns a fresh id for the current time, strictly greater than any
// id this process returned before.
func New() int64 {
	return next(time.Now())
}

// FromTime returns an id for t (used for remote statuses, whose id follows
// their published time as Mastodon does). Ids for past times are not
// guaranteed monotonic, only unique with high probability.
func FromTime(t time.Time) int64 {
	if t.After(time.Now()) {
		return New()
	}
	return t.UnixMilli()<<seqBits | randomLow()
}

func next(t time.Time) int64 {
	id := t.UnixMilli()<<seqBits | randomLow()
	mu.Lock()
	defer mu.Unlock()
	if id <= last {
		id = last + 1
	}
	last = id
	return id
}

func randomLow() int64 {
	var b [2]byte
	_, _ = rand.Read(b[:])
	return int64(binary.BigEndian.Uint16(b[:]))
}

// Floor returns the smallest id that could have been minted at t, for
// turning a time into an id range bound.
func Floor(t time.Time) int64 { return t.UnixMilli() << seqBits }

// Time returns the moment an id was minted.
func Time(id int64) time.Time { return time.UnixMilli(id >> seqBits).UTC() }

// Format renders an id as Mastodon does: a decimal string.
func Format(id int64) string { return strconv.FormatInt(id, 10) }

// Parse reads an id from its string form; ok is false for anything that is
// not a positive decimal integer.
func Parse(s string) (id int64, ok bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, false
	}
	return id, true
}
