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
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"

	"herd/internal/core"
	"herd/internal/door"
)

// Handler serves the federation documents of one instance.
type Handler struct {
	core *core.Core
	log  *slog.Logger
	// Inbox is where other servers deliver (inbox.go).
	Inbox *Inbox
	// errors answers the documents' failures (writeFailure).
	errors door.Adapter

	keyMu     sync.Mutex
	actorKeys string // the instance actor's public key PEM, once loaded

	// fetcher and keys find the keys of signed GETs (authorized_fetch.go).
	fetcher atomic.Pointer[Fetcher]
	keys    *keyCache
}

// New builds federation's door, the documents other servers fetch and the
// inbox they deliver to, and registers its routes (routes.go) on mux; f
// fetches the keys of signed requests and the actors of deliveries.
func New(c *core.Core, f *Fetcher, log *slog.Logger, mux *http.ServeMux) *Handler {
	h := &Handler{core: c, log: log, keys: newKeyCache(), Inbox: newInbox(c, f, log)}
	h.fetcher.Store(f)
	h.errors = door.Adapter{Log: log, Write: writeFailure}
	h.routes(mux)
	return h
}

// writeFailure answers a failed fetch with Mastodon's {"error": "…"}: a
// client error's message, or a bare 500.
func writeFailure(w http.ResponseWriter, r *http.Request, f door.Failure) {
	msg := f.Message
	if f.Internal() {
		msg = "Internal server error"
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(f.Status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
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
