package db

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"
)

//go:embed migrations
var migrations embed.FS

// migrationLockID is the PostgreSQL advisory lock key held while migrating,
// so several nodes starting at once apply each migration exactly once.
const migrationLockID = 0x48657264 // "Herd"

// Migrate applies every embedded migration not yet recorded in
// schema_migrations, each in its own transaction.
func (d *DB) Migrate(ctx context.Context) error {
	files, err := fs.Glob(migrations, "migrations/"+d.Dialect.String()+"/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(files)
	if d.Dialect == Postgres {
		conn, err := d.Write.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockID); err != nil {
			return fmt.Errorf("migration lock: %w", err)
		}
		defer conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", migrationLockID)
		return applyMigrations(ctx, conn, files)
	}
	conn, err := d.Write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return applyMigrations(ctx, conn, files)
}

func applyMigrations(ctx context.Context, conn *sql.Conn, files []string) error {
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	for _, file := range files {
		version := strings.TrimSuffix(file[strings.LastIndex(file, "/")+1:], ".sql")
		var n int
		if err := conn.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE version = $1", version).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		body, err := migrations.ReadFile(file)
		if err != nil {
			return err
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for _, stmt := range splitStatements(string(body)) {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				tx.Rollback()
				return fmt.Errorf("migration %s: %w\n%s", version, err, stmt)
			}
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
			version, time.Now().UnixMilli()); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %s: %w", version, err)
		}
	}
	return nil
}

// Pending reports whether migrations remain to be applied; the admin CLI
// refuses to run against an unmigrated database rather than migrate behind
// a server's back.
func (d *DB) Pending(ctx context.Context) (bool, error) {
	files, err := fs.Glob(migrations, "migrations/"+d.Dialect.String()+"/*.sql")
	if err != nil {
		return false, err
	}
	var applied int
	err = d.Read.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations").Scan(&applied)
	if err != nil {
		return true, nil // no table yet
	}
	return applied < len(files), nil
}

// splitStatements cuts a migration file on semicolons that end a line,
// dropping comment-only lines. Migrations keep to that shape.
func splitStatements(body string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(body, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(trimmed, ";") {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}
