package activitypub

import (
	"net/http"
	"strings"

	"herd/internal/door"
)

// routes registers every federation route on mux: what other servers
// fetch, each route public or signed (under authorized fetch, an
// ActivityPub client's GET must carry a valid signature: signed, in
// authorized_fetch.go), and where they deliver. A document's failure is
// answered with Mastodon's {"error": …} (writeFailure); the inbox answers
// for itself, in its own words.
//
// GETs of /@NAME, /@NAME/ID and /tags/NAME are not on mux, whose patterns
// cannot start a segment with "@": WithProfilePaths picks out the
// ActivityPub clients' before the mux.
func (h *Handler) routes(mux *http.ServeMux) {
	public := func(pattern string, fn door.Func) { mux.Handle(pattern, h.errors.Handler(fn)) }
	signed := func(pattern string, fn door.Func) { mux.Handle(pattern, h.errors.Handler(h.signed(fn))) }

	// Discovery (webfinger.go), and the instance actor other servers sign
	// with (instance_actor.go): public, so that anyone can find the keys.
	public("GET /.well-known/webfinger", h.webfinger)
	public("GET /.well-known/host-meta", h.hostMeta)
	public("GET /actor", h.instanceActor)
	public("GET /actor/outbox", h.instanceActorOutbox)

	// Accounts and their collections (actor.go, collections.go).
	signed("GET /users/{name}", h.actor)
	signed("GET /users/{name}/outbox", h.outbox)
	signed("GET /users/{name}/followers", h.followers)
	signed("GET /users/{name}/following", h.following)
	signed("GET /users/{name}/collections/featured", h.featured)
	signed("GET /users/{name}/collections/tags", h.featuredTags)

	// Statuses, their activities and collections (statuses.go), and local
	// custom emoji (emoji.go).
	signed("GET /users/{name}/statuses/{id}", h.status)
	signed("GET /users/{name}/statuses/{id}/activity", h.statusActivity)
	signed("GET /users/{name}/statuses/{id}/replies", h.replies)
	signed("GET /users/{name}/statuses/{id}/likes", h.likes)
	signed("GET /users/{name}/statuses/{id}/shares", h.shares)
	public("GET /emojis/{id}", h.emoji)

	// Deliveries (inbox.go): signed, checked and stored by the inbox.
	mux.HandleFunc("POST /inbox", h.Inbox.serve)
	mux.HandleFunc("POST /users/{name}/inbox", h.Inbox.serve)
}

// WithProfilePaths routes GET requests for /@NAME and /@NAME/ID (Mastodon's
// profile and status page URLs): ActivityPub clients get the actor or
// Note document from this handler (signed, as /users/ is), browsers get
// pages's web pages, and everything else goes to next. ServeMux patterns
// cannot match a segment that starts with "@", so these paths are picked
// out before the mux. Hashtag pages (/tags/NAME, served by next) are
// negotiated here too: their collection for ActivityPub clients (tags.go).
func (h *Handler) WithProfilePaths(next, pages http.Handler) http.Handler {
	tags := h.errors.Handler(h.signed(h.tagCollection))
	profiles := h.errors.Handler(h.signed(h.profilePath)) // profile_page.go
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/tags/") && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			if wantsActivityJSON(r) {
				tags(w, r)
				return
			}
			w.Header().Add("Vary", "Accept")
		}
		if strings.HasPrefix(r.URL.Path, "/@") && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			if wantsActivityJSON(r) {
				profiles(w, r)
			} else {
				w.Header().Add("Vary", "Accept")
				pages.ServeHTTP(w, r)
			}
			return
		}
		next.ServeHTTP(w, r)
	})
}
