package core_test

import (
	"context"
	"testing"
	"time"

	"herd/internal/core"
	"herd/internal/ids"
	"herd/internal/store"
	"herd/internal/testrig"
)

// TestEventsWrittenRightAfterStartAreRead: StartEvents fixes where the
// node starts reading before it returns, so an event appended at once
// afterwards (the admin CLI acting as a server comes up) reaches the
// node's subscribers rather than falling before its starting point.
func TestEventsWrittenRightAfterStartAreRead(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		node := core.New(core.Deps{Store: inst.Store, Config: inst.Core.Config})
		seen := make(chan store.Event, 16)
		node.Subscribe(func(e store.Event) { seen <- e })
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		node.StartEvents(ctx)
		if err := inst.Store.InTx(ctx, func(tx *store.Store) error {
			return tx.AppendEvent(ctx, store.EventAccountUpdated, 42, 42, "right after start")
		}); err != nil {
			t.Fatal(err)
		}
		deadline := time.After(testrig.WaitTimeout)
		for {
			select {
			case e := <-seen:
				if e.Kind == store.EventAccountUpdated && e.SubjectID == 42 {
					return
				}
			case <-deadline:
				t.Fatal("an event appended right after StartEvents was never read")
			}
		}
	})
}

// TestLateCommittedEventsAreRead: on PostgreSQL an event may become
// visible after one with a higher id was read (its transaction drew its id
// first and committed later); the node still reads it, once.
func TestLateCommittedEventsAreRead(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		if db.Name != "postgres" {
			t.Skip("SQLite's one writer commits events in id order")
		}
		inst := testrig.Start(t, db)
		node := core.New(core.Deps{Store: inst.Store, Config: inst.Core.Config})
		seen := make(chan store.Event, 16)
		node.Subscribe(func(e store.Event) { seen <- e })
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		node.StartEvents(ctx)
		early := ids.New() // drawn first, committed last
		if err := inst.Store.InTx(ctx, func(tx *store.Store) error {
			return tx.AppendEvent(ctx, store.EventAccountUpdated, 1, 1, "committed first")
		}); err != nil {
			t.Fatal(err)
		}
		wait := func(subject int64) {
			t.Helper()
			deadline := time.After(testrig.WaitTimeout)
			for {
				select {
				case e := <-seen:
					if e.SubjectID == subject {
						return
					}
				case <-deadline:
					t.Fatalf("event %d never read", subject)
				}
			}
		}
		wait(1)
		if _, err := inst.Store.DB.Write.ExecContext(ctx, `INSERT INTO events (id, kind, subject_id, account_id, payload, created_at)
			VALUES ($1, $2, 2, 2, 'committed late', $3)`, early, store.EventAccountUpdated, time.Now().UnixMilli()); err != nil {
			t.Fatal(err)
		}
		wait(2)
		// Read again on the next polls, it is not applied twice: a marker
		// appended after it comes next.
		if err := inst.Store.InTx(ctx, func(tx *store.Store) error {
			return tx.AppendEvent(ctx, store.EventAccountUpdated, 3, 3, "marker")
		}); err != nil {
			t.Fatal(err)
		}
		deadline := time.After(testrig.WaitTimeout)
		for done := false; !done; {
			select {
			case e := <-seen:
				if e.SubjectID == 2 {
					t.Fatal("the late event was applied twice")
				}
				done = e.SubjectID == 3
			case <-deadline:
				t.Fatal("the marker was never read")
			}
		}
	})
}
