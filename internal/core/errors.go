package core

import (
	"errors"
	"fmt"
	"net/http"

	"herd/internal/store"
)

// Error is a use-case failure with two faces: Message is safe to show a
// client and Status is the HTTP status Mastodon answers with; Cause is for
// the log only. The adapters turn it into {"error": Message}.
type Error struct {
	Status  int
	Message string
	Cause   error
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s: %v", e.Message, e.Cause)
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Cause }

// ErrBadRequest and friends build an Error with Mastodon's status for the case.
func ErrBadRequest(msg string) *Error   { return &Error{Status: http.StatusBadRequest, Message: msg} }
func ErrUnauthorized(msg string) *Error { return &Error{Status: http.StatusUnauthorized, Message: msg} }
func ErrForbidden(msg string) *Error    { return &Error{Status: http.StatusForbidden, Message: msg} }
func ErrNotFound(msg string) *Error     { return &Error{Status: http.StatusNotFound, Message: msg} }
func ErrGone(msg string) *Error         { return &Error{Status: http.StatusGone, Message: msg} }
func ErrUnprocessable(msg string) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Message: msg}
}
func ErrTooManyRequests(msg string) *Error {
	return &Error{Status: http.StatusTooManyRequests, Message: msg}
}

// ErrRecordNotFound is Mastodon's message for any missing record.
var ErrRecordNotFound = ErrNotFound("Record not found")

// notFoundOr maps store.ErrNotFound to Mastodon's 404 and passes other
// errors through.
func notFoundOr(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return ErrRecordNotFound
	}
	return err
}

// ignoreNotFound treats store.ErrNotFound as nothing to do.
func ignoreNotFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

// AsError extracts a core Error from err, if it holds one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
