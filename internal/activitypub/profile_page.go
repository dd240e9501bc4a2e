package activitypub

import (
	"net/http"
	"strings"

	"herd/internal/core/fault"
	"herd/internal/ids"
)

// profilePath handles an ActivityPub client's GET of /@NAME and /@NAME/ID,
// the profile and status URLs people share: the actor or Note is served
// there too, as Mastodon serves them, so a pasted profile URL resolves.
// Browsers get the web interface's pages (WithProfilePaths).
func (h *Handler) profilePath(w http.ResponseWriter, r *http.Request) error {
	name, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/@"), "/")
	if name == "" || strings.Contains(name, "@") {
		return fault.ErrRecordNotFound // remote accounts' documents live on their servers
	}
	r.SetPathValue("name", name)
	if rest == "" {
		a, err := h.core.Federation.PublishedAccount(r.Context(), name)
		if err != nil {
			return err
		}
		return writeDocument(w, h.actorDocument(a))
	}
	if strings.Contains(rest, "/") {
		return fault.ErrRecordNotFound
	}
	id, ok := ids.Parse(rest)
	if !ok {
		return fault.ErrRecordNotFound
	}
	b, err := h.core.Federation.PublishedStatus(r.Context(), name, id)
	if err != nil {
		return err
	}
	return h.serveStatus(w, r, b)
}
