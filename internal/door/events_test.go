package door

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"
)

type fakeStream struct {
	frames     [][]byte
	wake, done chan struct{}
}

func (f *fakeStream) Take() [][]byte {
	out := f.frames
	f.frames = nil
	close(f.done) // one batch, then the stream ends
	return out
}
func (f *fakeStream) Wake() <-chan struct{} { return f.wake }
func (f *fakeStream) Done() <-chan struct{} { return f.done }

// TestServeEvents: the opening comment, then the frames in order, as an
// event stream that proxies must not buffer; the stream ends with its source.
func TestServeEvents(t *testing.T) {
	s := &fakeStream{frames: [][]byte{[]byte("event: a\ndata: 1\n\n"), []byte("event: b\ndata: 2\n\n")},
		wake: make(chan struct{}, 1), done: make(chan struct{})}
	s.wake <- struct{}{}
	w := httptest.NewRecorder()
	ServeEvents(context.Background(), w, s, time.Hour, time.Second)
	if got, want := w.Body.String(), ":)\nevent: a\ndata: 1\n\nevent: b\ndata: 2\n\n"; got != want {
		t.Errorf("body %q, want %q", got, want)
	}
	if w.Header().Get("Content-Type") != "text/event-stream" || w.Header().Get("X-Accel-Buffering") != "no" {
		t.Errorf("headers %v", w.Header())
	}
}
