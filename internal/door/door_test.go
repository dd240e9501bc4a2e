package door_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"herd/internal/core/fault"
	"herd/internal/door"
)

// TestFailureOf: core's client errors keep their status and message,
// wrapped or not; anything else is a 500 that tells the client nothing.
func TestFailureOf(t *testing.T) {
	validation := fmt.Errorf("saving: %w", fault.Unprocessable("Validation failed: Text can't be blank"))
	for _, tc := range []struct {
		name    string
		err     error
		status  int
		message string
	}{
		{"not found", fault.ErrRecordNotFound, 404, "Record not found"},
		{"wrapped", validation, 422, "Validation failed: Text can't be blank"},
		{"with a cause", &fault.Error{Status: 403, Message: "Forbidden", Cause: errors.New("why")}, 403, "Forbidden"},
		{"unforeseen", errors.New("disk on fire"), 500, ""},
		{"a server status", &fault.Error{Status: 503, Message: "Down"}, 500, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := door.FailureOf(tc.err)
			if f.Status != tc.status || f.Message != tc.message || f.Err != tc.err || f.Internal() != (tc.status == 500) {
				t.Errorf("FailureOf = %+v, want %d %q", f, tc.status, tc.message)
			}
		})
	}
}

// TestAdapter: a handler's error is logged as it deserves and written by
// the door; nothing is written when the handler succeeds or its client
// has gone.
func TestAdapter(t *testing.T) {
	for _, tc := range []struct {
		name     string
		err      error
		cancel   bool
		answer   string // what Write was given, "" when not called
		logLevel string // "" when nothing is logged
	}{
		{name: "success"},
		{name: "client error", err: fault.ErrRecordNotFound, answer: "404 Record not found"},
		{name: "client error with a cause", err: &fault.Error{Status: 422, Message: "Bad file", Cause: errors.New("ffmpeg")},
			answer: "422 Bad file", logLevel: "WARN"},
		{name: "server error", err: errors.New("disk on fire"), answer: "500 ", logLevel: "ERROR"},
		{name: "client gone", err: fmt.Errorf("query: %w", context.Canceled), cancel: true},
		{name: "canceled, client still there", err: context.Canceled, answer: "500 ", logLevel: "ERROR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			var answer string
			a := door.Adapter{Log: slog.New(slog.NewTextHandler(&logs, nil)),
				Write: func(w http.ResponseWriter, r *http.Request, f door.Failure) {
					answer = fmt.Sprintf("%d %s", f.Status, f.Message)
				}}
			ctx, cancel := context.WithCancel(context.Background())
			if tc.cancel {
				cancel()
			}
			defer cancel()
			req := httptest.NewRequestWithContext(ctx, "GET", "/x", nil)
			a.Handler(func(http.ResponseWriter, *http.Request) error { return tc.err })(httptest.NewRecorder(), req)
			if answer != tc.answer {
				t.Errorf("answer %q, want %q", answer, tc.answer)
			}
			got := logs.String()
			if (tc.logLevel == "" && got != "") || (tc.logLevel != "" && !strings.Contains(got, "level="+tc.logLevel)) {
				t.Errorf("log %q, want level %q", got, tc.logLevel)
			}
		})
	}
}
