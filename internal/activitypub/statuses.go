package activitypub

import (
	"net/http"
	"net/url"

	"herd/internal/core/fault"
	"herd/internal/core/federation"
	"herd/internal/ids"
)

// publishedStatus loads the status named by the {name} and {id} path
// values; a malformed id is a 404 like an unknown one.
func (h *Handler) publishedStatus(r *http.Request) (*federation.StatusBundle, error) {
	id, ok := ids.Parse(r.PathValue("id"))
	if !ok {
		return nil, fault.ErrRecordNotFound
	}
	return h.core.Federation.PublishedStatus(r.Context(), r.PathValue("name"), id)
}

// status handles GET /users/{name}/statuses/{id}: the Note for
// ActivityPub clients, a redirect to the status page for browsers. A
// boost's URL points at the boosted status, as in Mastodon (which sends
// every client to its web URL; ActivityPub clients are sent to its id
// here, since a remote status's web URL need not serve ActivityPub).
func (h *Handler) status(w http.ResponseWriter, r *http.Request) error {
	b, err := h.publishedStatus(r)
	if err != nil {
		return err
	}
	return h.serveStatus(w, r, b)
}

func (h *Handler) serveStatus(w http.ResponseWriter, r *http.Request, b *federation.StatusBundle) error {
	st := b.Statuses[0]
	ap := wantsActivityJSON(r)
	if st.ReblogOfID != 0 {
		orig := b.Parents[st.ReblogOfID]
		if ap || orig.URL == "" {
			return redirect(w, r, orig.URI)
		}
		return redirect(w, r, orig.URL)
	}
	if !ap {
		return redirect(w, r, h.note(b, st).URL)
	}
	n := h.note(b, st)
	n.Context = noteContext
	return writeDocument(w, n)
}

// statusActivity handles GET /users/{name}/statuses/{id}/activity: the
// Create that published a status, or the Announce of a boost.
func (h *Handler) statusActivity(w http.ResponseWriter, r *http.Request) error {
	b, err := h.publishedStatus(r)
	if err != nil {
		return err
	}
	act := h.activity(b, b.Statuses[0])
	if act.Type == "Announce" {
		act.Context = asContext
	} else {
		act.Context = noteContext
	}
	return writeDocument(w, act)
}

// replies handles GET /users/{name}/statuses/{id}/replies, as Mastodon's
// RepliesController: first the author's own replies, then (with
// only_other_accounts=true) everyone else's, 60 a page after min_id.
// Items are ids; Mastodon inlines its local replies as Notes, which
// fetchers accept either way.
func (h *Handler) replies(w http.ResponseWriter, r *http.Request) error {
	b, err := h.publishedStatus(r)
	if err != nil {
		return err
	}
	st := b.Statuses[0]
	if st.ReblogOfID != 0 {
		return fault.ErrRecordNotFound
	}
	id := h.noteURI(b.Accounts[st.AccountID], st) + "/replies"
	q := r.URL.Query()
	others := q.Get("only_other_accounts") == "true"
	minID, _ := ids.Parse(q.Get("min_id"))
	list, err := h.core.Federation.PublishedReplies(r.Context(), st, others, minID)
	if err != nil {
		return err
	}
	items := make([]any, len(list))
	for i, ref := range list {
		items[i] = ref.URI
	}
	pageQuery := url.Values{"page": {"true"}}
	for _, k := range []string{"min_id", "only_other_accounts"} {
		if v := q.Get(k); v != "" {
			pageQuery.Set(k, v)
		}
	}
	page := &Collection{Type: "CollectionPage", ID: withQuery(id, pageQuery), PartOf: id, Items: items}
	full := len(list) == federation.RepliesPageSize
	switch {
	case others && full:
		page.Next = withQuery(id, url.Values{"page": {"true"}, "only_other_accounts": {"true"},
			"min_id": {ids.Format(list[len(list)-1].ID)}})
	case !others && full:
		page.Next = withQuery(id, url.Values{"page": {"true"}, "min_id": {ids.Format(list[len(list)-1].ID)}})
	case !others:
		page.Next = withQuery(id, url.Values{"page": {"true"}, "only_other_accounts": {"true"}})
	}
	if q.Get("page") == "true" {
		page.Context = asContext
		return writeDocument(w, page)
	}
	return writeDocument(w, &Collection{Context: asContext, ID: id, Type: "Collection", First: page})
}

// likes handles GET /users/{name}/statuses/{id}/likes: the count only, as
// Mastodon 4.3 publishes it.
func (h *Handler) likes(w http.ResponseWriter, r *http.Request) error {
	return h.countCollection(w, r, "/likes", func(b *federation.StatusBundle) int64 { return b.Statuses[0].FavouritesCount })
}

// shares handles GET /users/{name}/statuses/{id}/shares, like likes.
func (h *Handler) shares(w http.ResponseWriter, r *http.Request) error {
	return h.countCollection(w, r, "/shares", func(b *federation.StatusBundle) int64 { return b.Statuses[0].ReblogsCount })
}

func (h *Handler) countCollection(w http.ResponseWriter, r *http.Request, suffix string, n func(*federation.StatusBundle) int64) error {
	b, err := h.publishedStatus(r)
	if err != nil {
		return err
	}
	st := b.Statuses[0]
	if st.ReblogOfID != 0 {
		return fault.ErrRecordNotFound
	}
	return writeDocument(w, &Collection{
		Context: asContext, ID: h.noteURI(b.Accounts[st.AccountID], st) + suffix, Type: "Collection",
		TotalItems: count(n(b)),
	})
}
