package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"herd/internal/core/fault"
	"herd/internal/ids"
	"herd/internal/session"
)

// fetchHeader marks the requests actions.js and poll.js send: they are
// answered with JSON or a fragment instead of a redirect or a page.
const fetchHeader = "X-Requested-With"

// isFetch reports whether the page's script sent r.
func isFetch(r *http.Request) bool { return r.Header.Get(fetchHeader) == "fetch" }

// readForm reads a small form and checks its CSRF token; it fails with
// session.ErrFormUnreadable (400) or session.ErrFormExpired (403).
func (h *Handler) readForm(w http.ResponseWriter, r *http.Request) error {
	return session.ReadForm(w, r, h.core.BaseURL())
}

// postedTarget starts a signed-in form's POST on the account or status
// named by the path's {id}: the form read with its CSRF token checked, and
// the id (404 when malformed).
func (h *Handler) postedTarget(w http.ResponseWriter, r *http.Request) (int64, error) {
	if err := h.readForm(w, r); err != nil {
		return 0, err
	}
	id, ok := ids.Parse(r.PathValue("id"))
	if !ok {
		return 0, fault.ErrRecordNotFound
	}
	return id, nil
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
