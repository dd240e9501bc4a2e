package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

const postgresEnv = "HERD_TEST_POSTGRES"

func openSQLiteTest(t *testing.T) *DB {
	t.Helper()
	d, err := Open(context.Background(), filepath.Join(t.TempDir(), "sub", "herd.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// openPostgresTest opens a fresh schema in the HERD_TEST_POSTGRES database.
func openPostgresTest(t *testing.T) *DB {
	t.Helper()
	dsn := os.Getenv(postgresEnv)
	if dsn == "" {
		t.Skip("PostgreSQL run skipped: set " + postgresEnv + " to a DSN to run it")
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	// A random suffix keeps concurrent runs on one database (two checkouts,
	// CI beside a developer) from dropping each other's schema.
	suffix := make([]byte, 4)
	rand.Read(suffix)
	schema := "herd_dbtest_" + hex.EncodeToString(suffix)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE"); admin.Close() })
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	d, err := Open(ctx, dsn+sep+"search_path="+schema)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func forEach(t *testing.T, fn func(t *testing.T, d *DB)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, openSQLiteTest(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, openPostgresTest(t)) })
}

func TestMigrateIsIdempotent(t *testing.T) {
	forEach(t, func(t *testing.T, d *DB) {
		ctx := context.Background()
		if pending, _ := d.Pending(ctx); !pending {
			t.Fatal("a fresh database reports no pending migrations")
		}
		for i := 0; i < 2; i++ {
			if err := d.Migrate(ctx); err != nil {
				t.Fatalf("migrate #%d: %v", i+1, err)
			}
		}
		if pending, err := d.Pending(ctx); err != nil || pending {
			t.Fatalf("after migrating, pending = %v, %v", pending, err)
		}
	})
}

func TestUniqueViolationIsRecognized(t *testing.T) {
	forEach(t, func(t *testing.T, d *DB) {
		ctx := context.Background()
		if err := d.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		insert := func() error {
			return d.InTx(ctx, func(tx Querier) error {
				_, err := tx.ExecContext(ctx, "INSERT INTO tags (id, name, name_lower, created_at) VALUES ($1, $2, $3, $4)", 1, "Go", "go", 0)
				return err
			})
		}
		if err := insert(); err != nil {
			t.Fatal(err)
		}
		if err := insert(); !IsUniqueViolation(err) {
			t.Fatalf("second insert: %v, want a unique violation", err)
		}
	})
}

func TestInBuildsPlaceholders(t *testing.T) {
	got, args := In(3, []int64{7, 8, 9})
	if got != "($3,$4,$5)" || !reflect.DeepEqual(args, []any{int64(7), int64(8), int64(9)}) {
		t.Fatalf("In = %q %v", got, args)
	}
	if got, args := In(1, nil); got != "(NULL)" || args != nil {
		t.Fatalf("In(empty) = %q %v", got, args)
	}
}

func TestReadPoolIsReadOnlyOnSQLite(t *testing.T) {
	d := openSQLiteTest(t)
	if err := d.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Read.Exec("INSERT INTO tags (id, name, name_lower, created_at) VALUES (1, 'a', 'a', 0)"); err == nil {
		t.Fatal("the read pool accepted a write")
	}
}

// TestSQLiteMemoryPerConnection: each kind of connection gets its own
// page cache, and none maps the file (modernc runs duplicate _pragma
// values in text order, so a pragma set twice silently kept the wrong
// value).
func TestSQLiteMemoryPerConnection(t *testing.T) {
	d := openSQLiteTest(t)
	pragma := func(pool *sql.DB, name string) int64 {
		t.Helper()
		var v int64
		if err := pool.QueryRow("PRAGMA " + name).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		conn        string
		pool        *sql.DB
		mmap, cache int64
	}{
		{"read", d.Read, 0, -2000},
		{"write", d.Write, 0, -32000},
		{"checkpointer", d.ckpt.conn, 0, -500},
	} {
		if got := pragma(c.pool, "mmap_size"); got != c.mmap {
			t.Errorf("%s connection: mmap_size %d, want %d", c.conn, got, c.mmap)
		}
		if got := pragma(c.pool, "cache_size"); got != c.cache {
			t.Errorf("%s connection: cache_size %d, want %d", c.conn, got, c.cache)
		}
	}
}

// TestSchemasMatch checks both dialects define the same tables and columns
// (the migrations are written twice; this keeps them honest).
func TestSchemasMatch(t *testing.T) {
	ctx := context.Background()
	lite := openSQLiteTest(t)
	pg := openPostgresTest(t)
	for _, d := range []*DB{lite, pg} {
		if err := d.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	}
	liteCols := map[string][]string{}
	rows, err := lite.Read.Query(`SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`)
	collect(t, rows, err, liteCols)
	pgCols := map[string][]string{}
	rows, err = pg.Read.Query(`SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema()`)
	collect(t, rows, err, pgCols)
	if !reflect.DeepEqual(liteCols, pgCols) {
		t.Fatalf("schemas differ:\nsqlite:   %v\npostgres: %v", liteCols, pgCols)
	}
}

func collect(t *testing.T, rows *sql.Rows, err error, into map[string][]string) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			t.Fatal(err)
		}
		into[table] = append(into[table], col)
	}
	for _, cols := range into {
		sort.Strings(cols)
	}
}

func TestSQLiteRunsInWALMode(t *testing.T) {
	d := openSQLiteTest(t)
	for name, pool := range map[string]*sql.DB{"write": d.Write, "read": d.Read} {
		var mode string
		if err := pool.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" {
			t.Errorf("%s pool journal_mode = %q, want wal", name, mode)
		}
	}
}

// TestDeferDurability: on PostgreSQL a transaction run with a
// DeferDurability context commits without waiting for the disk, and only
// that one. (SQLite commits lazily already; nothing changes there.)
func TestDeferDurability(t *testing.T) {
	d := openPostgresTest(t)
	ctx := context.Background()
	setting := func(ctx context.Context) string {
		var v string
		if err := d.InTx(ctx, func(q Querier) error {
			return q.QueryRowContext(ctx, "SHOW synchronous_commit").Scan(&v)
		}); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if deferred, ordinary := setting(DeferDurability(ctx)), setting(ctx); deferred != "off" || ordinary != "on" {
		t.Fatalf("synchronous_commit deferred %q, ordinary %q", deferred, ordinary)
	}
}
