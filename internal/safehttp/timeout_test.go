package safehttp

import (
	"errors"
	"net"
	"net/http"
	"testing"
	"time"
)

// stall blocks a handler until the client goes away (or the test ends).
func stall(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(5 * time.Second):
	}
}

func TestTimeouts(t *testing.T) {
	for _, tc := range []struct {
		name    string
		opts    Options
		handler http.HandlerFunc
		inBody  bool // the error comes while reading the body
		within  time.Duration
	}{
		{
			name:    "no response headers",
			opts:    Options{ReadTimeout: 100 * time.Millisecond},
			handler: func(w http.ResponseWriter, r *http.Request) { stall(r) },
			within:  2 * time.Second,
		},
		{
			name: "body stalls after the headers",
			opts: Options{ReadTimeout: 100 * time.Millisecond},
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte("partial"))
				w.(http.Flusher).Flush()
				stall(r)
			},
			inBody: true,
			within: 2 * time.Second,
		},
		{
			name: "body trickles: each read is quick, the whole is too slow",
			opts: Options{ReadTimeout: 200 * time.Millisecond, Timeout: 400 * time.Millisecond},
			handler: func(w http.ResponseWriter, r *http.Request) {
				for {
					if _, err := w.Write([]byte("x")); err != nil {
						return
					}
					w.(http.Flusher).Flush()
					select {
					case <-r.Context().Done():
						return
					case <-time.After(20 * time.Millisecond):
					}
				}
			},
			inBody: true,
			within: 3 * time.Second,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, "", tc.handler)
			tc.opts.AllowPrivateAddresses = true
			start := time.Now()
			resp, err := get(t, New(tc.opts), srv.URL)
			if tc.inBody {
				if err != nil {
					t.Fatalf("headers: %v", err)
				}
				_, err = ReadLimited(resp, 0)
			}
			elapsed := time.Since(start)
			if !isTimeout(err) {
				t.Fatalf("err = %v, want a timeout", err)
			}
			if errors.Is(err, ErrBlocked) {
				t.Fatalf("a timeout reported as a policy refusal: %v", err)
			}
			if elapsed > tc.within {
				t.Fatalf("took %v, want under %v", elapsed, tc.within)
			}
		})
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func TestDefaults(t *testing.T) {
	c := New(Options{})
	if c.http.Timeout != 30*time.Second {
		t.Errorf("whole-request timeout %v, want 30s", c.http.Timeout)
	}
	if c.transport.ResponseHeaderTimeout != 10*time.Second || c.transport.TLSHandshakeTimeout != 10*time.Second {
		t.Errorf("header/handshake timeouts %v/%v, want 10s", c.transport.ResponseHeaderTimeout, c.transport.TLSHandshakeTimeout)
	}
	if c.dialer.net.Timeout != 5*time.Second {
		t.Errorf("connect timeout %v, want 5s", c.dialer.net.Timeout)
	}
}
