package server

import (
	"errors"
	"io"
	"net/http"
	"time"
)

// Request bodies must arrive at a minimum rate. Only the header has a
// timeout of its own (http.Server's ReadHeaderTimeout): without this, a
// client that announces a body and sends a byte every few seconds holds a
// connection, a file descriptor and a goroutine for as long as it likes,
// and a hundred such clients cost an attacker nothing. A whole-request
// ReadTimeout would instead cut off large media on slow links, so the
// deadline grows with what has arrived: after a grace period, the body must
// keep up an average of minRate bytes a second. The defaults (config:
// HERD_BODY_MIN_RATE, 4 KB/s after 10 s) admit a 32 kbit/s link, slower
// than any phone network still in use, and cut a byte every 5 s after 10 s.
type bodyDeadline struct {
	grace   time.Duration // time allowed before the rate counts
	minRate int64         // bytes per second; 0 turns the check off
}

// wrap applies the deadline to requests that carry a body.
func (d bodyDeadline) wrap(next http.Handler) http.Handler {
	if d.minRate <= 0 {
		return next
	}
	grace := d.grace
	if grace <= 0 {
		grace = 10 * time.Second
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
			next.ServeHTTP(w, r)
			return
		}
		rb := &rateBody{body: r.Body, rc: http.NewResponseController(w), grace: grace, minRate: d.minRate, start: time.Now()}
		if rb.extend(0) {
			r.Body = rb
		}
		next.ServeHTTP(w, r)
	})
}

// rateBody moves the connection's read deadline forward as bytes arrive.
// The last deadline set stays in force after the handler returns, so the
// server's own read of an unread remainder (to reuse the connection) is
// bounded too.
type rateBody struct {
	body    io.ReadCloser
	rc      *http.ResponseController
	grace   time.Duration
	minRate int64
	start   time.Time
	read    int64
}

// extend sets the deadline for a body of which n bytes have arrived; false
// when the connection cannot take deadlines (then nothing is wrapped).
func (b *rateBody) extend(n int64) bool {
	due := b.start.Add(b.grace + time.Duration(n)*time.Second/time.Duration(b.minRate))
	return !errors.Is(b.rc.SetReadDeadline(due), http.ErrNotSupported)
}

func (b *rateBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	b.read += int64(n)
	if err == io.EOF {
		// The whole body is in: from now on the server reads the
		// connection only to notice the client leaving, which must not
		// time out while a slow handler (a remote lookup) still works.
		b.rc.SetReadDeadline(time.Time{})
	} else {
		b.extend(b.read)
	}
	return n, err
}

func (b *rateBody) Close() error { return b.body.Close() }
