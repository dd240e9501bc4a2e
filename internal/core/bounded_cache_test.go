package core

import (
	"strings"
	"testing"

	"herd/internal/model"
	"herd/internal/store"
)

// TestBoundedCachePutAfterForget: a reader that looked an id up before it
// was forgotten cannot put its (possibly stale) copy back, while other ids
// of the same put, and readers that looked after the forget, are kept.
func TestBoundedCachePutAfterForget(t *testing.T) {
	c := newBoundedCache(1<<20, stringSize)
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
	c := newBoundedCache(1<<20, stringSize)
	_, old := c.lookup([]int64{7}, map[int64]string{})
	for id := int64(1000); id < 1000+maxForgotten+1; id++ {
		c.forget(id)
	}
	c.put(old, map[int64]string{7: "stale"})
	if missing, _ := c.lookup([]int64{7}, map[int64]string{}); len(missing) != 1 {
		t.Fatal("a put from before the overflow was kept")
	}
}

func stringSize(s string) int { return len(s) }

// TestBoundedCacheByteBudget: the cache holds entries by their estimated
// bytes: past the budget it drops entries until an eighth of it is free,
// whatever their number, and never keeps more than the budget.
func TestBoundedCacheByteBudget(t *testing.T) {
	const budget = 64 * (100 + cacheSlotBytes) // 64 entries of 100 bytes
	c := newBoundedCache(budget, stringSize)
	big := strings.Repeat("x", 100)
	for id := int64(1); id <= 64; id++ {
		c.put(0, map[int64]string{id: big})
	}
	if len(c.m) != 64 || c.bytes != budget {
		t.Fatalf("full cache: %d entries, %d bytes; want 64, %d", len(c.m), c.bytes, budget)
	}
	c.put(0, map[int64]string{65: big})
	if _, ok := c.m[65]; !ok {
		t.Fatal("the entry that overflowed the budget was not kept")
	}
	if want := budget - budget/8; c.bytes > want || len(c.m) > 56 {
		t.Fatalf("after overflow: %d entries, %d bytes; want at most 56 entries, %d bytes", len(c.m), c.bytes, want)
	}

	// Small entries: many more of them fit in the same budget.
	small := newBoundedCache(budget, stringSize)
	for id := int64(1); id <= 1000; id++ {
		small.put(0, map[int64]string{id: "y"})
		if small.bytes > budget {
			t.Fatalf("%d bytes held, budget %d", small.bytes, budget)
		}
	}
	if want := budget / (1 + cacheSlotBytes) * 7 / 8; len(small.m) < want {
		t.Fatalf("%d small entries kept; want at least %d", len(small.m), want)
	}
}

// TestBoundedCacheAccounting: replacing and forgetting entries keep the
// byte count exact, and an entry too big for an eighth of the budget is
// not cached at all.
func TestBoundedCacheAccounting(t *testing.T) {
	c := newBoundedCache(8000, stringSize)
	c.put(0, map[int64]string{1: "aaaa", 2: "bb"})
	c.put(0, map[int64]string{1: "a"})
	if want := 1 + 2 + 2*cacheSlotBytes; c.bytes != want {
		t.Fatalf("after a replace: %d bytes, want %d", c.bytes, want)
	}
	c.forget(1)
	c.forget(3) // not cached
	if want := 2 + cacheSlotBytes; c.bytes != want {
		t.Fatalf("after forget: %d bytes, want %d", c.bytes, want)
	}
	_, gen := c.lookup(nil, nil)
	c.put(gen, map[int64]string{4: strings.Repeat("z", 1000)})
	if _, ok := c.m[4]; ok {
		t.Fatal("an entry over an eighth of the budget was cached")
	}
}

// TestEntitySizes: the estimates grow with what an entry holds, and a
// typical bench status lands near the ~1.5 KB the budgets assume.
func TestEntitySizes(t *testing.T) {
	st := &model.Status{URI: "https://bench.test/users/alice1/statuses/115000000000000001",
		URL: "https://bench.test/@alice1/115000000000000001", Text: strings.Repeat("word ", 30),
		Content: "<p>" + strings.Repeat("word ", 30) + "</p>", Language: "en"}
	plain := statusEntrySize(&statusEntry{Status: st})
	if plain < 1000 || plain > 2000 {
		t.Errorf("a 30-word status is estimated at %d bytes; want 1–2 KB", plain)
	}
	withMore := statusEntrySize(&statusEntry{Status: st, Mentions: []int64{1, 2}, Tags: []model.Tag{{Name: "go"}},
		Media: []*model.MediaAttachment{{Description: "a cat"}}})
	if withMore <= plain+2*mentionBytes+tagBytes+mediaBytes-1 {
		t.Errorf("mentions, tags and media add %d bytes; want more than their fixed parts", withMore-plain)
	}
	a := &model.Account{Username: "alice1", DisplayName: "Alice", Note: "<p>hello</p>", URI: "https://bench.test/users/alice1"}
	if n := accountSize(a); n < 800 || n > 2000 {
		t.Errorf("an account is estimated at %d bytes; want about 1 KB", n)
	}
	vs := &store.ViewerState{Following: make([]int64, 100), Muting: map[int64]int64{1: 0}}
	if n := viewerStateSize(vs); n < 800 {
		t.Errorf("a viewer following 100 accounts is estimated at %d bytes", n)
	}
}
