package core_test

import (
	"context"
	"testing"
	"time"

	"herd/internal/core"
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
