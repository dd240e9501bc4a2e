package db

import (
	"context"
	"database/sql"
	"fmt"
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
