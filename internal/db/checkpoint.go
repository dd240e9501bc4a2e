package db

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"sync"
	"time"
)

// passiveEvery is how often the checkpointer copies committed WAL frames
// into the database file. A PASSIVE checkpoint takes no lock a writer or
// reader waits for, so with wal_autocheckpoint=0 on the writer, checkpoints
// leave the commit path entirely; running it often keeps each one small
// and the WAL (which every reader searches) short.
const passiveEvery = 500 * time.Millisecond

// checkpointer runs SQLite checkpoints on a connection of its own, so they
// overlap the writer's transactions instead of running inside a commit.
type checkpointer struct {
	conn *sql.DB
	stop chan struct{}
	wg   sync.WaitGroup
	once sync.Once
}

func newCheckpointer(path string) (*checkpointer, error) {
	conn, err := sql.Open("sqlite", "file:"+path+"?"+sqlitePragmas+"&_pragma=cache_size(-500)")
	if err != nil {
		return nil, fmt.Errorf("open sqlite checkpointer: %w", err)
	}
	conn.SetMaxOpenConns(1)
	c := &checkpointer{conn: conn, stop: make(chan struct{})}
	c.wg.Add(1)
	go c.loop()
	return c, nil
}

func (c *checkpointer) loop() {
	defer c.wg.Done()
	t := time.NewTicker(passiveEvery)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			// Errors are transient (a TRUNCATE holding the lock); the next
			// tick retries, and Checkpoint reports persistent ones.
			c.run(context.Background(), "PASSIVE")
		}
	}
}

// run runs one checkpoint of the given mode (PASSIVE or TRUNCATE).
func (c *checkpointer) run(ctx context.Context, mode string) error {
	_, err := c.conn.ExecContext(ctx, "PRAGMA wal_checkpoint("+mode+")")
	return err
}

func (c *checkpointer) close() {
	c.once.Do(func() { close(c.stop) })
	c.wg.Wait()
	c.conn.Close()
}

// walLimit is the WAL size past which the writer starts the WAL over.
// The checkpointer's PASSIVE checkpoints copy frames into the database but
// never shorten the WAL, and SQLite only starts it over when a write begins
// with every frame copied, which a steady stream of commits never allows:
// posting at full speed grew it by 80 MB a second (2.5 GB in 30 s), each
// reader's frame lookups slowed with it, and posting fell by a fifth as
// the bench went on. At 64 MB the restarts (about one a second) cost
// posting a tenth; at 256 MB nothing measurable, and posting stays flat.
var walLimit int64 = 256 << 20 // a variable for tests

// walRestarter is run by the writer between transactions, when no other
// connection can write: past walLimit, a RESTART checkpoint copies the
// few frames the last PASSIVE checkpoint left and makes the next commit
// write the WAL from its start, so its size stays near walLimit.
type walRestarter struct {
	path    string
	checked time.Time
}

// walCheckEvery bounds the cost of looking at the WAL's size.
var walCheckEvery = time.Second // a variable for tests

func (w *walRestarter) restartIfLong(db *sql.DB) {
	if time.Since(w.checked) < walCheckEvery {
		return
	}
	w.checked = time.Now()
	if fi, err := os.Stat(w.path); err != nil || fi.Size() < walLimit {
		return
	}
	// A busy reader makes it give up for now (the busy timeout bounds the
	// wait); the next check tries again.
	db.Exec("PRAGMA wal_checkpoint(RESTART)")
}
