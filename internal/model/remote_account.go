package model

import "time"

// RemoteAccount is a remote account with the bookkeeping federation keeps
// about it (migration 0003).
type RemoteAccount struct {
	*Account
	// FetchedAt is when the actor document was last fetched; nil when
	// never (an account known only from a WebFinger answer, or older rows).
	FetchedAt *time.Time
	// GoneAt is when its origin answered 410 Gone.
	GoneAt *time.Time
}
