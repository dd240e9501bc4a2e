package core

import (
	"strings"
	"testing"
	"time"

	"herd/internal/model"
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

// TestTokenCacheBytes: the token cache holds at most tokenCacheBytes,
// dropping expired viewers first.
func TestTokenCacheBytes(t *testing.T) {
	c := newTokenCache()
	acct := &model.Account{PrivateKey: strings.Repeat("k", 1700), PublicKey: strings.Repeat("p", 450)}
	v := &model.Viewer{Token: &model.Token{}, Account: acct, User: &model.User{}}
	hash := func(i int) string { // a SHA-256 in hex is 64 characters
		return strings.Repeat("0", 61) + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676%26))
	}
	fits := tokenCacheBytes / (len(hash(0)) + viewerSize(v))
	for i := 0; i < fits+10; i++ {
		c.put(hash(i), v)
		if c.bytes > tokenCacheBytes {
			t.Fatalf("%d bytes after %d puts; budget %d", c.bytes, i+1, tokenCacheBytes)
		}
	}
	if len(c.entries) >= fits {
		t.Fatalf("%d entries kept; at most %d fit", len(c.entries), fits)
	}
	// Expired entries go first: a cache of expired viewers keeps the new one
	// and drops only those.
	c = newTokenCache()
	for i := 0; i < fits; i++ {
		c.put(hash(i), v)
	}
	live := hash(0)
	for k, e := range c.entries {
		if k != live {
			e.expires = time.Now().Add(-time.Second)
			c.entries[k] = e
		}
	}
	c.put(hash(fits+1), v)
	if c.get(live) == nil || c.get(hash(fits+1)) == nil || len(c.entries) != 2 {
		t.Fatalf("after dropping expired viewers: %d entries; want the live one and the new one", len(c.entries))
	}
}

// TestEmojiCacheBytes: the emoji cache starts over past emojiCacheBytes.
func TestEmojiCacheBytes(t *testing.T) {
	c := newEmojiCache()
	for i := 0; i < 200000; i++ {
		k := emojiKey{"remote.example", strings.Repeat("x", 20) + string(rune('a'+i%26)) + string(rune(0x100+i/26))}
		c.put(c.gen, []emojiKey{k}, nil)
		if c.bytes > emojiCacheBytes+emojiEntrySize(k, nil) {
			t.Fatalf("%d bytes after %d puts; budget %d", c.bytes, i+1, emojiCacheBytes)
		}
	}
}
