package web

import (
	"net/http"
	"sync"
	"time"

	"herd/internal/core/fault"
	"herd/internal/core/streams"
	"herd/internal/door"
	"herd/internal/ids"
	"herd/internal/model"
)

// The pages' live updates (poll.js): a signed-in browser opens
// /stream?stream=NAME[&tag=TAG] as server-sent events, authenticated by
// its session as every page is, and hears only that something happened —
// an event's name and its id. The page then fetches what is new as HTML
// (timelines: the poll that used to run every 20 s; a hashtag or the
// notifications: a reload offered behind a button), so the streams'
// rules of who sees what (core/streams) and the pages' rendering stay one
// each. Without JavaScript, or when the stream fails, the pages still
// work: timelines fall back to polling.

// signalQueue bounds the signals waiting for a browser: far more than a
// page shows in one "new posts" click; one that falls this far behind is
// cut, and its EventSource reconnects.
const signalQueue = 256

// pageStreams are the streams pages may follow.
var pageStreams = map[string]bool{"user": true, "user:notification": true, "public": true, "public:local": true,
	"hashtag": true, "hashtag:local": true}

// stream serves GET /stream.
func (h *Handler) stream(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	st, err := streams.ParseStream(q.Get("stream"), q.Get("tag"), "")
	if err != nil {
		return err
	}
	if !pageStreams[st.Name] {
		return fault.BadRequest("Unknown stream type")
	}
	v := h.viewer(r)
	// A session reads what its user may read; no token stands behind it,
	// so it is cut when the account is suspended, not on token revocation.
	sv := &model.Viewer{Account: v.Account, User: v.User, Token: &model.Token{Scopes: []string{"read"}}}
	sig := &signals{wake: make(chan struct{}, 1), done: make(chan struct{})}
	conn, err := h.core.Streams.Open(r.Context(), sv, sig, st)
	if err != nil {
		return err
	}
	defer conn.Close()
	door.ServeEvents(r.Context(), w, sig, 15*time.Second, 10*time.Second)
	return nil
}

// signals is a page's end of a stream: each event as its name and id.
type signals struct {
	mu     sync.Mutex
	queue  [][]byte
	closed bool
	wake   chan struct{}
	done   chan struct{}
}

func (s *signals) Deliver(ev streams.Event) {
	var id int64
	switch {
	case ev.Status != nil:
		id = ev.Status.Status.ID
	case ev.Notification != nil:
		id = ev.Notification.Notification.ID
	default:
		id = ev.DeletedID
	}
	f := []byte("event: " + ev.Name + "\ndata: " + ids.Format(id) + "\n\n")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if len(s.queue) >= signalQueue {
		s.closeLocked()
		return
	}
	s.queue = append(s.queue, f)
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *signals) Take() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.queue
	s.queue = nil
	return out
}

func (s *signals) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closeLocked()
}

func (s *signals) closeLocked() {
	if !s.closed {
		s.closed = true
		close(s.done)
	}
}

// streamQuery is the query a page's script opens /stream with.
func streamQuery(name, tag string) string {
	q := "stream=" + name
	if tag != "" {
		q += "&tag=" + tag
	}
	return q
}

func (s *signals) Wake() <-chan struct{} { return s.wake }
func (s *signals) Done() <-chan struct{} { return s.done }
