package safehttp

import (
	"context"
	"net/http"
	"net/netip"
	"sync/atomic"
	"testing"
)

// DNS rebinding: the name answers an allowed address first, then 127.0.0.1.
// A check made at lookup time, before the request, would be fooled; the
// check on the socket sees where each new connection really goes.
func TestDNSRebindingAcrossConnections(t *testing.T) {
	public := newServer(t, standIn.String(), func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close") // each request dials again
		w.Write([]byte("ok"))
	})
	internal, conns := countingListener(t)
	var lookups atomic.Int64
	c := New(Options{
		permit: permitStandIn,
		Resolve: func(context.Context, string, string) ([]netip.AddrPort, error) {
			if lookups.Add(1) == 1 {
				return []netip.AddrPort{public.addr()}, nil
			}
			return []netip.AddrPort{internal}, nil
		},
	})

	if _, err := get(t, c, "http://rebind.herd.test/"); err != nil {
		t.Fatalf("first request (allowed answer): %v", err)
	}
	_, err := get(t, c, "http://rebind.herd.test/")
	wantBlockedAddr(t, err, internal.Addr())
	if lookups.Load() != 2 {
		t.Fatalf("%d lookups, want 2 (one per connection)", lookups.Load())
	}
	if n := conns.Load(); n != 0 {
		t.Fatalf("internal listener accepted %d connections, want 0", n)
	}
}

// A kept-alive connection to a checked address is reused; once it is gone,
// the next connection is checked again.
func TestKeepAliveReuseThenNewConnectionChecked(t *testing.T) {
	public := newServer(t, standIn.String(), ok)
	internal, conns := countingListener(t)
	var answer atomic.Pointer[netip.AddrPort]
	first := public.addr()
	answer.Store(&first)
	c := New(Options{
		permit: permitStandIn,
		Resolve: func(context.Context, string, string) ([]netip.AddrPort, error) {
			return []netip.AddrPort{*answer.Load()}, nil
		},
	})
	for range 2 {
		resp, err := get(t, c, "http://rebind.herd.test/")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ReadLimited(resp, 0); err != nil {
			t.Fatal(err)
		}
	}
	answer.Store(&internal)
	c.CloseIdleConnections()
	_, err := get(t, c, "http://rebind.herd.test/")
	wantBlockedAddr(t, err, internal.Addr())
	if public.hits.Load() != 2 || conns.Load() != 0 {
		t.Fatalf("public hits %d, internal connections %d; want 2 and 0", public.hits.Load(), conns.Load())
	}
}

// One answer holding an allowed address first and 127.0.0.1 second: when
// the first does not connect, the dialer falls back to the second, which
// must be checked as well.
func TestEveryAddressOfAnAnswerIsChecked(t *testing.T) {
	// The allowed address has no listener, so connecting to it fails.
	dead := newServer(t, standIn.String(), ok)
	deadAddr := dead.addr()
	dead.Close()
	internal, conns := countingListener(t)
	c := New(Options{permit: permitStandIn, Resolve: resolveTo(deadAddr, internal)})
	_, err := get(t, c, "http://multi.herd.test/")
	wantBlockedAddr(t, err, internal.Addr())
	if n := conns.Load(); n != 0 {
		t.Fatalf("internal listener accepted %d connections, want 0", n)
	}
}
