package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"herd/internal/db"
)

// maxParams keeps one statement under both engines' bound-parameter limits
// (SQLite 32766, PostgreSQL 65535).
const maxParams = 30000

// loader writes rows in multi-row INSERTs inside large transactions,
// committing every commitEvery rows so neither engine holds an unbounded
// transaction. It bypasses store on purpose: seeding a million statuses one
// use case at a time would take hours, and the shape written here is the
// shape the use cases write.
type loader struct {
	db          *db.DB
	tx          *sql.Tx
	tables      map[string]*bulkTable
	order       []string
	pending     int
	commitEvery int
	total       int64
}

// bulkTable buffers rows of one table.
type bulkTable struct {
	name    string
	cols    []string
	perStmt int
	rows    []any
	n       int
	stmt    *sql.Stmt // prepared full-batch INSERT for the current tx
}

func newLoader(database *db.DB) *loader {
	return &loader{db: database, tables: map[string]*bulkTable{}, commitEvery: 200000}
}

// table declares a table's columns once; add then takes values in order.
func (l *loader) table(name string, cols ...string) {
	per := maxParams / len(cols)
	if per > 500 {
		per = 500
	}
	l.tables[name] = &bulkTable{name: name, cols: cols, perStmt: per}
	l.order = append(l.order, name)
}

// add buffers one row, flushing and committing as batches fill.
func (l *loader) add(ctx context.Context, table string, vals ...any) error {
	t := l.tables[table]
	if len(vals) != len(t.cols) {
		return fmt.Errorf("%s: %d values for %d columns", table, len(vals), len(t.cols))
	}
	t.rows = append(t.rows, vals...)
	t.n++
	if t.n < t.perStmt {
		return nil
	}
	if err := l.flushTable(ctx, t); err != nil {
		return err
	}
	if l.pending >= l.commitEvery {
		return l.commit(ctx)
	}
	return nil
}

func (l *loader) begin(ctx context.Context) error {
	if l.tx != nil {
		return nil
	}
	tx, err := l.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	l.tx = tx
	return nil
}

func (l *loader) flushTable(ctx context.Context, t *bulkTable) error {
	if t.n == 0 {
		return nil
	}
	if err := l.begin(ctx); err != nil {
		return err
	}
	var err error
	if t.n == t.perStmt {
		if t.stmt == nil {
			t.stmt, err = l.tx.PrepareContext(ctx, l.insertSQL(t, t.n))
			if err != nil {
				return fmt.Errorf("prepare %s: %w", t.name, err)
			}
		}
		_, err = t.stmt.ExecContext(ctx, t.rows...)
	} else {
		_, err = l.tx.ExecContext(ctx, l.insertSQL(t, t.n), t.rows...)
	}
	if err != nil {
		return fmt.Errorf("insert %s: %w", t.name, err)
	}
	l.pending += t.n
	l.total += int64(t.n)
	t.rows, t.n = t.rows[:0], 0
	return nil
}

// commit flushes every table and commits the open transaction.
func (l *loader) commit(ctx context.Context) error {
	for _, name := range l.order {
		if err := l.flushTable(ctx, l.tables[name]); err != nil {
			return err
		}
	}
	if l.tx == nil {
		return nil
	}
	for _, t := range l.tables {
		if t.stmt != nil {
			t.stmt.Close()
			t.stmt = nil
		}
	}
	err := l.tx.Commit()
	l.tx, l.pending = nil, 0
	return err
}

// exec runs one statement inside the loader's transaction.
func (l *loader) exec(ctx context.Context, query string, args ...any) error {
	if err := l.begin(ctx); err != nil {
		return err
	}
	_, err := l.tx.ExecContext(ctx, query, args...)
	return err
}

// insertSQL builds a multi-row INSERT. SQLite gets anonymous ? parameters:
// modernc.org/sqlite looks each $N up by name in a linear list when
// binding, which makes a statement with thousands of $N parameters
// quadratic (it was 60% of the seed's CPU).
func (l *loader) insertSQL(t *bulkTable, rows int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", t.name, strings.Join(t.cols, ", "))
	p := 1
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := range t.cols {
			if c > 0 {
				b.WriteByte(',')
			}
			if l.db.Dialect == db.SQLite {
				b.WriteByte('?')
			} else {
				fmt.Fprintf(&b, "$%d", p)
			}
			p++
		}
		b.WriteByte(')')
	}
	return b.String()
}
