package core

import (
	"context"

	"herd/internal/store"
)

// DeferDurability marks ctx for the work of one job whose own row's
// deletion is an ordinary commit that follows: the job's transactions
// need not wait for their own fsync (see db.DeferDurability), which is
// what lets the inbox's workers keep up.
func DeferDurability(ctx context.Context) context.Context { return store.DeferDurability(ctx) }

// IsUnstorableText reports whether err is the database refusing a text
// value it can never store (PostgreSQL: NUL or invalid UTF-8 that slipped
// past the doors' cleaning): the same write fails however often it is
// retried, so the job that made it is dropped, not retried.
func IsUnstorableText(err error) bool { return store.IsUnstorableText(err) }
