package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"herd/internal/core/fault"
	"herd/internal/core/streams"
	"herd/internal/door"
)

// wsUpgrader keeps a connection's memory small: most messages are a few
// KB and larger ones go out in several frames, so the buffers are 1 KB and
// the write buffer is lent from a pool only while a message is written.
// Any origin may connect: streams authenticate with bearer tokens, never
// cookies, as Mastodon's (CORS open to all).
var wsUpgrader = websocket.Upgrader{
	ReadBufferSize:  1024,
	WriteBufferSize: 1024,
	WriteBufferPool: &sync.Pool{},
	CheckOrigin:     func(*http.Request) bool { return true },
}

// wsReadLimit bounds a client's message (subscribe and unsubscribe are a
// few dozen bytes).
const wsReadLimit = 4096

// streamWebSocket serves the multiplexed WebSocket at /api/v1/streaming. A
// plain GET (no upgrade) answers 404, as Mastodon's does when streaming
// shares the API's host: clients read that as "stream here".
func (a *API) streamWebSocket(w http.ResponseWriter, r *http.Request) error {
	if !websocket.IsWebSocketUpgrade(r) {
		return fault.NotFound("Not found")
	}
	protocolToken := strings.TrimSpace(r.Header.Get("Sec-WebSocket-Protocol"))
	v, err := a.streamViewer(r, protocolToken)
	if err != nil {
		w.Header().Set("X-Error-Message", door.FailureOf(err).Message)
		return err
	}
	// The lookups of later subscriptions need a context that outlives the
	// request's, which ends with this handler, and nothing but the socket.
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	// The stream named in the URL is subscribed before the upgrade, so
	// nothing posted once the client is connected is missed; a refusal
	// of it is told on the socket, which stays open, as Mastodon does.
	q := r.URL.Query()
	var first []streams.Stream
	var refused error
	if name := q.Get("stream"); name != "" {
		st, err := streams.ParseStream(name, q.Get("tag"), q.Get("list"))
		if err != nil {
			refused = err
		} else {
			first = append(first, st)
		}
	}
	sc := a.newStreamConn(v, wsFrame)
	conn, err := a.core.Streams.Open(ctx, v, sc, first...)
	if f, ok := fault.As(err); ok && len(first) > 0 && f.Status != http.StatusTooManyRequests {
		refused = err
		conn, err = a.core.Streams.Open(ctx, v, sc)
	}
	if err != nil {
		cancel()
		w.Header().Set("X-Error-Message", door.FailureOf(err).Message)
		return err
	}
	if refused != nil {
		a.wsRefuse(sc, refused)
	}
	up := wsUpgrader
	if protocolToken != "" {
		up.Subprotocols = []string{protocolToken} // the browser checks it is echoed
	}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		conn.Close()
		cancel()
		return nil // Upgrade has answered the client
	}
	// The socket lives on in two goroutines of its own; this handler
	// returns, so net/http lets go of the request's buffers and the
	// handler's stack (~10 KB a connection, measured with 5,000 open).
	go a.wsRead(ctx, ws, conn, sc)
	go func() {
		defer cancel()
		defer conn.Close()
		defer ws.Close()
		a.wsWrite(ws, sc)
	}()
	return nil
}

// wsWrite writes what is queued, and pings, until the connection ends.
func (a *API) wsWrite(ws *websocket.Conn, sc *streamConn) {
	ping := time.NewTicker(wsPing)
	defer ping.Stop()
	defer sc.Close() // the reader learns of it when the socket closes
	for {
		select {
		case <-sc.done:
			ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""),
				time.Now().Add(time.Second))
			return
		case <-ping.C:
			if ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(streamWrite)) != nil {
				return
			}
		case <-sc.wake:
			for _, f := range sc.Take() {
				ws.SetWriteDeadline(time.Now().Add(streamWrite))
				if ws.WriteMessage(websocket.TextMessage, f) != nil {
					return
				}
			}
		}
	}
}

// wsMessage is what clients send: {"type":"subscribe","stream":"hashtag",
// "tag":"cats"}. Stream may come as an array (its first item counts) and
// list as a number.
type wsMessage struct {
	Type   string          `json:"type"`
	Stream json.RawMessage `json:"stream"`
	Tag    json.RawMessage `json:"tag"`
	List   json.RawMessage `json:"list"`
}

// wsRead reads the client's messages until the socket fails or closes. A
// client that answers no ping within wsPongWait is gone.
func (a *API) wsRead(ctx context.Context, ws *websocket.Conn, conn *streams.Conn, sc *streamConn) {
	defer sc.Close()
	ws.SetReadLimit(wsReadLimit)
	alive := func() { ws.SetReadDeadline(time.Now().Add(wsPongWait)) }
	alive()
	ws.SetPongHandler(func(string) error { alive(); return nil })
	for {
		kind, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		alive()
		if kind == websocket.BinaryMessage {
			ws.WriteControl(websocket.CloseMessage,
				websocket.FormatCloseMessage(websocket.CloseUnsupportedData, "binary messages are not supported"),
				time.Now().Add(time.Second))
			return
		}
		var m wsMessage
		if json.Unmarshal(data, &m) != nil {
			continue // Mastodon ignores what it cannot parse
		}
		name, tag, list := firstParam(m.Stream), firstParam(m.Tag), firstParam(m.List)
		switch m.Type {
		case "subscribe":
			a.wsSubscribe(ctx, conn, sc, name, tag, list)
		case "unsubscribe":
			st, err := streams.ParseStream(name, tag, list)
			if err != nil {
				sc.send(wsError("Error unsubscribing from channel", 0))
				continue
			}
			conn.Unsubscribe(st)
		}
	}
}

// wsSubscribe adds a stream, answering a refusal as Mastodon does:
// {"error":"Unknown stream type","status":400} on the socket, which stays
// open.
func (a *API) wsSubscribe(ctx context.Context, conn *streams.Conn, sc *streamConn, name, tag, list string) {
	st, err := streams.ParseStream(name, tag, list)
	if err == nil {
		err = conn.Subscribe(ctx, st)
	}
	if err != nil {
		a.wsRefuse(sc, err)
	}
}

// wsRefuse tells the client a subscription was refused.
func (a *API) wsRefuse(sc *streamConn, err error) {
	f := door.FailureOf(err)
	if f.Internal() {
		a.log.Error("streaming: subscribe", "err", err)
	}
	sc.send(wsError(f.Message, f.Status))
}

// wsError is an error message on the socket; status 0 leaves it out.
func wsError(msg string, status int) []byte {
	b, _ := appendJSON([]byte(`{"error":`), msg)
	if status != 0 {
		b = append(b, `,"status":`...)
		b = strconv.AppendInt(b, int64(status), 10)
	}
	return append(b, '}')
}

// firstParam reads a message field as Mastodon does: a string, a number,
// or the first item of an array of them.
func firstParam(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil && len(list) > 0 {
		return firstParam(list[0])
	}
	return ""
}
