package web

import (
	"errors"
	"net/http"
	"net/url"

	"herd/internal/core/fault"
	"herd/internal/door"
	"herd/internal/session"
)

// pageError is a failure shown under a title of its own ("Too large",
// "Registrations are closed") rather than one its status gives.
type pageError struct {
	title string
	err   error
}

func (e *pageError) Error() string { return e.err.Error() }
func (e *pageError) Unwrap() error { return e.err }

// failureTitle is the title a failure is shown under: its own, the
// form's ("Bad request", "Expired form"), otherwise fallback.
func failureTitle(f door.Failure, fallback string) string {
	var pe *pageError
	switch {
	case f.Internal():
		return "Error"
	case errors.As(f.Err, &pe):
		return pe.title
	case errors.Is(f.Err, session.ErrFormUnreadable):
		return "Bad request"
	case errors.Is(f.Err, session.ErrFormExpired):
		return "Expired form"
	}
	return fallback
}

// writePageFailure answers a failure of the web interface: {"error": …}
// with its status to the pages' script (which then sends the form the
// ordinary way), the error page to a browser. A server error says only
// that it was ours.
func (h *Handler) writePageFailure(w http.ResponseWriter, r *http.Request, f door.Failure) {
	if isFetch(r) {
		msg := f.Message
		if f.Internal() {
			msg = "Something went wrong on our side."
		}
		writeJSON(w, f.Status, map[string]string{"error": msg})
		return
	}
	title := "Error"
	if f.Status == http.StatusNotFound {
		title = "Not found"
	}
	p := h.newPage(r, failureTitle(f, title), h.viewer(r), nil)
	p.Error = f.Message
	if f.Internal() {
		p.Error = "Something went wrong on our side. Please try again."
	}
	h.render(w, r, f.Status, "error", p)
}

// writePanelFailure answers a failure of the sign-in pages on their own
// error panel.
func (h *Handler) writePanelFailure(w http.ResponseWriter, r *http.Request, f door.Failure) {
	msg := f.Message
	if f.Internal() {
		msg = "Something went wrong on our side. Please try again."
	}
	h.showPanel(w, r, f.Status, "error", failureTitle(f, "Error"), msg, nil)
}

// signInFirst answers a visitor on a route for users: a page asked for
// sends the browser to sign in and come back; a form sent (the session
// ended meanwhile) signs in and returns to the page it came from; the
// pages' script gets a 401.
func (h *Handler) signInFirst(w http.ResponseWriter, r *http.Request) error {
	switch {
	case isFetch(r):
		return fault.Unauthorized("Sign in first.")
	case r.Method == http.MethodGet || r.Method == http.MethodHead:
		signInRedirect(w, r)
	default:
		back := h.refererPath(r)
		if back == "" {
			back = "/home"
		}
		http.Redirect(w, r, "/auth/sign_in?return_to="+url.QueryEscape(back), http.StatusSeeOther)
	}
	return nil
}
