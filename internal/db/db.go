// Package db opens Herd's one database, SQLite or PostgreSQL, and runs its
// embedded migrations. Queries are written once with $1-style placeholders,
// which both drivers accept.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect says which database engine a DB talks to.
type Dialect int

// The two supported engines.
const (
	SQLite Dialect = iota
	Postgres
)

func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// Querier is what both *sql.DB and *sql.Tx offer; store code takes it so the
// same method runs inside or outside a transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// EachQuerier is a Querier that can also run a query read to the end at
// once (see detached.QueryEach); the SQLite writer serves those from
// compiled statements.
type EachQuerier interface {
	QueryEach(ctx context.Context, scan func(*sql.Rows) error, query string, args ...any) error
}

// EachRow takes a query's result and returns a function that calls scan
// on each row, reads them all and closes them, then reports the first
// error: the query's, a scan's or the iteration's.
func EachRow(rows *sql.Rows, err error) func(scan func(*sql.Rows) error) error {
	return func(scan func(*sql.Rows) error) error {
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
}

// DB is an open database. On SQLite, Read is a pool of read-only
// connections and Write is a single connection, because SQLite allows one
// writer at a time and queuing writers in Go is cheaper than busy-waiting in
// SQLite. On PostgreSQL both are the same pool.
type DB struct {
	Dialect Dialect
	Read    *sql.DB
	Write   *sql.DB
	dsn     string
	writer  *groupWriter // SQLite: the goroutine batching InTx calls
	ckpt    *checkpointer
	stmts   stmtCache // the read pool's prepared statements (ReadStmt)
}

// IsPostgresDSN reports whether dsn names a PostgreSQL database rather than
// a SQLite file.
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to dsn: a postgres:// URL, or else a SQLite file path whose
// directory is created if missing.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if IsPostgresDSN(dsn) {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, dsn)
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(10)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	return &DB{Dialect: Postgres, Read: pool, Write: pool, dsn: dsn}, nil
}

// SQLite pragmas, set on every connection:
//   - journal_mode=WAL: readers never block the writer nor each other.
//   - synchronous=NORMAL: in WAL mode a commit survives a process crash
//     (kill -9) but the last commits may be lost on power failure; the
//     trade Herd documents for ~10x faster commits.
//   - busy_timeout=10000: wait up to 10 s for a lock held by another process
//     (the admin CLI writing while the server runs) instead of failing.
//   - foreign_keys=OFF: integrity is kept by the code, as on PostgreSQL
//     where only users→accounts has a foreign key.
//   - temp_store=MEMORY: sorts and temp indexes stay off disk.
//   - mmap_size=0: no memory map; pages are read with pread into each
//     connection's page cache. SQLite maps the file per connection and
//     RSS counts every map's pages: with 256 MB maps on all nine
//     connections (writer, 8 readers, checkpointer) the bench's RSS after
//     its load (10,000 accounts, 1M statuses, reads then 30,000 posts) was
//     863 MB, 424 MB of it the one file's pages mapped over and over; with
//     the writer's map alone, still 450–460 MB, 244–250 MB of it mapped
//     (posting touches most of the first 256 MB). Neither reads nor
//     posting got slower without maps (single runs on the shared 2-core
//     machine, load average 10–17, so ±30%): readers' home timeline
//     2,045 → 2,822 req/s, public 1,064 → 1,557, thread 1,048 → 1,365;
//     30,000 posts with the writer's map 292 and 650 posts/s (herd's CPU
//     37.1 and 25.5 s), without 384 and 717/s (34.7 and 25.2 s). The
//     pread cost that made the maps worth it (bench/FINDINGS.md: 19% of
//     posting) came with 8 MB caches that every commit emptied; the
//     writer's 32 MB cache now survives its commits, and the entity
//     caches answer most reads.
//
// Each kind of connection then sets its own page cache. A cached page
// costs twice its size: SQLite allocates the 4 KB page and its header (a
// few hundred bytes) in one block, which modernc's allocator rounds up to
// an 8 KB slot, so cache_size=-N holds up to 2N KB of memory.
//
// modernc runs a DSN's _pragma values sorted by their text, so the same
// pragma given twice keeps the value that sorts last (an mmap_size(0) appended for the
// readers ran before the shared mmap_size(268435456) and changed
// nothing): no pragma may appear both here and in a per-connection list.
//
// The read connections add:
//   - cache_size=-2000: 2 MB page cache per read connection (up to 32 MB
//     of memory for the eight): a commit by the writer empties the readers' caches
//     anyway, each keeps its own copy of the same hot pages, and a miss
//     is a pread from the kernel's page cache. Against 8 MB, three
//     alternating read-only runs each (medians; herd's CPU per request,
//     which the machine's load disturbs less than req/s): home 243 vs
//     373 µs, public 599 vs 607, thread 893 vs 869, verify_credentials
//     209 vs 228; peak RSS under reads 195–209 MB vs 236–312.
//   - query_only=1.
//
// The write connection adds:
//   - cache_size=-32000: 32 MB, since no other connection writes, its cache
//     stays valid across commits and holds the indexes every post touches.
//     16 MB gave back 25 MB of RSS after the bench's posting, but posted
//     661/s against 710/s (medians of three alternating runs, herd's CPU
//     28.5 s against 27.8 s for 30,000 posts): within the machine's noise,
//     not clearly free, so 32 MB stays.
//   - wal_autocheckpoint=0: a commit never runs a checkpoint (it cost 9% of
//     posting, inside the writer's critical section); the checkpointer
//     (checkpoint.go) does it on its own connection instead, and the
//     writer starts the WAL over past 256 MB (walRestarter).
//   - journal_size_limit=256 MB: when the WAL starts over, a file that grew
//     past that (a long migration) is cut back to it.
const sqlitePragmas = "_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(10000)" +
	"&_pragma=foreign_keys(OFF)&_pragma=temp_store(MEMORY)&_pragma=mmap_size(0)"

const (
	sqliteReadPragmas  = "&_pragma=cache_size(-2000)&_pragma=query_only(1)"
	sqliteWritePragmas = "&_pragma=cache_size(-32000)&_pragma=wal_autocheckpoint(0)&_pragma=journal_size_limit(268435456)"
)

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("create database directory: %w", err)
		}
	}
	// _txlock=immediate makes every BEGIN take the write lock at once, so a
	// transaction never fails half-way upgrading a read lock.
	write, err := sql.Open("sqlite", "file:"+path+"?"+sqlitePragmas+sqliteWritePragmas+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxLifetime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	read, err := sql.Open("sqlite", "file:"+path+"?"+sqlitePragmas+sqliteReadPragmas)
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	// Every read connection stays open once opened: a connection closed
	// for being idle past a smaller limit reopens under the next burst,
	// parsing the schema and re-preparing every cached statement (ReadStmt)
	// on the request path. Each keeps at most cache_size of pages.
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	ckpt, err := newCheckpointer(path)
	if err != nil {
		write.Close()
		read.Close()
		return nil, err
	}
	return &DB{Dialect: SQLite, Read: read, Write: write, dsn: path, writer: newGroupWriter(write, path+"-wal"), ckpt: ckpt}, nil
}

// Close closes both pools.
func (d *DB) Close() error {
	d.closeStmts()
	if d.writer != nil {
		d.writer.close()
	}
	if d.ckpt != nil {
		d.ckpt.close()
	}
	if d.Read != d.Write {
		d.Read.Close()
	}
	return d.Write.Close()
}

// Ping checks the database answers (used by /health).
func (d *DB) Ping(ctx context.Context) error {
	var one int
	return d.Read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// deferDurabilityKey marks a context whose transactions may be flushed
// lazily (see DeferDurability).
type deferDurabilityKey struct{}

// DeferDurability marks ctx for work whose own commits need not wait for
// the disk because a later, ordinary commit records that it is done: a
// job's effects, committed before the job row's deletion. On PostgreSQL
// such transactions commit with synchronous_commit off; WAL is flushed in
// order, so the deletion's flush carries them too, and a crash before it
// loses both, and the job runs again. SQLite commits are already flushed
// lazily (synchronous=NORMAL), so it changes nothing there.
func DeferDurability(ctx context.Context) context.Context {
	return context.WithValue(ctx, deferDurabilityKey{}, true)
}

// InTx runs fn in a write transaction and commits if fn returns nil;
// otherwise nothing fn wrote remains. It returns once the commit is done.
// On SQLite, fn runs on the writer goroutine in a batch with other use
// cases, inside its own savepoint (groupcommit.go); its statements are not
// interrupted when ctx ends, and fn must not call InTx again (reuse q).
// On PostgreSQL, which has concurrent writers, each call is its own
// transaction.
func (d *DB) InTx(ctx context.Context, fn func(q Querier) error) error {
	if d.writer != nil {
		return d.writer.do(ctx, fn)
	}
	// PostgreSQL breaks a deadlock by failing one of the transactions
	// (40P01), which is then safe to run again: everything it did was
	// rolled back. Two writers touching the same feed rows in another
	// order (fan-out, and a read that rebuilds a list's feed) can meet so.
	for attempt := 1; ; attempt++ {
		err := d.inTx(ctx, fn)
		var pgErr *pgconn.PgError
		if attempt < 3 && errors.As(err, &pgErr) && pgErr.Code == "40P01" {
			continue
		}
		return err
	}
}

func (d *DB) inTx(ctx context.Context, fn func(q Querier) error) error {
	tx, err := d.Write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	// Rolls back on an error or a panic in fn; a no-op after Commit.
	defer tx.Rollback()
	if ctx.Value(deferDurabilityKey{}) != nil {
		if _, err := tx.ExecContext(ctx, "SET LOCAL synchronous_commit TO OFF"); err != nil {
			return err
		}
	}
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Checkpoint copies SQLite's WAL into the database and truncates it, so
// steady readers cannot make it grow forever (the checkpointer's frequent
// PASSIVE checkpoints never truncate); a no-op on PostgreSQL.
func (d *DB) Checkpoint(ctx context.Context) error {
	if d.ckpt == nil {
		return nil
	}
	return d.ckpt.run(ctx, "TRUNCATE")
}

// IsUniqueViolation reports whether err is a unique-constraint failure.
func IsUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		code := sqErr.Code()
		return code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// IsUnstorableText reports whether err is PostgreSQL refusing a text
// value: a NUL character or invalid UTF-8 (SQLSTATE 22021,
// character_not_in_repertoire, or 22P05, untranslatable_character).
// SQLite stores both.
func IsUnstorableText(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "22021" || pgErr.Code == "22P05")
}

// In renders a list of int64 as a parenthesized placeholder list starting at
// $start, e.g. In(2, []int64{7, 8}) = "($2,$3)", [7 8]. Batch loads use it
// on both dialects; callers bound len(ids) (a page, never a whole table).
func In(start int, ids []int64) (string, []any) {
	if len(ids) == 0 {
		return "(NULL)", nil
	}
	var b strings.Builder
	args := make([]any, len(ids))
	b.WriteByte('(')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "$%d", start+i)
		args[i] = id
	}
	b.WriteByte(')')
	return b.String(), args
}
