package web

import (
	"net/http"
	"net/url"

	"herd/internal/core/timelines"
	"herd/internal/model"
)

// tagData fills tag.html.
type tagData struct {
	Name      string // as the tag is known ("Herd"), without "#"
	Path      string // /tags/name
	Local     bool   // only this server's posts (?local=1)
	WeekUses  int64  // posts with the tag in the last seven days
	List      statusList
	RSS, Atom string
	Stream    string // for a signed-in reader's first page: the stream that tells of new posts (stream.go)
}

// tagPage handles GET /tags/{name}: public posts with the hashtag, from
// every server or (?local=1) this one, as Mastodon's hashtag pages; with
// .rss or .atom the same posts as a feed.
func (h *Handler) tagPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	name, format := cutFeedFormat(r.PathValue("name"))
	tag, err := h.core.Timelines.Tag(ctx, name)
	if err != nil {
		return err
	}
	local := truthy(r.URL.Query().Get("local"))
	q, f := timelines.TagQuery{Tag: name}, timelines.PublicFilter{Local: local}
	if format != "" {
		sp, err := h.core.Timelines.TagTimeline(ctx, nil, q, f, model.Page{Limit: feedLimitParam(r)})
		if err != nil {
			return err
		}
		base := h.core.BaseURL()
		fd := &feed{Title: "#" + tag.Tag.Name, Description: "Public posts tagged #" + tag.Tag.Name + " on " + h.instanceName(),
			Page: h.core.TagURL(tag.Tag.Name), Self: base + r.URL.Path, Statuses: sp.Statuses}
		h.writeFeed(w, r, format, fd)
		return nil
	}
	v := h.viewer(r)
	sp, err := h.core.Timelines.TagTimeline(ctx, v, q, f, peekPage(r))
	if err != nil {
		return err
	}
	older := olderThanPage(r, sp)
	d := &tagData{Name: tag.Tag.Name, Path: "/tags/" + url.PathEscape(tag.Tag.Name), Local: local}
	for _, day := range tag.History {
		d.WeekUses += day.Uses
	}
	d.RSS, d.Atom = h.core.BaseURL()+d.Path+".rss", h.core.BaseURL()+d.Path+".atom"
	if local {
		d.RSS, d.Atom = d.RSS+"?local=1", d.Atom+"?local=1"
	}
	p := h.newPage(r, "#"+tag.Tag.Name, v, d)
	p.Meta = &pageMeta{Description: "Public posts tagged #" + tag.Tag.Name + " on " + h.instanceName() + " and the servers it knows.",
		URL: h.core.TagURL(tag.Tag.Name), FeedURL: d.RSS}
	d.List = statusList{Items: h.statusItems(v, sp.Statuses), Page: p, Empty: "No public posts with this hashtag yet."}
	d.List.Older = older
	if v != nil && r.URL.Query().Get("max_id") == "" {
		name := "hashtag"
		if local {
			name = "hashtag:local"
		}
		d.Stream = streamQuery(name, url.QueryEscape(tag.Tag.Name))
	}
	h.render(w, r, http.StatusOK, "tag", p)
	return nil
}

// truthy reads a boolean query parameter as Mastodon does: present and
// not "0" or "false".
func truthy(v string) bool { return v != "" && v != "0" && v != "false" }
