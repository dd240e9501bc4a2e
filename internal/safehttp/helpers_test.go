package safehttp

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync/atomic"
	"testing"
)

// standIn is the address tests treat as public: nothing on the internet is
// reachable here, so Options.permit lets this one loopback address through
// while the rest of the policy (127.0.0.1 included) stays in force.
var standIn = netip.MustParseAddr("127.0.0.2")

func permitStandIn(a netip.Addr) bool { return a == standIn }

// server is an httptest server that counts the requests it receives.
type server struct {
	*httptest.Server
	hits atomic.Int64
}

// newServer starts h on ip (127.0.0.1 when empty) and counts its requests.
func newServer(t *testing.T, ip string, h http.HandlerFunc) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		h(w, r)
	}))
	if ip != "" {
		ln, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
		if err != nil {
			t.Fatal(err)
		}
		s.Listener.Close()
		s.Listener = ln
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func (s *server) addr() netip.AddrPort {
	return netip.MustParseAddrPort(s.Listener.Addr().String())
}

// countingListener is a loopback listener that only counts connections: it
// stands for an internal service a hostile document tries to reach.
func countingListener(t *testing.T) (netip.AddrPort, *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var n atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n.Add(1)
			c.Close()
		}
	}()
	return netip.MustParseAddrPort(ln.Addr().String()), &n
}

func ok(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) }

// resolveTo answers every host with addrs.
func resolveTo(addrs ...netip.AddrPort) func(context.Context, string, string) ([]netip.AddrPort, error) {
	return func(context.Context, string, string) ([]netip.AddrPort, error) { return addrs, nil }
}

func mustMap(t *testing.T, hosts map[string]string) func(context.Context, string, string) ([]netip.AddrPort, error) {
	t.Helper()
	r, err := MapHosts(hosts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// wantBlockedAddr fails unless err is a *BlockedAddressError for want.
func wantBlockedAddr(t *testing.T, err error, want netip.Addr) {
	t.Helper()
	var blocked *BlockedAddressError
	if !errors.As(err, &blocked) {
		t.Fatalf("err = %v, want a *BlockedAddressError", err)
	}
	if blocked.Addr.Unmap() != want.Unmap() {
		t.Fatalf("refused %s, want %s", blocked.Addr, want)
	}
	if !errors.Is(err, ErrBlocked) {
		t.Fatalf("errors.Is(%v, ErrBlocked) = false", err)
	}
}

func wantBlockedURL(t *testing.T, err error) {
	t.Helper()
	var blocked *BlockedURLError
	if !errors.As(err, &blocked) {
		t.Fatalf("err = %v, want a *BlockedURLError", err)
	}
	if !errors.Is(err, ErrBlocked) {
		t.Fatalf("errors.Is(%v, ErrBlocked) = false", err)
	}
}

func get(t *testing.T, c *Client, url string) (*http.Response, error) {
	t.Helper()
	resp, err := c.Get(t.Context(), url, "")
	if err == nil {
		t.Cleanup(func() { resp.Body.Close() })
	}
	return resp, err
}
