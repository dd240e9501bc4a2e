package files

import (
	"strings"
	"testing"
)

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
