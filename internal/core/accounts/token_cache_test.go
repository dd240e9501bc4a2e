package accounts

import (
	"strings"
	"testing"
	"time"

	"herd/internal/model"
)

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
