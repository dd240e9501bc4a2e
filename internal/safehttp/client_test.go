package safehttp

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestLoopbackServerRefusedByDefault(t *testing.T) {
	srv := newServer(t, "", ok)
	_, err := get(t, New(Options{}), srv.URL)
	wantBlockedAddr(t, err, netip.MustParseAddr("127.0.0.1"))
	if n := srv.hits.Load(); n != 0 {
		t.Fatalf("server received %d requests, want 0", n)
	}
}

func TestLoopbackServerAllowedWithAllowPrivateAddresses(t *testing.T) {
	srv := newServer(t, "", ok)
	resp, err := get(t, New(Options{AllowPrivateAddresses: true}), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, err := ReadLimited(resp, 0)
	if err != nil || string(body) != "ok" {
		t.Fatalf("body %q, %v; want ok", body, err)
	}
}

func TestMappedHostIsStillChecked(t *testing.T) {
	srv := newServer(t, "", ok)
	resolve := mustMap(t, map[string]string{"a.herd.test": srv.Listener.Addr().String()})

	_, err := get(t, New(Options{Resolve: resolve}), "http://a.herd.test/")
	wantBlockedAddr(t, err, netip.MustParseAddr("127.0.0.1"))
	if n := srv.hits.Load(); n != 0 {
		t.Fatalf("server received %d requests, want 0", n)
	}

	resp, err := get(t, New(Options{Resolve: resolve, AllowPrivateAddresses: true}), "http://A.herd.test/")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || srv.hits.Load() != 1 {
		t.Fatalf("status %d, hits %d; want 200 and 1", resp.StatusCode, srv.hits.Load())
	}
}

func TestMapHostsPrefersHostAndPort(t *testing.T) {
	resolve := mustMap(t, map[string]string{
		"a.herd.test":     "127.0.0.1:1000",
		"a.herd.test:443": "127.0.0.1:2000",
	})
	for port, want := range map[string]string{"443": "127.0.0.1:2000", "80": "127.0.0.1:1000"} {
		got, err := resolve(t.Context(), "a.herd.test", port)
		if err != nil || len(got) != 1 || got[0].String() != want {
			t.Errorf("port %s: %v, %v; want %s", port, got, err, want)
		}
	}
	if _, err := resolve(t.Context(), "b.herd.test", "443"); err == nil {
		t.Error("unmapped host resolved")
	}
	if _, err := MapHosts(map[string]string{"a": "not-an-address"}); err == nil {
		t.Error("MapHosts accepted a value that is not ip:port")
	}
}

// A hostile document redirects from a host Herd may reach to an internal
// one: each hop is dialed again and checked again.
func TestRedirectToRefusedAddress(t *testing.T) {
	internal, conns := countingListener(t)
	for _, tc := range []struct {
		name, target string
		want         netip.Addr
	}{
		{"loopback literal", "http://" + internal.String() + "/", internal.Addr()},
		{"IPv6 loopback", fmt.Sprintf("http://[::1]:%d/", internal.Port()), netip.IPv6Loopback()},
		{"mapped loopback", fmt.Sprintf("http://[::ffff:127.0.0.1]:%d/", internal.Port()), internal.Addr()},
		{"cloud metadata", "http://169.254.169.254/latest/meta-data/", netip.MustParseAddr("169.254.169.254")},
		{"private", "http://10.0.0.1/", netip.MustParseAddr("10.0.0.1")},
		{"hostname resolving to loopback", "http://internal.herd.test/", internal.Addr()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			front := newServer(t, standIn.String(), func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, tc.target, http.StatusFound)
			})
			c := New(Options{
				permit: permitStandIn,
				Resolve: mustMap(t, map[string]string{
					"front.herd.test":    front.Listener.Addr().String(),
					"internal.herd.test": internal.String(),
				}),
			})
			_, err := get(t, c, "http://front.herd.test/")
			wantBlockedAddr(t, err, tc.want)
			if front.hits.Load() != 1 {
				t.Fatalf("first hop received %d requests, want 1", front.hits.Load())
			}
		})
	}
	if n := conns.Load(); n != 0 {
		t.Fatalf("internal listener accepted %d connections, want 0", n)
	}
}

func TestRedirectToRefusedURL(t *testing.T) {
	for _, target := range []string{
		"file:///etc/passwd",
		"ftp://front.herd.test/",
		"gopher://front.herd.test:70/",
		"http://user:secret@front.herd.test/",
	} {
		t.Run(target, func(t *testing.T) {
			front := newServer(t, "", func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/" {
					w.Header().Set("Location", target)
					w.WriteHeader(http.StatusFound)
				}
			})
			c := New(Options{AllowPrivateAddresses: true, Resolve: mustMap(t, map[string]string{
				"front.herd.test": front.Listener.Addr().String(),
			})})
			_, err := get(t, c, "http://front.herd.test/")
			wantBlockedURL(t, err)
			if front.hits.Load() != 1 {
				t.Fatalf("server received %d requests, want 1", front.hits.Load())
			}
		})
	}
}

func TestRedirectFromHTTPSToHTTPRefused(t *testing.T) {
	plain := newServer(t, "", ok)
	secure := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://example.com/", http.StatusFound)
	}))
	t.Cleanup(secure.Close)
	pool := x509.NewCertPool()
	pool.AddCert(secure.Certificate())
	c := New(Options{
		AllowPrivateAddresses: true,
		RootCAs:               pool,
		Resolve: mustMap(t, map[string]string{
			"example.com:443": secure.Listener.Addr().String(),
			"example.com:80":  plain.Listener.Addr().String(),
		}),
	})
	_, err := get(t, c, "https://example.com/")
	wantBlockedURL(t, err)
	if !strings.Contains(err.Error(), "https to http") {
		t.Fatalf("err = %v, want the downgrade named", err)
	}
	if plain.hits.Load() != 0 {
		t.Fatal("the plain-HTTP target was requested")
	}
}

func TestRedirectLimit(t *testing.T) {
	for _, tc := range []struct {
		name         string
		maxRedirects int
		hops         int
		wantErr      bool
	}{
		{"default allows 3", 0, 3, false},
		{"default refuses 4", 0, 4, true},
		{"1 allows 1", 1, 1, false},
		{"1 refuses 2", 1, 2, true},
		{"negative follows none", -1, 1, true},
		{"negative allows a direct answer", -1, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, "", func(w http.ResponseWriter, r *http.Request) {
				var n int
				fmt.Sscanf(r.URL.Path, "/hop/%d", &n)
				if n < tc.hops {
					http.Redirect(w, r, fmt.Sprintf("/hop/%d", n+1), http.StatusFound)
					return
				}
				w.Write([]byte("end"))
			})
			c := New(Options{AllowPrivateAddresses: true, MaxRedirects: tc.maxRedirects})
			_, err := get(t, c, srv.URL+"/hop/0")
			if tc.wantErr {
				// errors.Is must see through *url.Error.
				if !errors.Is(err, ErrTooManyRedirects) {
					t.Fatalf("err = %v, want ErrTooManyRedirects", err)
				}
				if got := srv.hits.Load(); got != int64(tc.hops) {
					t.Fatalf("server received %d requests, want %d (the refused hop not sent)", got, tc.hops)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := srv.hits.Load(); got != int64(tc.hops+1) {
				t.Fatalf("server received %d requests, want %d", got, tc.hops+1)
			}
		})
	}
}

func TestRefusedURLs(t *testing.T) {
	srv := newServer(t, "", ok)
	c := New(Options{AllowPrivateAddresses: true})
	host := srv.Listener.Addr().String()
	for _, u := range []string{
		"ftp://" + host + "/",
		"file:///etc/passwd",
		"gopher://" + host + "/",
		"ws://" + host + "/",
		"http://user:pw@" + host + "/",
		"http://user@" + host + "/",
		"http:///path",
		"http://127.0.0.1:0/",
	} {
		t.Run(u, func(t *testing.T) {
			_, err := get(t, c, u)
			wantBlockedURL(t, err)
		})
	}
	if srv.hits.Load() != 0 {
		t.Fatalf("server received %d requests, want 0", srv.hits.Load())
	}
}

func TestUserAgent(t *testing.T) {
	var got []string
	srv := newServer(t, "", func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.UserAgent())
	})
	c := New(Options{AllowPrivateAddresses: true, Domain: "herd.example"})
	if _, err := get(t, c, srv.URL); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL, nil)
	req.Header.Set("User-Agent", "caller/1")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := []string{"Herd/0.1.0 (+https://herd.example/)", "caller/1"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("User-Agents %q, want %q", got, want)
	}
}

// A proxy from the environment would connect on Herd's behalf, past the
// address check: the client must ignore HTTP_PROXY and friends.
func TestNoProxyFromEnvironment(t *testing.T) {
	proxy := newServer(t, "", ok)
	target := newServer(t, "", ok)
	for _, v := range []string{"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"} {
		t.Setenv(v, proxy.URL)
	}
	t.Setenv("NO_PROXY", "")
	t.Setenv("no_proxy", "")
	c := New(Options{AllowPrivateAddresses: true, Resolve: mustMap(t, map[string]string{
		"a.herd.test": target.Listener.Addr().String(),
	})})
	if c.transport.Proxy != nil {
		t.Fatal("transport has a Proxy function")
	}
	if _, err := get(t, c, "http://a.herd.test/"); err != nil {
		t.Fatal(err)
	}
	if proxy.hits.Load() != 0 || target.hits.Load() != 1 {
		t.Fatalf("proxy hits %d, target hits %d; want 0 and 1", proxy.hits.Load(), target.hits.Load())
	}
}

// Without a test resolver the system resolver answers, and every address it
// gives (127.0.0.1 and ::1 for localhost) is checked at dial time.
func TestSystemResolverAnswersAreChecked(t *testing.T) {
	srv := newServer(t, "", ok)
	u := fmt.Sprintf("http://localhost:%d/", srv.addr().Port())
	_, err := get(t, New(Options{}), u)
	var blocked *BlockedAddressError
	if !errors.As(err, &blocked) || !blocked.Addr.IsLoopback() {
		t.Fatalf("err = %v, want a loopback address refused", err)
	}
	if srv.hits.Load() != 0 {
		t.Fatalf("server received %d requests, want 0", srv.hits.Load())
	}
}
