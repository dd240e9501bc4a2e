package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"herd/internal/core/fault"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/oauth"
)

// clientRoutes registers the signed-in web client's pages and forms: the
// composer, edits and deletions, actions on statuses and accounts,
// reports, notifications, saved statuses and search.
func (h *Handler) clientRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /statuses", h.postStatus)
	mux.HandleFunc("GET /statuses/{id}/edit", h.editForm)
	mux.HandleFunc("POST /statuses/{id}/edit", h.editStatus)
	mux.HandleFunc("GET /statuses/{id}/delete", h.deleteForm)
	mux.HandleFunc("POST /statuses/{id}/delete", h.deleteStatus)
	mux.HandleFunc("POST /statuses/{id}/redraft", h.redraft)
	mux.HandleFunc("POST /statuses/{id}/{action}", h.statusAction)
	mux.HandleFunc("GET /accounts/{id}/report", h.reportForm)
	mux.HandleFunc("POST /accounts/{id}/report", h.report)
	mux.HandleFunc("GET /accounts/{id}/{action}", h.accountActionForm)
	mux.HandleFunc("POST /accounts/{id}/{action}", h.accountAction)
	mux.HandleFunc("POST /follow_requests/{id}/{action}", h.followRequestAction)
	mux.HandleFunc("GET /notifications", h.notifications)
	mux.HandleFunc("GET /bookmarks", h.bookmarks)
	mux.HandleFunc("GET /favourites", h.favourites)
	mux.HandleFunc("GET /search", h.search)
}

// formBytes bounds a form without files.
const formBytes = 64 << 10

// fetchHeader marks the requests actions.js and poll.js send: they are
// answered with JSON or a fragment instead of a redirect or a page.
const fetchHeader = "X-Requested-With"

// isFetch reports whether the page's script sent r.
func isFetch(r *http.Request) bool { return r.Header.Get(fetchHeader) == "fetch" }

// requireUser returns the signed-in user. Without one, a page asked for
// sends the browser to sign in and come back; a form sent (the session
// ended meanwhile) signs in and returns to the page it came from; the
// script's requests get a 401.
func (h *Handler) requireUser(w http.ResponseWriter, r *http.Request) *model.Viewer {
	if v := h.viewer(r); v != nil {
		return v
	}
	switch {
	case isFetch(r):
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "Sign in first."})
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

// readForm reads a small form and checks its CSRF token, answering the
// error itself (400, 413 or 403) and reporting false when the request
// must stop there.
func (h *Handler) readForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, formBytes)
	if err := r.ParseForm(); err != nil {
		h.formError(w, r, http.StatusBadRequest, "The form could not be read.")
		return false
	}
	if !oauth.CheckCSRF(r, h.core.BaseURL()) {
		h.csrfRefused(w, r)
		return false
	}
	return true
}

// csrfRefused answers a form without this site's token (forged, or older
// than the cookie).
func (h *Handler) csrfRefused(w http.ResponseWriter, r *http.Request) {
	h.formError(w, r, http.StatusForbidden,
		"This form has expired or did not come from this site. Go back, reload the page and try again.")
}

// formError answers a form that cannot be acted on: JSON for the script,
// the error page for a browser.
func (h *Handler) formError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if isFetch(r) {
		writeJSON(w, status, map[string]string{"error": msg})
		return
	}
	title := "Bad request"
	switch status {
	case http.StatusForbidden:
		title = "Expired form"
	case http.StatusRequestEntityTooLarge:
		title = "Too large"
	}
	h.show(w, r, status, "error", title, msg, nil)
}

// failAction answers a use case's error: JSON for the script, the error
// page otherwise.
func (h *Handler) failAction(w http.ResponseWriter, r *http.Request, err error) {
	if isFetch(r) {
		if e, ok := fault.As(err); ok && e.Status < 500 {
			writeJSON(w, e.Status, map[string]string{"error": e.Message})
			return
		}
		h.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "Something went wrong on our side."})
		return
	}
	h.fail(w, r, err)
}

// postedTarget starts a signed-in form's POST on the account or status
// named by the path's {id}: the user (or a redirect to sign in), the form
// read with its CSRF token checked, and the id (404 when malformed). It
// answers itself and reports false when the request stops there.
func (h *Handler) postedTarget(w http.ResponseWriter, r *http.Request) (*model.Viewer, int64, bool) {
	v := h.requireUser(w, r)
	if v == nil || !h.readForm(w, r) {
		return nil, 0, false
	}
	id, ok := ids.Parse(r.PathValue("id"))
	if !ok {
		h.failAction(w, r, fault.ErrRecordNotFound)
		return nil, 0, false
	}
	return v, id, true
}

// writeJSON answers the page's script.
func writeJSON(w http.ResponseWriter, status int, v any) {
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("Cache-Control", "private, no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// backPath is where a form sends the browser when it is done: the page
// named by its return_to field, or else the page it was sent from, or
// else fallback. Only paths on this site are followed, so neither can
// become an open redirect.
func (h *Handler) backPath(r *http.Request, fallback string) string {
	if p := localPath(r.PostFormValue("return_to")); p != "" {
		return p
	}
	if p := h.refererPath(r); p != "" {
		return p
	}
	return fallback
}

// refererPath is the path and query of the page r was sent from, when
// that page is on this site ("" otherwise).
func (h *Handler) refererPath(r *http.Request) string {
	ref, err := url.Parse(r.Referer())
	if err != nil || ref.Host == "" {
		return ""
	}
	base, err := url.Parse(h.core.BaseURL())
	if err != nil || ref.Scheme != base.Scheme || ref.Host != base.Host {
		return ""
	}
	return localPath(ref.RequestURI())
}

// localPath accepts p only as a path on this site ("" otherwise):
// "//evil.example", "/\evil.example" and absolute URLs are refused.
func localPath(p string) string {
	if p == "" || p[0] != '/' || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n\t") {
		return ""
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return ""
	}
	return u.RequestURI()
}

// withFragment points path at an element of its page (a status, say), so
// the browser comes back where it was.
func withFragment(path, id string) string {
	if i := strings.IndexByte(path, '#'); i >= 0 {
		path = path[:i]
	}
	return path + "#" + id
}
