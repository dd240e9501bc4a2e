package ratelimit

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"
)

func TestLimiterWindow(t *testing.T) {
	now := time.Date(2026, 1, 1, 10, 2, 0, 0, time.UTC)
	l := New(Period)
	l.now = func() time.Time { return now }
	for i := 1; i <= 3; i++ {
		r := l.Take("k", 3)
		if !r.Allowed || r.Remaining != 3-i {
			t.Fatalf("take %d = %+v", i, r)
		}
	}
	r := l.Take("k", 3)
	if r.Allowed || r.Remaining != 0 {
		t.Fatalf("4th take = %+v, want refused", r)
	}
	if want := time.Date(2026, 1, 1, 10, 5, 0, 0, time.UTC); !r.Reset.Equal(want) {
		t.Errorf("reset = %v, want %v (aligned to 5 minutes)", r.Reset, want)
	}
	if l.Take("other", 3).Remaining != 2 {
		t.Error("keys share a count")
	}
	now = now.Add(3 * time.Minute) // next window
	if r := l.Take("k", 3); !r.Allowed || r.Remaining != 2 {
		t.Errorf("after the window = %+v", r)
	}
	if l.Keys() != 1 {
		t.Errorf("old window kept: %d keys", l.Keys())
	}
}

func TestLimiterBounded(t *testing.T) {
	l := New(Period)
	l.maxKeys = 2
	l.Take("a", 1)
	l.Take("b", 1)
	if r := l.Take("c", 1); !r.Allowed {
		t.Error("untracked key refused")
	}
	if l.Keys() != 2 {
		t.Errorf("keys = %d, want the cap 2", l.Keys())
	}
	if l.Take("a", 1).Allowed {
		t.Error("tracked key not limited when the table is full")
	}
}

func TestClientIP(t *testing.T) {
	trusted, err := ParsePrefixes([]string{"127.0.0.0/8", "::1/128", "10.0.0.0/8"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, peer, xff, want string
	}{
		{"untrusted peer ignores xff", "203.0.113.9:1234", "198.51.100.1", "203.0.113.9"},
		{"trusted peer, no xff", "127.0.0.1:1234", "", "127.0.0.1"},
		{"trusted peer uses xff", "127.0.0.1:1234", "198.51.100.1", "198.51.100.1"},
		{"spoofed left entry skipped", "127.0.0.1:1234", "1.2.3.4, 198.51.100.1", "198.51.100.1"},
		{"trusted hops walked", "127.0.0.1:1234", "198.51.100.1, 10.1.1.1, 10.2.2.2", "198.51.100.1"},
		{"all trusted", "127.0.0.1:1234", "10.1.1.1", "10.1.1.1"},
		{"garbage stops the walk", "127.0.0.1:1234", "198.51.100.1, junk", "127.0.0.1"},
		{"ipv6 peer", "[2001:db8::1]:80", "198.51.100.1", "2001:db8::1"},
		{"mapped v4", "[::ffff:127.0.0.1]:80", "198.51.100.7", "198.51.100.7"},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := ClientIP(r, trusted); got != netip.MustParseAddr(c.want) {
			t.Errorf("%s: ClientIP = %v, want %s", c.name, got, c.want)
		}
	}
}

func TestIPv6GroupedBy64(t *testing.T) {
	a := ipKey(netip.MustParseAddr("2001:db8:1:2::1"))
	b := ipKey(netip.MustParseAddr("2001:db8:1:2:ffff::9"))
	c := ipKey(netip.MustParseAddr("2001:db8:1:3::1"))
	if a != b || a == c {
		t.Errorf("keys %s %s %s", a, b, c)
	}
}

// TestAllowKeyIgnoresAddress: a key's count holds whichever address the
// requests come from, loopback aside.
func TestAllowKeyIgnoresAddress(t *testing.T) {
	p := &Policy{Limiter: New(Period)}
	from := func(peer string) *http.Request {
		r := httptest.NewRequest("POST", "/", nil)
		r.RemoteAddr = peer + ":1234"
		return r
	}
	for _, peer := range []string{"198.51.100.1", "198.51.100.2"} {
		if !p.AllowKey(httptest.NewRecorder(), from(peer), "k", 2) {
			t.Fatalf("attempt from %s refused under the limit", peer)
		}
	}
	if p.AllowKey(httptest.NewRecorder(), from("203.0.113.3"), "k", 2) {
		t.Error("a third address escaped the key's limit")
	}
	if !p.AllowKey(httptest.NewRecorder(), from("127.0.0.1"), "k", 2) {
		t.Error("loopback limited")
	}
}
