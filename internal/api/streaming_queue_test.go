package api

import (
	"strings"
	"testing"

	"herd/internal/core/streams"
)

// TestSlowStreamClientIsCut: a client that reads nothing gets its
// connection ended once streamQueueMax bytes wait for it, and what it
// held goes back to the node's budget; a client that keeps reading is
// never cut.
func TestSlowStreamClientIsCut(t *testing.T) {
	c := newTestStreams(t, 1<<20)
	slow, reader := c.conn(), c.conn()
	ev := streams.Event{Stream: []string{"user"}, Name: "delete", DeletedID: 1}
	big := []byte(strings.Repeat("x", 4000)) // a framed status, as Deliver queues it
	for range 200 {
		slow.send(big)
		reader.send(big)
		reader.Take()
	}
	select {
	case <-slow.done:
	default:
		t.Fatalf("slow client still open with %d bytes queued", slow.queued)
	}
	select {
	case <-reader.done:
		t.Fatal("a client that reads was cut")
	default:
	}
	slow.Deliver(ev) // ignored once closed
	if used := c.budget.Used(); used != 0 {
		t.Errorf("budget holds %d bytes after the slow client was cut and the other read everything", used)
	}
}

// TestStreamBudgetSharedByConnections: when the node's budget for stream
// queues is spent, a connection with nothing waiting still gets its event
// (a burst to thousands of idle clients passes) and one already behind is
// cut.
func TestStreamBudgetSharedByConnections(t *testing.T) {
	c := newTestStreams(t, 100)
	behind, idle := c.conn(), c.conn()
	ev := streams.Event{Stream: []string{"user"}, Name: "delete", DeletedID: 123456789}
	behind.Deliver(ev) // ~50 bytes
	behind.Deliver(ev) // ~100: at the budget
	idle.Deliver(ev)   // past it, but idle had nothing waiting
	if len(idle.queue) != 1 {
		t.Errorf("idle connection's queue = %d, want its one event", len(idle.queue))
	}
	behind.Deliver(ev)
	select {
	case <-behind.done:
	default:
		t.Errorf("connection behind kept past the budget (%d bytes queued, budget %d used)", behind.queued, c.budget.Used())
	}
}

type testStreams struct {
	a      *API
	budget *streams.Budget
}

func newTestStreams(t *testing.T, budget int64) *testStreams {
	svc := streams.New(streams.Deps{QueueBytes: budget})
	return &testStreams{a: &API{}, budget: svc.Budget()}
}

func (c *testStreams) conn() *streamConn {
	return &streamConn{a: c.a, viewerID: 1, budget: c.budget, frame: wsFrame,
		wake: make(chan struct{}, 1), done: make(chan struct{})}
}
