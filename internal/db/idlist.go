package db

import (
	"context"
	"database/sql"
	"strconv"
	"sync"
)

// IDs turns a batch of ids into a single query parameter, to be used with
// InIDs: a JSON array on SQLite (read by json_each), an int8[] on
// PostgreSQL. A batch query then has one text whatever the batch size, so
// its prepared statement is reused (see ReadStmt); In, which writes one
// placeholder per id, gives a new text, parsed again, for each size.
func (d Dialect) IDs(ids []int64) any {
	if d == Postgres {
		if ids == nil {
			return []int64{}
		}
		return ids
	}
	b := make([]byte, 0, 2+len(ids)*20)
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, ']'))
}

// InIDs renders the condition "col is one of the ids in parameter param"
// (e.g. "$2"), the parameter being built by IDs.
func (d Dialect) InIDs(col, param string) string {
	if d == Postgres {
		return col + " = ANY(" + param + "::bigint[])"
	}
	return col + " IN (SELECT value FROM json_each(" + param + "))"
}

// maxReadStmts bounds the prepared-statement cache: only fixed query texts
// belong there, so the bound is a guard against a caller passing texts
// built per call, not a working limit.
const maxReadStmts = 256

// stmtCache keeps the read pool's prepared statements by query text.
type stmtCache struct {
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

// ReadStmt returns query prepared on the read pool, preparing it the first
// time. database/sql prepares it once on each connection that runs it and
// the SQLite driver keeps the compiled statement, so a hot read skips
// SQLite's parser and planner (a fifth of a timeline read's CPU when every
// call parsed its text); pgx caches statements itself, and gains little.
// Only queries with a fixed text may use it; past maxReadStmts texts it
// returns nil and the caller runs the text directly.
func (d *DB) ReadStmt(ctx context.Context, query string) (*sql.Stmt, error) {
	d.stmts.mu.RLock()
	s := d.stmts.m[query]
	d.stmts.mu.RUnlock()
	if s != nil {
		return s, nil
	}
	d.stmts.mu.Lock()
	defer d.stmts.mu.Unlock()
	if s := d.stmts.m[query]; s != nil {
		return s, nil
	}
	if len(d.stmts.m) >= maxReadStmts {
		return nil, nil
	}
	s, err := d.Read.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if d.stmts.m == nil {
		d.stmts.m = map[string]*sql.Stmt{}
	}
	d.stmts.m[query] = s
	return s, nil
}

func (d *DB) closeStmts() {
	d.stmts.mu.Lock()
	defer d.stmts.mu.Unlock()
	for _, s := range d.stmts.m {
		s.Close()
	}
	d.stmts.m = nil
}
