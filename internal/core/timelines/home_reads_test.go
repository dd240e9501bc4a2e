package timelines

import (
	"testing"
	"time"
)

// TestHomeReadsPruned: every homeReadsPrune stores, the entries too old
// to spare a query are dropped and recent ones kept.
func TestHomeReadsPruned(t *testing.T) {
	s := New(Deps{})
	now := time.Now()
	for id := int64(1); id <= 100; id++ {
		s.homeReads.Store(id, now.Add(-2*activityResolution).UnixMilli())
	}
	s.noteHomeRead(1000, now, now)
	for i := 1; i < homeReadsPrune-1; i++ {
		s.noteHomeRead(1001, now, now)
	}
	if _, ok := s.homeReads.Load(int64(1)); !ok {
		t.Fatal("pruned before homeReadsPrune stores")
	}
	s.noteHomeRead(1002, now, now)
	n := 0
	s.homeReads.Range(func(k, v any) bool { n++; return true })
	if n != 3 {
		t.Fatalf("%d entries after the prune; want the 3 recent ones", n)
	}
}
