// Package store holds all of Herd's SQL, one file per aggregate. Every
// method takes a context; "not found" is ErrNotFound. Reads outside a
// transaction use the read pool; writes happen inside InTx.
package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"herd/internal/db"
)

// ErrNotFound is returned when the row asked for does not exist.
var ErrNotFound = errors.New("not found")

// ErrDuplicate is returned when an insert hits a unique constraint.
var ErrDuplicate = errors.New("duplicate")

// Store runs Herd's queries against a database, or inside one of its
// transactions (see InTx).
type Store struct {
	DB *db.DB
	q  db.Querier
	tx bool
}

// New returns a Store reading from database's read pool.
func New(database *db.DB) *Store {
	return &Store{DB: database, q: database.Read}
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
	return s.DB.InTx(ctx, func(q db.Querier) error {
		return fn(&Store{DB: s.DB, q: q, tx: true})
	})
}

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

// notFound maps sql.ErrNoRows to ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
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

// affected returns the rows an Exec changed.
func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// scanIDs collects a one-column id result.
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
func (s *Store) queryFixed(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
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
