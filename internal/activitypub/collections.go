package activitypub

import (
	"net/http"
	"net/url"
	"strconv"

	"herd/internal/core/federation"
	"herd/internal/ids"
	"herd/internal/model"
)

// Collection is a Collection, OrderedCollection or one of their pages.
// First is a URL or an embedded page. Items and OrderedItems are any so
// that an empty page still says "[]" while a collection without items
// leaves the key out.
type Collection struct {
	Context      any    `json:"@context,omitempty"`
	ID           string `json:"id,omitempty"`
	Type         string `json:"type"`
	TotalItems   *int64 `json:"totalItems,omitempty"`
	First        any    `json:"first,omitempty"`
	Last         string `json:"last,omitempty"`
	Next         string `json:"next,omitempty"`
	Prev         string `json:"prev,omitempty"`
	PartOf       string `json:"partOf,omitempty"`
	Items        any    `json:"items,omitempty"`
	OrderedItems any    `json:"orderedItems,omitempty"`
}

func count(n int64) *int64 { return &n }

// withQuery appends query parameters (sorted, as Rails writes them).
func withQuery(base string, q url.Values) string { return base + "?" + q.Encode() }

// outbox handles GET /users/{name}/outbox: without page=true the
// collection with its count and first/last links; with it a page of
// Create and Announce activities, newest first, paged by max_id/min_id.
func (h *Handler) outbox(w http.ResponseWriter, r *http.Request) error {
	a, err := h.core.Federation.PublishedAccount(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	id := a.URI + "/outbox"
	q := r.URL.Query()
	if q.Get("page") != "true" {
		return writeDocument(w, &Collection{
			Context: asContext, ID: id, Type: "OrderedCollection", TotalItems: count(a.StatusesCount),
			First: withQuery(id, url.Values{"page": {"true"}}),
			Last:  withQuery(id, url.Values{"page": {"true"}, "min_id": {"0"}}),
		})
	}
	var p model.Page
	pageQuery := url.Values{"page": {"true"}}
	if v, ok := ids.Parse(q.Get("max_id")); ok {
		p.MaxID = v
		pageQuery.Set("max_id", q.Get("max_id"))
	}
	if v, ok := ids.Parse(q.Get("min_id")); ok {
		p.MinID = v
		pageQuery.Set("min_id", q.Get("min_id"))
	} else if q.Get("min_id") == "0" {
		// The last link: the oldest page, read upwards from the start.
		// Page treats MinID 0 as unset, and no status has id 1 or below.
		p.MinID = 1
		pageQuery.Set("min_id", "0")
	}
	b, err := h.core.Federation.PublishedOutbox(r.Context(), a, p)
	if err != nil {
		return err
	}
	items := make([]any, 0, len(b.Statuses))
	for _, st := range b.Statuses {
		items = append(items, h.activity(b, st))
	}
	page := &Collection{
		Context: noteContext, ID: withQuery(id, pageQuery), Type: "OrderedCollectionPage",
		PartOf: id, OrderedItems: items,
	}
	if b.Full {
		page.Next = withQuery(id, url.Values{"page": {"true"}, "max_id": {ids.Format(b.OldestID)}})
	}
	if b.NewestID != 0 {
		page.Prev = withQuery(id, url.Values{"page": {"true"}, "min_id": {ids.Format(b.NewestID)}})
	}
	return writeDocument(w, page)
}

// followers handles GET /users/{name}/followers.
func (h *Handler) followers(w http.ResponseWriter, r *http.Request) error {
	return h.accountCollection(w, r, "/followers", true)
}

// following handles GET /users/{name}/following.
func (h *Handler) following(w http.ResponseWriter, r *http.Request) error {
	return h.accountCollection(w, r, "/following", false)
}

// accountCollection serves a followers or following collection: the count
// and a link to page 1, or (page=N) N's actor ids, 12 a page, as
// Mastodon. An account that hides its collections shows only the count
// and refuses pages.
func (h *Handler) accountCollection(w http.ResponseWriter, r *http.Request, suffix string, followers bool) error {
	a, err := h.core.Federation.PublishedAccount(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	id := a.URI + suffix
	total := a.FollowingCount
	if followers {
		total = a.FollowersCount
	}
	pageParam := r.URL.Query().Get("page")
	if pageParam == "" {
		c := &Collection{Context: asContext, ID: id, Type: "OrderedCollection", TotalItems: count(total)}
		if !a.HideCollections {
			c.First = withQuery(id, url.Values{"page": {"1"}})
		}
		return writeDocument(w, c)
	}
	page, err := strconv.Atoi(pageParam)
	if err != nil || page < 1 {
		page = 1
	}
	var uris []string
	if followers {
		uris, err = h.core.Federation.PublishedFollowers(r.Context(), a, page)
	} else {
		uris, err = h.core.Federation.PublishedFollowing(r.Context(), a, page)
	}
	if err != nil {
		return err
	}
	items := make([]any, len(uris))
	for i, u := range uris {
		items[i] = u
	}
	c := &Collection{
		Context: asContext, ID: withQuery(id, url.Values{"page": {strconv.Itoa(page)}}),
		Type: "OrderedCollectionPage", TotalItems: count(total), PartOf: id, OrderedItems: items,
	}
	if len(uris) == federation.CollectionPageSize {
		c.Next = withQuery(id, url.Values{"page": {strconv.Itoa(page + 1)}})
	}
	if page > 1 {
		c.Prev = withQuery(id, url.Values{"page": {strconv.Itoa(page - 1)}})
	}
	return writeDocument(w, c)
}

// featured handles GET /users/{name}/collections/featured: the pinned
// public and unlisted statuses, as Notes.
func (h *Handler) featured(w http.ResponseWriter, r *http.Request) error {
	a, err := h.core.Federation.PublishedAccount(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	b, err := h.core.Federation.PublishedFeatured(r.Context(), a)
	if err != nil {
		return err
	}
	items := make([]any, 0, len(b.Statuses))
	for _, st := range b.Statuses {
		items = append(items, h.note(b, st))
	}
	return writeDocument(w, &Collection{
		Context: noteContext, ID: a.URI + "/collections/featured", Type: "OrderedCollection",
		TotalItems: count(int64(len(items))), OrderedItems: items,
	})
}

// featuredTags handles GET /users/{name}/collections/tags. Herd has no
// featured hashtags yet, so the collection is empty.
func (h *Handler) featuredTags(w http.ResponseWriter, r *http.Request) error {
	a, err := h.core.Federation.PublishedAccount(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	return writeDocument(w, &Collection{
		Context: asContext, ID: a.URI + "/collections/tags", Type: "Collection",
		TotalItems: count(0), Items: []any{},
	})
}
