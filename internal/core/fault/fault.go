// Package fault is how a use case fails: an Error carries a message safe to
// show a client and the HTTP status Mastodon answers with, apart from the
// cause, which only the log sees. Every core area returns these, and every
// door turns them into its answer in one place.
package fault

import (
	"errors"
	"fmt"
	"net/http"

	"herd/internal/model"
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

// BadRequest and friends build an Error with Mastodon's status for the case.
func BadRequest(msg string) *Error   { return &Error{Status: http.StatusBadRequest, Message: msg} }
func Unauthorized(msg string) *Error { return &Error{Status: http.StatusUnauthorized, Message: msg} }
func Forbidden(msg string) *Error    { return &Error{Status: http.StatusForbidden, Message: msg} }
func NotFound(msg string) *Error     { return &Error{Status: http.StatusNotFound, Message: msg} }
func Gone(msg string) *Error         { return &Error{Status: http.StatusGone, Message: msg} }
func Unprocessable(msg string) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Message: msg}
}
func TooManyRequests(msg string) *Error {
	return &Error{Status: http.StatusTooManyRequests, Message: msg}
}

// ErrRecordNotFound is Mastodon's message for any missing record.
var ErrRecordNotFound = NotFound("Record not found")

// As extracts an Error from err, if it holds one.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// NotFoundOr maps model.ErrNotFound to Mastodon's 404 (ErrRecordNotFound)
// and passes other errors through: how every area answers a missing row.
func NotFoundOr(err error) error {
	if errors.Is(err, model.ErrNotFound) {
		return ErrRecordNotFound
	}
	return err
}
