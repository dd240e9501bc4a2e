// Package door is what Herd's doors (the client API, the web interface,
// OAuth, federation) share on the HTTP side: handlers that return an
// error, and one way that error becomes an answer. Which status a failure
// gets, what a client may be told of it and what the log keeps are decided
// here, once, from core's fault.Error; each door only says how its answer
// is written (Mastodon's {"error": …} JSON, an HTML error page, RFC 6749's
// JSON).
package door

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"herd/internal/core/fault"
)

// Func is a door's handler: it writes its answer, or returns an error for
// the Adapter to answer. It returns nil once it has written anything.
type Func func(w http.ResponseWriter, r *http.Request) error

// Failure is an error as every door answers it.
type Failure struct {
	// Status is the HTTP status: a fault.Error's client status (4xx), or
	// 500 for anything else.
	Status int
	// Message is safe to show the client: the fault.Error's message, or ""
	// for a server error, which each door words itself.
	Message string
	// Err is the error returned, for a door whose answer says more than the
	// message (OAuth's error code, a page's title).
	Err error
}

// Internal reports whether the failure is the server's (a 500): the client
// learns nothing of it, the log learns everything.
func (f Failure) Internal() bool { return f.Status >= http.StatusInternalServerError }

// FailureOf is the one mapping from core's errors to HTTP answers: a
// fault.Error with a client status (4xx) keeps its status and message, as
// Mastodon answers them; anything else is a 500 with no message. Core
// never builds a fault.Error of a server status; one that a door built
// would be a 500 like any unforeseen error.
func FailureOf(err error) Failure {
	if e, ok := fault.As(err); ok && e.Status >= 400 && e.Status < 500 {
		return Failure{Status: e.Status, Message: e.Message, Err: err}
	}
	return Failure{Status: http.StatusInternalServerError, Err: err}
}

// Adapter turns a door's Funcs into http.Handlers, answering what they
// return through FailureOf and the door's Write.
type Adapter struct {
	Log *slog.Logger
	// Write writes a failure's answer in the door's format (headers,
	// status, body).
	Write func(w http.ResponseWriter, r *http.Request, f Failure)
}

// Handler serves fn, answering its error.
func (a Adapter) Handler(fn Func) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			a.Fail(w, r, err)
		}
	}
}

// Fail answers err: logged as its failure deserves (a server error with
// its cause, a client error only when it carries a cause), then written
// by the door. A request its client gave up on (context.Canceled with the
// request's context done) gets no answer: nobody is there to read it.
func (a Adapter) Fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		return
	}
	f := FailureOf(err)
	if f.Internal() {
		a.Log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	} else if e, _ := fault.As(err); e.Cause != nil {
		a.Log.Warn("request failed", "path", r.URL.Path, "status", e.Status, "err", e.Cause)
	}
	a.Write(w, r, f)
}
