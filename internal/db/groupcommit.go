package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Group commit (DESIGN.md storage notes): on SQLite every write
// transaction goes through one writer goroutine, which takes the use cases
// queued while the previous commit ran and runs them in one transaction,
// each inside its own SAVEPOINT. A use case that fails is rolled back to
// its savepoint alone; the others commit together, and every caller waits
// for that commit and gets its own error. One commit (one WAL append and
// fsync of the batch) then serves many posts, which is what lets a single
// SQLite writer keep up with many clients.
const (
	// groupMax caps the use cases of one batch so that one commit's wait
	// stays short for the first caller in it.
	groupMax = 64
	// groupBudget stops adding use cases to a running batch once it has
	// held the writer this long; the rest go first in the next batch.
	groupBudget = 20 * time.Millisecond
)

// ErrClosed is returned by InTx after Close.
var ErrClosed = errors.New("db: closed")

// writeReq is one use case waiting for the writer.
type writeReq struct {
	ctx  context.Context
	fn   func(q Querier) error
	done chan writeResult
}

type writeResult struct {
	err   error
	panic any // a panic in fn, re-raised in the caller's goroutine
}

// groupWriter owns SQLite's single write connection.
type groupWriter struct {
	db    *sql.DB
	wal   walRestarter
	stmts *writerStmts
	queue chan *writeReq
	stop  chan struct{}
	wg    sync.WaitGroup
	once  sync.Once
	// mu orders sends on queue before close: once closed is set, nothing
	// more is queued, so the loop's final drain answers every caller.
	mu     sync.RWMutex
	closed bool
}

func newGroupWriter(db *sql.DB, walPath string) *groupWriter {
	g := &groupWriter{db: db, wal: walRestarter{path: walPath}, stmts: newWriterStmts(db),
		queue: make(chan *writeReq, 1024), stop: make(chan struct{})}
	g.wg.Add(1)
	go g.loop()
	return g
}

// close stops the writer after the batch in progress; queued callers get
// ErrClosed.
func (g *groupWriter) close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
	g.once.Do(func() { close(g.stop) })
	g.wg.Wait()
	g.stmts.close()
}

// do queues fn and waits for the commit of its batch.
func (g *groupWriter) do(ctx context.Context, fn func(q Querier) error) error {
	r := &writeReq{ctx: ctx, fn: fn, done: make(chan writeResult, 1)}
	g.mu.RLock()
	if g.closed {
		g.mu.RUnlock()
		return ErrClosed
	}
	// The loop keeps receiving until closed is set, which waits for this
	// read lock: the send cannot block forever.
	select {
	case g.queue <- r:
	case <-ctx.Done():
		g.mu.RUnlock()
		return ctx.Err()
	}
	g.mu.RUnlock()
	// Once queued, the caller waits for the outcome even if ctx ends: the
	// writer may already be running fn, and the caller must not believe a
	// committed write failed.
	res := <-r.done
	if res.panic != nil {
		panic(res.panic)
	}
	return res.err
}

func (g *groupWriter) loop() {
	defer g.wg.Done()
	var pending []*writeReq
	for {
		if len(pending) == 0 {
			select {
			case r := <-g.queue:
				pending = append(pending, r)
			case <-g.stop:
				g.drainClosed()
				return
			}
		}
	fill:
		for len(pending) < groupMax {
			select {
			case r := <-g.queue:
				pending = append(pending, r)
			default:
				break fill
			}
		}
		pending = g.runBatch(pending)
		// Between transactions the connection is free: compile the
		// statements that came back since the last batch.
		g.stmts.prepare()
		g.wal.restartIfLong(g.db)
	}
}

// drainClosed answers everyone still queued after close.
func (g *groupWriter) drainClosed() {
	for {
		select {
		case r := <-g.queue:
			r.done <- writeResult{err: ErrClosed}
		default:
			return
		}
	}
}

// runBatch runs as many of reqs as fit the budget in one transaction and
// returns those left for the next batch.
func (g *groupWriter) runBatch(reqs []*writeReq) []*writeReq {
	live := reqs[:0:0]
	for _, r := range reqs {
		if err := r.ctx.Err(); err != nil {
			r.done <- writeResult{err: err} // gave up before its turn
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return nil
	}
	if len(live) == 1 {
		g.runAlone(live[0])
		return nil
	}
	// The batch's transaction outlives any one caller's context: a caller
	// cancelling must not roll back the others (database/sql rolls a
	// transaction back when its context ends, and SQLite's interrupt can
	// abort the whole transaction).
	tx, err := g.db.BeginTx(context.Background(), nil)
	if err != nil {
		for _, r := range live {
			r.done <- writeResult{err: fmt.Errorf("begin: %w", err)}
		}
		return nil
	}
	q := detached{tx, g.stmts}
	start := time.Now()
	var ok []*writeReq
	// Failed use cases hear back only after the commit too: a caller that
	// lost a race (a unique key) reads the winner's row next, and the
	// winner may be in this very batch.
	var failed []failure
	for i, r := range live {
		if i > 0 && time.Since(start) > groupBudget {
			g.commit(tx, ok, failed)
			return live[i:]
		}
		if _, err := q.exec("SAVEPOINT herd_uc"); err != nil {
			return g.broken(tx, ok, failed, live[i:], nil)
		}
		res := call(r, q)
		if res.err == nil && res.panic == nil {
			if _, err := q.exec("RELEASE herd_uc"); err != nil {
				return g.broken(tx, ok, failed, live[i+1:], r)
			}
			ok = append(ok, r)
			continue
		}
		failed = append(failed, failure{r, res})
		// Undo this use case alone. If SQLite already rolled back the
		// whole transaction (it does on some I/O errors), the savepoint is
		// gone and the others must run again.
		if _, err := q.exec("ROLLBACK TO herd_uc"); err != nil {
			return g.broken(tx, ok, failed, live[i+1:], nil)
		}
		if _, err := q.exec("RELEASE herd_uc"); err != nil {
			return g.broken(tx, ok, failed, live[i+1:], nil)
		}
	}
	g.commit(tx, ok, failed)
	return nil
}

// failure is a use case that failed in a batch, and its outcome.
type failure struct {
	r   *writeReq
	res writeResult
}

// broken gives up a batch whose transaction can no longer be trusted: it
// rolls back, then runs each use case that had not failed on its own
// (retry first), so one use case's fatal error is not everyone's.
func (g *groupWriter) broken(tx *sql.Tx, ran []*writeReq, failed []failure, rest []*writeReq, retry *writeReq) []*writeReq {
	tx.Rollback()
	var again []*writeReq
	if retry != nil {
		again = append(again, retry)
	}
	again = append(again, ran...)
	for _, r := range again {
		g.runAlone(r)
	}
	for _, f := range failed {
		f.r.done <- f.res
	}
	return rest
}

// commit commits the batch, then answers its callers: the committed ones
// with the commit's outcome, the failed ones with their own.
func (g *groupWriter) commit(tx *sql.Tx, ok []*writeReq, failed []failure) {
	err := tx.Commit()
	if err != nil {
		err = fmt.Errorf("commit: %w", err)
	}
	for _, r := range ok {
		r.done <- writeResult{err: err}
	}
	for _, f := range failed {
		f.r.done <- f.res
	}
}

// runAlone runs one use case in its own transaction (no savepoint needed).
func (g *groupWriter) runAlone(r *writeReq) {
	tx, err := g.db.BeginTx(context.Background(), nil)
	if err != nil {
		r.done <- writeResult{err: fmt.Errorf("begin: %w", err)}
		return
	}
	res := call(r, detached{tx, g.stmts})
	if res.err != nil || res.panic != nil {
		tx.Rollback()
		r.done <- res
		return
	}
	g.commit(tx, []*writeReq{r}, nil)
}

// call runs r's function, catching a panic so the writer survives it and
// the caller re-raises it.
func call(r *writeReq, q Querier) (res writeResult) {
	defer func() {
		if p := recover(); p != nil {
			res = writeResult{panic: p}
		}
	}()
	return writeResult{err: r.fn(q)}
}

// detached runs a transaction's statements without their callers'
// cancellation (see runBatch); values in the context still pass through.
// Statements without rows to iterate (Exec, QueryRow) use the writer's
// compiled statements once their text has recurred.
type detached struct {
	tx    *sql.Tx
	stmts *writerStmts
}

func (d detached) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = context.WithoutCancel(ctx)
	if st := d.stmts.get(query); st != nil {
		return d.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return d.tx.ExecContext(ctx, query, args...)
}

// QueryContext is never served by a compiled statement: a caller may run the
// same text again while iterating, and both would share one SQLite cursor.
func (d detached) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return d.tx.QueryContext(context.WithoutCancel(ctx), query, args...)
}

// QueryEach runs a query whose rows the caller reads to the end before
// running anything else (scan sees each row), so it can be served by a
// compiled statement without two callers sharing its cursor.
func (d detached) QueryEach(ctx context.Context, scan func(*sql.Rows) error, query string, args ...any) error {
	ctx = context.WithoutCancel(ctx)
	if st := d.stmts.get(query); st != nil {
		return EachRow(d.tx.StmtContext(ctx, st).QueryContext(ctx, args...))(scan)
	}
	return EachRow(d.tx.QueryContext(ctx, query, args...))(scan)
}

func (d detached) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = context.WithoutCancel(ctx)
	if st := d.stmts.get(query); st != nil {
		return d.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return d.tx.QueryRowContext(ctx, query, args...)
}

func (d detached) exec(query string) (sql.Result, error) {
	return d.ExecContext(context.Background(), query)
}

// maxWriterStmts bounds the writer's compiled statements; texts built per
// call (a list of literal ids) never recur and are not kept.
const maxWriterStmts = 256

// writerStmts caches compiled statements on SQLite's single write
// connection. Parsing and planning SQL text was a sixth of the writer's
// time in the posting benchmark, and a use case runs the same few texts
// every time. A statement can only be compiled while no transaction holds
// the connection, so a text seen twice is queued, and compiled by the
// writer loop between batches (prepare); the writer goroutine is the only
// user, so there is no lock.
type writerStmts struct {
	db      *sql.DB
	stmts   map[string]*sql.Stmt
	seen    map[string]bool // texts run once, uncompiled
	pending []string        // texts run twice, to compile
}

func newWriterStmts(db *sql.DB) *writerStmts {
	return &writerStmts{db: db, stmts: map[string]*sql.Stmt{}, seen: map[string]bool{}}
}

// get returns the compiled statement of query, or nil (then notes it).
func (w *writerStmts) get(query string) *sql.Stmt {
	if st := w.stmts[query]; st != nil {
		return st
	}
	if len(w.stmts)+len(w.pending) >= maxWriterStmts {
		return nil
	}
	if !w.seen[query] {
		if len(w.seen) >= 4*maxWriterStmts {
			clear(w.seen)
		}
		w.seen[query] = true
	} else {
		delete(w.seen, query)
		w.pending = append(w.pending, query)
	}
	return nil
}

// prepare compiles the queued texts; one that fails to compile is simply
// not cached (running it reports the error).
func (w *writerStmts) prepare() {
	for _, q := range w.pending {
		if w.stmts[q] != nil {
			continue // queued twice in one batch
		}
		if st, err := w.db.Prepare(q); err == nil {
			w.stmts[q] = st
		}
	}
	w.pending = w.pending[:0]
}

func (w *writerStmts) close() {
	for _, st := range w.stmts {
		st.Close()
	}
	clear(w.stmts)
}
