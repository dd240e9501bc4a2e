// Package store holds all of Herd's SQL, one file per aggregate. Every
// method takes a context; "not found" is model.ErrNotFound. Reads outside a
// transaction use the read pool; writes happen inside InTx.
package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"sync"
	"time"

	"herd/internal/db"
	"herd/internal/model"
)

// ErrDuplicate is returned when an insert hits a unique constraint.
var ErrDuplicate = errors.New("duplicate")

// Store runs Herd's queries against a database, or inside one of its
// transactions (see InTx).
type Store struct {
	DB *db.DB
	q  db.Querier
	tx bool

	hooks   *hooks     // shared by a root Store and its transactions
	changes *txChanges // inside InTx: what this transaction changed, for hooks
}

// hooks are callbacks a Store runs after a transaction commits.
type hooks struct {
	viewersChanged func(accountIDs []int64)
	countsChanged  func(accountIDs, statusIDs []int64)
	eventsAppended func()
}

// txChanges collects, during a transaction, what the hooks are told after
// it commits.
type txChanges struct {
	viewers, accounts, statuses []int64
	events                      bool // the transaction appended to the events log
}

// New returns a Store reading from database's read pool.
func New(database *db.DB) *Store {
	return &Store{DB: database, q: database.Read, hooks: &hooks{}}
}

// OnEventsAppended registers fn to run after each commit that appended to
// the events log, so this node reads it at once rather than at its next
// poll (DESIGN.md: "an in-process signal wakes readers"); other nodes
// poll. fn must not block. Call before serving.
func (s *Store) OnEventsAppended(fn func()) { s.hooks.eventsAppended = fn }

// OnViewersChanged registers fn to run after each commit that changed what
// an account has done (follows, blocks, mutes, favourites, boosts,
// bookmarks, pins, muted conversations), with those accounts, so the
// node's caches of them can be dropped at once; other nodes learn it from
// the events log (EventViewerChanged). Call before serving.
func (s *Store) OnViewersChanged(fn func(accountIDs []int64)) { s.hooks.viewersChanged = fn }

// OnCountsChanged registers fn to run after each commit that changed the
// counters or suspension of accounts, or the counters or existence of
// statuses, so the node's caches of them can be dropped at once; other
// nodes learn it from the events log (EventStatusCounts,
// EventAccountCounts, and the status events naming the author). Call
// before serving.
func (s *Store) OnCountsChanged(fn func(accountIDs, statusIDs []int64)) { s.hooks.countsChanged = fn }

// countsChanged records that accounts' or statuses' counters changed.
func (s *Store) countsChanged(accountIDs, statusIDs []int64) {
	if s.changes != nil {
		s.changes.accounts = append(s.changes.accounts, accountIDs...)
		s.changes.statuses = append(s.changes.statuses, statusIDs...)
	} else if s.hooks != nil && s.hooks.countsChanged != nil {
		s.hooks.countsChanged(accountIDs, statusIDs)
	}
}

// accountCountsChanged is countsChanged for accounts, after a write that
// succeeded (err == nil), with an event for other nodes unless the write
// is a post's or a deletion's (whose status event names the author); it
// passes err on.
func (s *Store) accountCountsChanged(ctx context.Context, err error, withEvent bool, accountIDs ...int64) error {
	if err != nil {
		return err
	}
	if withEvent {
		for _, id := range accountIDs {
			if err := s.AppendEvent(ctx, EventAccountCounts, id, id, ""); err != nil {
				return err
			}
		}
	}
	s.countsChanged(accountIDs, nil)
	return nil
}

// statusCountsChanged is countsChanged for statuses, after a write that
// succeeded (err == nil), with an event for other nodes unless the status
// was deleted (EventStatusDeleted says so); it passes err on.
func (s *Store) statusCountsChanged(ctx context.Context, err error, withEvent bool, statusIDs ...int64) error {
	if err != nil {
		return err
	}
	if withEvent {
		for _, id := range statusIDs {
			if err := s.AppendEvent(ctx, EventStatusCounts, id, 0, ""); err != nil {
				return err
			}
		}
	}
	s.countsChanged(nil, statusIDs)
	return nil
}

// viewerChanged records, in the transaction, that accountIDs' own
// relations or flags changed: an event for other nodes, and the ids for
// the hook run after commit.
func (s *Store) viewerChanged(ctx context.Context, accountIDs ...int64) error {
	for _, id := range accountIDs {
		if err := s.AppendEvent(ctx, EventViewerChanged, id, id, ""); err != nil {
			return err
		}
	}
	if s.changes != nil {
		s.changes.viewers = append(s.changes.viewers, accountIDs...)
	} else if s.hooks != nil && s.hooks.viewersChanged != nil {
		s.hooks.viewersChanged(accountIDs)
	}
	return nil
}

// ViewerChanged is viewerChanged for a use case that changes a viewer's
// state by a write the store cannot attribute (deleting a boost).
func (s *Store) ViewerChanged(ctx context.Context, accountIDs ...int64) error {
	return s.viewerChanged(ctx, accountIDs...)
}

// InTx runs fn with a Store bound to one write transaction, committing when
// fn returns nil and rolling everything back otherwise, so a failed use
// case leaves nothing half-written. Nested calls reuse the transaction.
// On SQLite, fn shares its commit with other use cases queued meanwhile
// (db.InTx): keep slow work (hashing, rendering, network) outside fn, since
// the writer waits for it.
func (s *Store) InTx(ctx context.Context, fn func(tx *Store) error) error {
	if s.tx {
		return fn(s)
	}
	var changes txChanges
	err := s.DB.InTx(ctx, func(q db.Querier) error {
		changes = txChanges{} // a retried fn starts again
		return fn(&Store{DB: s.DB, q: q, tx: true, hooks: s.hooks, changes: &changes})
	})
	if err != nil || s.hooks == nil {
		return err
	}
	if len(changes.viewers) > 0 && s.hooks.viewersChanged != nil {
		s.hooks.viewersChanged(changes.viewers)
	}
	if len(changes.accounts)+len(changes.statuses) > 0 && s.hooks.countsChanged != nil {
		s.hooks.countsChanged(changes.accounts, changes.statuses)
	}
	if changes.events && s.hooks.eventsAppended != nil {
		s.hooks.eventsAppended()
	}
	return nil
}

// ConcurrentWriters says whether transactions may commit side by side
// (PostgreSQL), and so in another order than the ids they drew.
func (s *Store) ConcurrentWriters() bool { return s.DB.Dialect == db.Postgres }

// Dialect is the database engine under the store.
func (s *Store) Dialect() db.Dialect { return s.DB.Dialect }

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func nullMS(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMilli()
}

func fromNullMS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := time.UnixMilli(v.Int64).UTC()
	return &t
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// notFound maps sql.ErrNoRows to model.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return model.ErrNotFound
	}
	return err
}

// dup maps a unique violation to ErrDuplicate.
func dup(err error) error {
	if err != nil && db.IsUniqueViolation(err) {
		return ErrDuplicate
	}
	return err
}

// IsUnstorableText reports whether err is the database refusing a text
// value it cannot store (PostgreSQL: a NUL character or invalid UTF-8,
// db.IsUnstorableText). The doors remove both from what they read
// (text.Storable), so this is a value that slipped past them, and the
// same write will fail again however often it is retried.
func IsUnstorableText(err error) bool { return db.IsUnstorableText(err) }

// affected returns the rows an Exec changed.
func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// scanIDs collects a one-column id result.
// DeferDurability marks ctx for a job's own transactions: see
// db.DeferDurability (the job row's deletion, an ordinary commit that
// follows, makes them durable).
func DeferDurability(ctx context.Context) context.Context { return db.DeferDurability(ctx) }

// queryEach runs query and calls scan on each row, reading them all
// before it returns; on SQLite's writer the text stays compiled, which
// matters for the queries a post runs in its transaction.
func (s *Store) queryEach(ctx context.Context, scan func(*sql.Rows) error, query string, args ...any) error {
	if e, ok := s.q.(db.EachQuerier); ok {
		return e.QueryEach(ctx, scan, query, args...)
	}
	return db.EachRow(s.q.QueryContext(ctx, query, args...))(scan)
}

// queryIDs is queryEach for a query of one id column.
func (s *Store) queryIDs(ctx context.Context, query string, args ...any) ([]int64, error) {
	var out []int64
	err := s.queryEach(ctx, func(rows *sql.Rows) error {
		var id int64
		err := rows.Scan(&id)
		out = append(out, id)
		return err
	}, query, args...)
	return out, err
}

func scanIDs(rows *sql.Rows, err error) ([]int64, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func itoa(n int) string { return strconv.Itoa(n) }

// queryFixed runs a query whose text never changes (ids passed through
// db.IDs, never In) through the read pool's prepared-statement cache;
// inside a transaction it runs the text on the transaction.
//
// On SQLite the statement runs without ctx's cancellation: these are
// page-sized batch reads that finish in microseconds, and the driver
// watches a cancellable context with a goroutine and a progress handler
// per statement, which cost several times the read itself under load.
func (s *Store) queryFixed(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s.Dialect() == db.SQLite {
		ctx = context.WithoutCancel(ctx)
	}
	if !s.tx {
		stmt, err := s.DB.ReadStmt(ctx, query)
		if err != nil {
			return nil, err
		}
		if stmt != nil {
			return stmt.QueryContext(ctx, args...)
		}
	}
	return s.q.QueryContext(ctx, query, args...)
}

// changedIfOK records viewers' state as changed after a write that
// succeeded (err == nil), and passes err on.
func (s *Store) changedIfOK(ctx context.Context, err error, accountIDs ...int64) error {
	if err != nil {
		return err
	}
	return s.viewerChanged(ctx, accountIDs...)
}

// dialectQuery builds a query text once per dialect from a template given
// the dialect's id-list condition (db.Dialect.InIDs).
func dialectQuery(build func(in func(col, param string) string) string) func(*Store) string {
	var once [2]sync.Once
	var text [2]string
	return func(s *Store) string {
		d := s.Dialect()
		once[d].Do(func() { text[d] = build(d.InIDs) })
		return text[d]
	}
}

func sortIDs(ids []int64) { slices.Sort(ids) }
