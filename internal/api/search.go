package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"herd/internal/core/fault"
	"herd/internal/core/search"
	"herd/internal/core/timelines"
	"herd/internal/ids"
)

// Tag is Mastodon's Tag entity.
type Tag struct {
	ID        string       `json:"id"`
	Name      string       `json:"name"`
	URL       string       `json:"url"`
	History   []TagHistory `json:"history"`
	Following *bool        `json:"following,omitempty"` // for signed-in viewers only
}

// TagHistory is one day of a Tag's use; Mastodon sends the numbers as strings.
type TagHistory struct {
	Day      string `json:"day"`
	Uses     string `json:"uses"`
	Accounts string `json:"accounts"`
}

// SearchResult is Mastodon's Search entity.
type SearchResult struct {
	Accounts []Account         `json:"accounts"`
	Statuses []json.RawMessage `json:"statuses"`
	Hashtags []Tag             `json:"hashtags"`
}

// tagEntity renders a tag; following is false until hashtag follows exist.
func (a *API) tagEntity(tv *timelines.TagView, viewerID int64) Tag {
	e := Tag{Name: tv.Tag.Name, URL: a.core.TagURL(tv.Tag.Name), History: make([]TagHistory, 0, len(tv.History))}
	if tv.Tag.ID != 0 {
		e.ID = ids.Format(tv.Tag.ID)
	}
	for _, d := range tv.History {
		e.History = append(e.History, TagHistory{Day: strconv.FormatInt(d.Day.Unix(), 10),
			Uses: strconv.FormatInt(d.Uses, 10), Accounts: strconv.FormatInt(d.Accounts, 10)})
	}
	if viewerID != 0 {
		following := false
		e.Following = &following
	}
	return e
}

// search handles GET /api/v2/search.
func (a *API) search(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	if strings.TrimSpace(p.str("q")) == "" {
		return fault.BadRequest("param is missing or the value is empty: q")
	}
	v := viewerOf(r)
	if v.AccountID() == 0 {
		// Mastodon's answers to anonymous callers asking for what needs a user.
		if p.str("offset") != "" {
			return fault.Unauthorized("Search queries pagination is not supported without authentication")
		}
		if p.boolean("resolve", false) {
			return fault.Unauthorized("Search queries that resolve remote resources are not supported without authentication")
		}
	}
	pg, err := pageParams(p, 20, 40)
	if err != nil {
		return err
	}
	q := search.Query{Q: p.str("q"), Type: p.str("type"), Resolve: p.boolean("resolve", false),
		Following: p.boolean("following", false), MaxID: pg.MaxID, MinID: pg.MinID, Limit: pg.Limit}
	if q.AccountID, err = p.id("account_id"); err != nil {
		return err
	}
	if q.Offset, err = p.integer("offset", 0); err != nil {
		return err
	}
	res, err := a.core.Search.Search(r.Context(), v, q)
	if err != nil {
		return err
	}
	out := SearchResult{Accounts: a.accountEntities(res.Accounts), Statuses: a.statusEntities(res.Statuses, v.AccountID()),
		Hashtags: make([]Tag, 0, len(res.Hashtags))}
	for _, tv := range res.Hashtags {
		out.Hashtags = append(out.Hashtags, a.tagEntity(tv, v.AccountID()))
	}
	return writeJSON(w, out)
}

// tag handles GET /api/v1/tags/{name}.
func (a *API) tag(w http.ResponseWriter, r *http.Request) error {
	tv, err := a.core.Timelines.Tag(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	return writeJSON(w, a.tagEntity(tv, viewerOf(r).AccountID()))
}
