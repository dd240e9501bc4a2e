package door

import (
	"context"
	"net/http"
	"time"
)

// EventStream is what ServeEvents writes from: frames queued by whoever
// feeds the stream, a signal when some are waiting, and a signal that the
// stream must end.
type EventStream interface {
	Take() [][]byte        // the frames waiting, in order, emptying the queue
	Wake() <-chan struct{} // receives when frames are waiting
	Done() <-chan struct{} // closed when the stream must end
}

// ServeEvents answers a request with a server-sent events stream: the
// headers, Mastodon's opening comment, then each frame as it comes and a
// heartbeat comment every heartbeat (so proxies keep idle streams open),
// until the client leaves, the stream ends or a write takes longer than
// writeTimeout. The client API's streams and the web pages' share it.
func ServeEvents(ctx context.Context, w http.ResponseWriter, s EventStream, heartbeat, writeTimeout time.Duration) {
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: pass events on as they come
	w.WriteHeader(http.StatusOK)
	write := func(b []byte) bool {
		rc.SetWriteDeadline(time.Now().Add(writeTimeout))
		if _, err := w.Write(b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !write([]byte(":)\n")) {
		return
	}
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.Done():
			return
		case <-tick.C:
			if !write([]byte(":thump\n")) {
				return
			}
		case <-s.Wake():
			for _, f := range s.Take() {
				if !write(f) {
					return
				}
			}
		}
	}
}
