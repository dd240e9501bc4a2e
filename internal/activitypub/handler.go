// Package activitypub is Herd's federation door. This part serves what
// other servers fetch: WebFinger and host-meta, actor documents (and the
// instance actor), status objects and their activities, and the outbox,
// followers, following, featured and replies collections, as Mastodon
// publishes them. Only what the public may see is served: public and
// unlisted statuses, never a private key.
package activitypub

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"herd/internal/core"
	"herd/internal/core/fault"
)

// Handler serves the federation documents of one instance.
type Handler struct {
	core *core.Core
	log  *slog.Logger

	keyMu     sync.Mutex
	actorKeys string // the instance actor's public key PEM, once loaded

	// fetcher and keys find the keys of signed GETs (authorized_fetch.go).
	fetcher atomic.Pointer[Fetcher]
	keys    *keyCache
}

// New registers the discovery and document routes on mux and returns the
// handler; ServeProfilePath must be called for /@ paths (see its doc).
func New(c *core.Core, log *slog.Logger, mux *http.ServeMux) *Handler {
	h := &Handler{core: c, log: log, keys: newKeyCache()}
	mux.HandleFunc("GET /.well-known/webfinger", h.wrap(h.webfinger))
	mux.HandleFunc("GET /.well-known/host-meta", h.wrap(h.hostMeta))
	mux.HandleFunc("GET /actor", h.wrap(h.instanceActor))
	mux.HandleFunc("GET /actor/outbox", h.wrap(h.instanceActorOutbox))
	mux.HandleFunc("GET /users/{name}", h.wrap(h.signed(h.actor)))
	mux.HandleFunc("GET /users/{name}/outbox", h.wrap(h.signed(h.outbox)))
	mux.HandleFunc("GET /users/{name}/followers", h.wrap(h.signed(h.followers)))
	mux.HandleFunc("GET /users/{name}/following", h.wrap(h.signed(h.following)))
	mux.HandleFunc("GET /users/{name}/collections/featured", h.wrap(h.signed(h.featured)))
	mux.HandleFunc("GET /users/{name}/collections/tags", h.wrap(h.signed(h.featuredTags)))
	mux.HandleFunc("GET /users/{name}/statuses/{id}", h.wrap(h.signed(h.status)))
	mux.HandleFunc("GET /emojis/{id}", h.wrap(h.emoji)) // emoji.go
	mux.HandleFunc("GET /users/{name}/statuses/{id}/activity", h.wrap(h.signed(h.statusActivity)))
	mux.HandleFunc("GET /users/{name}/statuses/{id}/replies", h.wrap(h.signed(h.replies)))
	mux.HandleFunc("GET /users/{name}/statuses/{id}/likes", h.wrap(h.signed(h.likes)))
	mux.HandleFunc("GET /users/{name}/statuses/{id}/shares", h.wrap(h.signed(h.shares)))
	return h
}

// WithProfilePaths routes GET requests for /@NAME and /@NAME/ID (Mastodon's
// profile and status page URLs): ActivityPub clients get the actor or
// Note document from this handler, browsers get pages's web pages, and
// everything else goes to next. ServeMux patterns cannot match a segment
// that starts with "@", so these paths are picked out before the mux.
// Hashtag pages (/tags/NAME, served by next) are negotiated here too.
func (h *Handler) WithProfilePaths(next, pages http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/tags/") && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			if wantsActivityJSON(r) {
				h.wrap(h.signed(h.tagCollection))(w, r) // tags.go
				return
			}
			w.Header().Add("Vary", "Accept")
		}
		if strings.HasPrefix(r.URL.Path, "/@") && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			if wantsActivityJSON(r) {
				h.wrap(h.signed(h.profilePath))(w, r)
			} else {
				w.Header().Add("Vary", "Accept")
				pages.ServeHTTP(w, r)
			}
			return
		}
		next.ServeHTTP(w, r)
	})
}

// wrap turns a handler that returns an error into an http.HandlerFunc,
// answering core errors with their status and Mastodon's {"error": "…"}.
func (h *Handler) wrap(fn func(http.ResponseWriter, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := fn(w, r)
		if err == nil {
			return
		}
		status, msg := http.StatusInternalServerError, "Internal server error"
		var ce *fault.Error
		if errors.As(err, &ce) {
			status, msg = ce.Status, ce.Message
		} else {
			h.log.Error("activitypub", "path", r.URL.Path, "err", err)
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"error": msg})
	}
}

// writeDocument sends an ActivityPub document. Public documents may be
// cached for three minutes, as Mastodon allows without authorized fetch.
func writeDocument(w http.ResponseWriter, doc any) error {
	body, err := marshal(doc)
	if err != nil {
		return err
	}
	hdr := w.Header()
	hdr.Set("Content-Type", ContentType)
	hdr.Add("Vary", "Accept")
	hdr.Set("Cache-Control", "max-age=180, public")
	_, err = w.Write(body)
	return err
}

// marshal encodes v as JSON without Go's HTML escaping: "&" in query
// strings and "<" in content stay as written, as other servers send them.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// redirect answers a browser with a permanent redirect, varying on Accept
// since the same URL serves ActivityPub clients a document.
func redirect(w http.ResponseWriter, r *http.Request, to string) error {
	w.Header().Add("Vary", "Accept")
	http.Redirect(w, r, to, http.StatusMovedPermanently)
	return nil
}
