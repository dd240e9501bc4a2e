package core

import (
	"testing"
	"time"
)

// TestHomeReadsPruned: every homeReadsPrune stores, the entries too old
// to spare a query are dropped and recent ones kept.
func TestHomeReadsPruned(t *testing.T) {
	c := &Core{}
	now := time.Now()
	for id := int64(1); id <= 100; id++ {
		c.homeReads.Store(id, now.Add(-2*activityResolution).UnixMilli())
	}
	c.noteHomeRead(1000, now, now)
	for i := 1; i < homeReadsPrune-1; i++ {
		c.noteHomeRead(1001, now, now)
	}
	if _, ok := c.homeReads.Load(int64(1)); !ok {
		t.Fatal("pruned before homeReadsPrune stores")
	}
	c.noteHomeRead(1002, now, now)
	n := 0
	c.homeReads.Range(func(k, v any) bool { n++; return true })
	if n != 3 {
		t.Fatalf("%d entries after the prune; want the 3 recent ones", n)
	}
}
