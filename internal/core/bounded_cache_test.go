package core

import "testing"

// TestBoundedCachePutAfterForget: a reader that looked an id up before it
// was forgotten cannot put its (possibly stale) copy back, while other ids
// of the same put, and readers that looked after the forget, are kept.
func TestBoundedCachePutAfterForget(t *testing.T) {
	c := newBoundedCache[string](100)
	_, before := c.lookup([]int64{1, 2}, map[int64]string{})
	c.forget(1) // a change to 1 committed after that lookup
	c.put(before, map[int64]string{1: "stale", 2: "fine"})
	got := map[int64]string{}
	if missing, _ := c.lookup([]int64{1, 2}, got); len(missing) != 1 || missing[0] != 1 || got[2] != "fine" {
		t.Fatalf("after put: got %v, missing %v; want 2 cached and 1 missing", got, missing)
	}
	_, after := c.lookup([]int64{1}, map[int64]string{})
	c.put(after, map[int64]string{1: "fresh"})
	if missing, _ := c.lookup([]int64{1}, got); len(missing) != 0 || got[1] != "fresh" {
		t.Fatalf("a put after the forget was dropped: %v", got)
	}
}

// TestBoundedCacheForgetOverflow: once the record of forgets overflows,
// puts from readers older than the overflow are dropped whole (they may
// have missed a forget whose record is gone).
func TestBoundedCacheForgetOverflow(t *testing.T) {
	c := newBoundedCache[string](100)
	_, old := c.lookup([]int64{7}, map[int64]string{})
	for id := int64(1000); id < 1000+maxForgotten+1; id++ {
		c.forget(id)
	}
	c.put(old, map[int64]string{7: "stale"})
	if missing, _ := c.lookup([]int64{7}, map[int64]string{}); len(missing) != 1 {
		t.Fatal("a put from before the overflow was kept")
	}
}
