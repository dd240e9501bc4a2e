package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"herd/internal/core/fault"
	"herd/internal/core/streams"
	"herd/internal/door"
	"herd/internal/ids"
	"herd/internal/model"
)

// The streaming API (docs.joinmastodon.org/methods/streaming), served by
// the same binary and port as the rest of the API: a multiplexed WebSocket
// at /api/v1/streaming (streaming_ws.go) and one server-sent events stream
// per path below it. core/streams decides what reaches each connection;
// this door renders it as the REST API would for the connection's viewer
// and writes it out.

// streamQueueMax bounds the bytes one connection may have waiting to be
// written: a client that falls this far behind is disconnected (it
// refetches its timelines when it reconnects, as Mastodon's clients do).
const streamQueueMax = 256 << 10

// Heartbeats keep proxies from closing idle streams: an SSE comment every
// 15 s, a WebSocket ping every 30 s (Mastodon's intervals). A WebSocket
// whose client answers no ping for wsPongWait is closed.
const (
	sseHeartbeat = 15 * time.Second
	wsPing       = 30 * time.Second
	wsPongWait   = 75 * time.Second
	streamWrite  = 10 * time.Second // longest wait for one write to a client
)

// sseChannels maps the SSE paths to their streams; public ones take
// ?only_media=true to become their :media variants.
var sseChannels = map[string]string{
	"user":              "user",
	"user/notification": "user:notification",
	"public":            "public",
	"public/local":      "public:local",
	"public/remote":     "public:remote",
	"hashtag":           "hashtag",
	"hashtag/local":     "hashtag:local",
	"list":              "list",
	"direct":            "direct",
}

// streamingHealth answers the health check Mastodon's streaming server has.
func (a *API) streamingHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	w.Write([]byte("OK"))
}

// streamSSE serves /api/v1/streaming/{channel...} as server-sent events.
func (a *API) streamSSE(w http.ResponseWriter, r *http.Request) error {
	name, ok := sseChannels[r.PathValue("channel")]
	if !ok {
		return fault.BadRequest("Unknown channel requested")
	}
	q := r.URL.Query()
	if strings.HasPrefix(name, "public") && truthy(q.Get("only_media")) {
		name += ":media"
	}
	st, err := streams.ParseStream(name, q.Get("tag"), q.Get("list"))
	if err != nil {
		return err
	}
	v, err := a.streamViewer(r, "")
	if err != nil {
		return err
	}
	sc := a.newStreamConn(v, sseFrame)
	sc.sse = true
	conn, err := a.core.Streams.Open(r.Context(), v, sc, st)
	if err != nil {
		return err
	}
	defer conn.Close()
	door.ServeEvents(r.Context(), w, sc, sseHeartbeat, streamWrite)
	return nil
}

// streamViewer authenticates a streaming request: the token comes in the
// Authorization header, the access_token parameter or, for a WebSocket,
// Sec-WebSocket-Protocol (protocolToken). Only user tokens stream.
func (a *API) streamViewer(r *http.Request, protocolToken string) (*model.Viewer, error) {
	secret := bearerToken(r)
	if secret == "" {
		secret = protocolToken
	}
	if secret == "" {
		return nil, fault.Unauthorized("Missing access token")
	}
	v, err := a.core.Accounts.Authenticate(r.Context(), secret)
	if err != nil {
		return nil, err
	}
	if v.Account == nil {
		return nil, fault.Unauthorized("Invalid access token")
	}
	return v, nil
}

// truthy reads a boolean parameter as Mastodon's streaming server does.
func truthy(s string) bool {
	switch strings.ToLower(s) {
	case "1", "true", "t", "on", "yes":
		return true
	}
	return false
}

// streamConn is the door's end of one streaming connection: events are
// rendered for its viewer as they are delivered, framed (SSE or
// WebSocket) and queued for the connection's writer, within
// streamQueueMax and the node's budget for all stream queues.
type streamConn struct {
	a        *API
	viewerID int64
	budget   *streams.Budget
	frame    func(ev streams.Event, payload []byte) []byte
	sse      bool // frames are server-sent events (else WebSocket messages)

	mu     sync.Mutex
	queue  [][]byte
	queued int
	closed bool
	wake   chan struct{} // something was queued
	done   chan struct{} // closed when the connection must end
}

func (a *API) newStreamConn(v *model.Viewer, frame func(streams.Event, []byte) []byte) *streamConn {
	return &streamConn{a: a, viewerID: v.AccountID(), budget: a.core.Streams.Budget(), frame: frame,
		wake: make(chan struct{}, 1), done: make(chan struct{})}
}

// Deliver renders and queues an event; a connection that would pass its
// bound is ended instead. When the node's budget is spent, a connection
// with nothing waiting still gets its event (so a burst reaching
// thousands of idle clients passes) and one already behind is ended.
func (sc *streamConn) Deliver(ev streams.Event) {
	if f := sc.a.frames.get(ev, sc); f != nil {
		sc.send(f)
		return
	}
	payload := sc.payload(ev)
	if payload == nil {
		return
	}
	f := sc.frame(ev, payload)
	sc.a.frames.put(ev, sc, f)
	sc.send(f)
}

// frameMemo keeps the last status frame rendered, for each framing:
// core/streams hands one view of a new post to all its recipients, so a
// post going to thousands of connections is rendered once (a frame is
// never changed once queued, so connections share its bytes). The
// rendering depends on the viewer only through pinned, shown to the
// author alone, which is part of the key.
type frameMemo struct {
	mu   sync.Mutex
	last [2]memoFrame // by framing: WebSocket, SSE
}

type memoFrame struct {
	view   *model.StatusView
	name   string
	stream string
	pinned bool
	frame  []byte
}

func (m *frameMemo) slot(ev streams.Event, sc *streamConn) (*memoFrame, memoFrame, bool) {
	if ev.Status == nil {
		return nil, memoFrame{}, false
	}
	i := 0
	if sc.sse {
		i = 1
	}
	key := memoFrame{view: ev.Status, name: ev.Name, stream: strings.Join(ev.Stream, "\x00"), pinned: showsPinned(ev.Status, sc.viewerID)}
	return &m.last[i], key, true
}

func (m *frameMemo) get(ev streams.Event, sc *streamConn) []byte {
	at, key, ok := m.slot(ev, sc)
	if !ok {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if at.view == key.view && at.name == key.name && at.stream == key.stream && at.pinned == key.pinned {
		return at.frame
	}
	return nil
}

func (m *frameMemo) put(ev streams.Event, sc *streamConn, f []byte) {
	at, key, ok := m.slot(ev, sc)
	if !ok {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	key.frame = f
	*at = key
}

// send queues a framed message (see Deliver).
func (sc *streamConn) send(f []byte) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.closed {
		return
	}
	if sc.queued+len(f) > streamQueueMax || (!sc.budget.Take(len(f)) && !sc.force(len(f))) {
		sc.closeLocked()
		return
	}
	sc.queue = append(sc.queue, f)
	sc.queued += len(f)
	select {
	case sc.wake <- struct{}{}:
	default:
	}
}

// force takes n bytes past the budget for a connection with an empty
// queue; called with mu held.
func (sc *streamConn) force(n int) bool {
	if sc.queued > 0 {
		return false
	}
	sc.budget.Force(n)
	return true
}

// payload renders an event's payload as the REST API would for the
// connection's viewer: a Status, a Notification, or a deleted id.
func (sc *streamConn) payload(ev streams.Event) []byte {
	switch {
	case ev.Status != nil:
		return sc.a.appendStatus(nil, ev.Status, sc.viewerID)
	case ev.Notification != nil:
		b, err := json.Marshal(sc.a.notificationEntity(ev.Notification, sc.viewerID))
		if err != nil {
			return nil
		}
		return b
	case ev.DeletedID != 0:
		return []byte(ids.Format(ev.DeletedID))
	}
	return nil
}

// Take empties the queue for the writer, giving its bytes back.
func (sc *streamConn) Take() [][]byte {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	out := sc.queue
	sc.queue = nil
	sc.budget.Give(sc.queued)
	sc.queued = 0
	return out
}

// Close ends the connection (core/streams calls it when the token is
// revoked or the account suspended).
func (sc *streamConn) Close() {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.closeLocked()
}

func (sc *streamConn) closeLocked() {
	if sc.closed {
		return
	}
	sc.closed = true
	sc.budget.Give(sc.queued)
	sc.queue, sc.queued = nil, 0
	close(sc.done)
}

// sseFrame is an event as server-sent events carry it.
func sseFrame(ev streams.Event, payload []byte) []byte {
	b := make([]byte, 0, len(ev.Name)+len(payload)+17)
	b = append(b, "event: "...)
	b = append(b, ev.Name...)
	b = append(b, "\ndata: "...)
	b = append(b, payload...)
	return append(b, "\n\n"...)
}

// wsFrame is an event as a WebSocket message carries it: the stream, the
// event's name and its payload as a JSON string.
func wsFrame(ev streams.Event, payload []byte) []byte {
	b := make([]byte, 0, len(payload)+len(payload)/8+64)
	b = append(b, `{"stream":`...)
	b, _ = appendJSON(b, ev.Stream)
	b = append(b, `,"event":`...)
	b, _ = appendJSON(b, ev.Name)
	b = append(b, `,"payload":`...)
	b, _ = appendJSON(b, string(payload))
	return append(b, '}')
}

func appendJSON(b []byte, v any) ([]byte, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return b, err
	}
	return append(b, j...), nil
}

// Wake receives when frames are waiting (door.EventStream).
func (sc *streamConn) Wake() <-chan struct{} { return sc.wake }

// Done is closed when the connection must end (door.EventStream).
func (sc *streamConn) Done() <-chan struct{} { return sc.done }
