package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

var errUseCase = errors.New("use case failed")

// tagCount counts tags rows with id in [lo, hi).
func tagCount(t *testing.T, d *DB, lo, hi int) int {
	t.Helper()
	var n int
	if err := d.Read.QueryRow("SELECT COUNT(*) FROM tags WHERE id >= $1 AND id < $2", lo, hi).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func insertTag(ctx context.Context, q Querier, id int) error {
	name := fmt.Sprintf("t%d", id)
	_, err := q.ExecContext(ctx, "INSERT INTO tags (id, name, name_lower, created_at) VALUES ($1, $2, $2, 0)", id, name)
	return err
}

// holdWriter starts a use case that keeps the writer busy until release is
// closed, so the use cases started meanwhile queue up and (on SQLite) run
// as one batch.
func holdWriter(t *testing.T, d *DB, release chan struct{}) <-chan error {
	t.Helper()
	started := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- d.InTx(context.Background(), func(q Querier) error {
			close(started)
			<-release
			return insertTag(context.Background(), q, 999)
		})
	}()
	<-started
	return done
}

// queued waits until n use cases wait in the SQLite writer's queue behind
// a held writer, so that they run in one batch once it is released. On
// PostgreSQL transactions run side by side and nothing queues. (A minute
// is a safety net: testrig.Eventually is out of reach, testrig imports
// this package.)
func queued(t *testing.T, d *DB, n int) {
	t.Helper()
	if d.writer == nil {
		return
	}
	deadline := time.Now().Add(time.Minute)
	for len(d.writer.queue) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d use cases queued behind the held writer after a minute, want %d", len(d.writer.queue), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestGroupCommitIsolatesFailures runs concurrent use cases, a third of
// which write and then fail (by a Go error or a unique violation): each
// caller gets its own outcome, the others' rows commit, the failed ones
// leave nothing, and a use case sees its own and earlier writes.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	forEach(t, func(t *testing.T, d *DB) {
		ctx := context.Background()
		if err := d.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		release := make(chan struct{})
		held := holdWriter(t, d, release)
		const n = 30
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = d.InTx(ctx, func(q Querier) error {
					if err := insertTag(ctx, q, 100+i); err != nil {
						return err
					}
					var seen int
					if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM tags WHERE id = $1", 100+i).Scan(&seen); err != nil || seen != 1 {
						return fmt.Errorf("own write not visible: %d %v", seen, err)
					}
					switch i % 3 {
					case 1:
						return errUseCase
					case 2:
						// A statement error after a write: the write must go too.
						return insertTag(ctx, q, 100+i)
					}
					return nil
				})
			}()
		}
		queued(t, d, n)
		close(release)
		wg.Wait()
		if err := <-held; err != nil {
			t.Fatalf("held use case: %v", err)
		}
		for i, err := range errs {
			switch i % 3 {
			case 0:
				if err != nil {
					t.Errorf("use case %d: %v, want success", i, err)
				}
			case 1:
				if !errors.Is(err, errUseCase) {
					t.Errorf("use case %d: %v, want its own error", i, err)
				}
			case 2:
				if !IsUniqueViolation(err) {
					t.Errorf("use case %d: %v, want a unique violation", i, err)
				}
			}
			want := 0
			if i%3 == 0 {
				want = 1
			}
			if got := tagCount(t, d, 100+i, 101+i); got != want {
				t.Errorf("use case %d left %d rows, want %d", i, got, want)
			}
		}
	})
}

// TestGroupCommitPanicStaysWithItsCaller checks a panicking use case
// panics in its caller, writes nothing, and neither stops the writer nor
// loses the use cases batched with it.
func TestGroupCommitPanicStaysWithItsCaller(t *testing.T) {
	forEach(t, func(t *testing.T, d *DB) {
		ctx := context.Background()
		if err := d.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		release := make(chan struct{})
		held := holdWriter(t, d, release)
		var wg sync.WaitGroup
		var recovered any
		var okErr error
		wg.Add(2)
		go func() {
			defer wg.Done()
			defer func() { recovered = recover() }()
			d.InTx(ctx, func(q Querier) error {
				insertTag(ctx, q, 1)
				panic("boom")
			})
		}()
		go func() {
			defer wg.Done()
			okErr = d.InTx(ctx, func(q Querier) error { return insertTag(ctx, q, 2) })
		}()
		queued(t, d, 2)
		close(release)
		wg.Wait()
		<-held
		if recovered != "boom" {
			t.Fatalf("recovered %v, want the use case's panic", recovered)
		}
		if okErr != nil || tagCount(t, d, 2, 3) != 1 {
			t.Fatalf("batched use case: %v, rows %d", okErr, tagCount(t, d, 2, 3))
		}
		if tagCount(t, d, 1, 2) != 0 {
			t.Fatal("the panicking use case's write was committed")
		}
		if err := d.InTx(ctx, func(q Querier) error { return insertTag(ctx, q, 3) }); err != nil {
			t.Fatalf("writer after a panic: %v", err)
		}
	})
}

// TestGroupCommitIgnoresLateCancellation: a caller whose context ends while
// its use case runs gets the true outcome (committed), and its batch
// companions commit too.
func TestGroupCommitIgnoresLateCancellation(t *testing.T) {
	forEach(t, func(t *testing.T, d *DB) {
		bg := context.Background()
		if err := d.Migrate(bg); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(bg)
		err := d.InTx(ctx, func(q Querier) error {
			if err := insertTag(ctx, q, 1); err != nil {
				return err
			}
			cancel()
			return insertTag(ctx, q, 2)
		})
		if d.Dialect == Postgres {
			// One transaction per use case there: cancelling aborts it whole.
			if err == nil && tagCount(t, d, 1, 3) != 2 {
				t.Fatal("committed without its rows")
			}
			return
		}
		if err != nil || tagCount(t, d, 1, 3) != 2 {
			t.Fatalf("cancelled mid-way: %v, rows %d, want committed", err, tagCount(t, d, 1, 3))
		}
		// A context already ended before the turn comes: nothing runs.
		if err := d.InTx(ctx, func(q Querier) error { return insertTag(bg, q, 5) }); !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled before: %v", err)
		}
		if tagCount(t, d, 5, 6) != 0 {
			t.Fatal("a cancelled use case ran")
		}
	})
}

// TestGroupCommitAfterClose: InTx on a closed database fails cleanly.
func TestGroupCommitAfterClose(t *testing.T) {
	d := openSQLiteTest(t)
	d.Close()
	if err := d.InTx(context.Background(), func(Querier) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Fatalf("InTx after Close: %v", err)
	}
}

// TestGroupCommitLoserSeesWinner: when two use cases race for a unique key
// in one batch, the loser hears of its failure only once the winner's row
// is committed, so it can read the winner's row (as PostStatus does for a
// repeated Idempotency-Key). Which of the two wins is up to the scheduler
// (a loaded machine may queue the second first), so the test only asks
// that exactly one wins and that the other sees its row.
func TestGroupCommitLoserSeesWinner(t *testing.T) {
	forEach(t, func(t *testing.T, d *DB) {
		ctx := context.Background()
		if err := d.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		release := make(chan struct{})
		held := holdWriter(t, d, release)
		type outcome struct {
			err  error
			seen int // the rows of key 50 right after the error, for the loser
		}
		results := make(chan outcome, 2)
		for range 2 {
			go func() {
				err := d.InTx(ctx, func(q Querier) error { return insertTag(ctx, q, 50) })
				o := outcome{err: err, seen: -1}
				if err != nil { // read at once, from this goroutine (no t.Fatal here)
					d.Read.QueryRow("SELECT COUNT(*) FROM tags WHERE id = 50").Scan(&o.seen)
				}
				results <- o
			}()
		}
		queued(t, d, 2)
		close(release)
		wins, losses := 0, 0
		for range 2 {
			switch o := <-results; {
			case o.err == nil:
				wins++
			case IsUniqueViolation(o.err):
				losses++
				if o.seen != 1 {
					t.Errorf("the loser saw %d winner rows right after its error, want 1", o.seen)
				}
			default:
				t.Errorf("use case: %v, want success or a unique violation", o.err)
			}
		}
		if wins != 1 || losses != 1 {
			t.Errorf("%d won and %d lost, want one of each", wins, losses)
		}
		<-held
	})
}

// TestQueryEachOnTheWriter: a query read to the end through QueryEach
// gives the same rows every time, also once the SQLite writer serves it
// from a compiled statement (from its second run on), including a
// RETURNING query that writes, and inside a batch of several use cases.
func TestQueryEachOnTheWriter(t *testing.T) {
	forEach(t, func(t *testing.T, d *DB) {
		ctx := context.Background()
		if err := d.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		for id := 1; id <= 5; id++ {
			if err := d.InTx(ctx, func(q Querier) error { return insertTag(ctx, q, id) }); err != nil {
				t.Fatal(err)
			}
		}
		each := func(q Querier, query string, args ...any) []int64 {
			var got []int64
			scan := func(rows *sql.Rows) error {
				var id int64
				err := rows.Scan(&id)
				got = append(got, id)
				return err
			}
			e, ok := q.(EachQuerier)
			if !ok {
				if d.Dialect == SQLite {
					t.Fatal("the SQLite writer does not offer QueryEach")
				}
				rows, err := q.QueryContext(ctx, query, args...)
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				for rows.Next() {
					if err := scan(rows); err != nil {
						t.Fatal(err)
					}
				}
				return got
			}
			if err := e.QueryEach(ctx, scan, query, args...); err != nil {
				t.Fatal(err)
			}
			return got
		}
		for run := 1; run <= 4; run++ {
			var read, bumped []int64
			if err := d.InTx(ctx, func(q Querier) error {
				read = each(q, "SELECT id FROM tags WHERE id >= $1 ORDER BY id", 2)
				bumped = each(q, "UPDATE tags SET created_at = created_at + 1 WHERE id <= $1 RETURNING id", 2)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			slices.Sort(bumped)
			if !slices.Equal(read, []int64{2, 3, 4, 5}) || !slices.Equal(bumped, []int64{1, 2}) {
				t.Fatalf("run %d: read %v, bumped %v", run, read, bumped)
			}
		}
		var n int64
		if err := d.Read.QueryRow("SELECT created_at FROM tags WHERE id = 1").Scan(&n); err != nil || n != 4 {
			t.Fatalf("tag 1 bumped %d times (%v), want 4", n, err)
		}
	})
}

// TestWALStartsOverUnderSteadyWrites: when no checkpoint ever catches up
// with the commits (under steady load the checkpointer's PASSIVE ones are
// always behind the writer, here there are none), SQLite never starts the
// WAL over by itself; the writer restarts it once it passes the limit, so
// its size stays near the limit instead of growing with everything written.
func TestWALStartsOverUnderSteadyWrites(t *testing.T) {
	d := openSQLiteTest(t)
	ctx := context.Background()
	if err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	oldLimit, oldEvery := walLimit, walCheckEvery
	walLimit, walCheckEvery = 256<<10, 0
	t.Cleanup(func() { walLimit, walCheckEvery = oldLimit, oldEvery })
	if err := d.ckpt.run(ctx, "TRUNCATE"); err != nil {
		t.Fatal(err)
	}
	pad := strings.Repeat("x", 2000)
	const rounds, rowsPerRound = 60, 40 // ≈ 5 MB of rows, 20 times the limit
	for i := range rounds {
		if err := d.InTx(ctx, func(q Querier) error {
			for j := range rowsPerRound {
				id := i*rowsPerRound + j + 1
				if _, err := q.ExecContext(ctx, "INSERT INTO tags (id, name, name_lower, created_at) VALUES ($1, $2, $2, 0)",
					id, fmt.Sprintf("t%d-%s", id, pad)); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	fi, err := os.Stat(d.dsn + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() > 4*walLimit {
		t.Fatalf("WAL is %d bytes after ≈5 MB of commits; the limit is %d", fi.Size(), walLimit)
	}
}
