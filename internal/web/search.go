package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"herd/internal/core/search"
)

// Search page sizes: a few of each kind on the first page, more when one
// kind is asked for.
const (
	searchPreview = 5
	searchPage    = 20
)

// searchData fills search.html.
type searchData struct {
	Query    string
	Type     string // "" for every kind, or accounts, hashtags, statuses
	Accounts []accountItem
	Hashtags []tagItem
	Statuses statusList
	More     map[string]string // kind → the link to more of it
	Searched bool
}

// tagItem is a hashtag found.
type tagItem struct {
	Name, Page string
	Uses       int64 // in the days its history covers
}

// search handles GET /search?q=: accounts, hashtags and posts, as the
// client API's search finds them for the user. A user@host address or a
// URL is looked up on its server when not known here. ?type= with
// ?offset= pages through one kind.
func (h *Handler) search(w http.ResponseWriter, r *http.Request) error {
	v := h.viewer(r)
	q := r.URL.Query()
	d := &searchData{Query: strings.TrimSpace(q.Get("q")), More: map[string]string{}}
	switch t := q.Get("type"); t {
	case search.TypeAccounts, search.TypeHashtags, search.TypeStatuses:
		d.Type = t
	}
	offset, _ := strconv.Atoi(q.Get("offset"))
	if offset < 0 || d.Type == "" {
		offset = 0
	}
	limit := searchPreview
	if d.Type != "" {
		limit = searchPage
	}
	p := h.newPage(r, "Search", v, d)
	p.Nav = "search"
	d.Statuses = statusList{Page: p}
	if d.Query != "" {
		d.Searched = true
		p.Title = "Search: " + d.Query
		res, err := h.core.Search.Search(r.Context(), v, search.Query{Q: d.Query, Type: d.Type, Resolve: true,
			Limit: limit, Offset: offset})
		if err != nil {
			return err
		}
		for _, a := range res.Accounts {
			d.Accounts = append(d.Accounts, h.accountItem(a))
		}
		for _, t := range res.Hashtags {
			item := tagItem{Name: t.Tag.Name, Page: "/tags/" + url.PathEscape(strings.ToLower(t.Tag.Name))}
			for _, day := range t.History {
				item.Uses += day.Uses
			}
			d.Hashtags = append(d.Hashtags, item)
		}
		d.Statuses.Items = h.statusItems(v, res.Statuses)
		for kind, n := range map[string]int{search.TypeAccounts: len(res.Accounts),
			search.TypeHashtags: len(res.Hashtags), search.TypeStatuses: len(res.Statuses)} {
			if n < limit {
				continue
			}
			next := 0 // from the first page, all of that kind from the start
			if d.Type != "" {
				next = offset + n
			}
			d.More[kind] = "/search?" + url.Values{"q": {d.Query}, "type": {kind}, "offset": {strconv.Itoa(next)}}.Encode()
		}
	}
	h.render(w, r, http.StatusOK, "search", p)
	return nil
}
