package web

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"time"

	"herd/internal/core/fault"
	"herd/internal/core/timelines"
	"herd/internal/model"
)

// Feeds: RSS 2.0 and Atom of a local account's posts (/@NAME.rss, and
// /@NAME/with_replies.rss and /@NAME/media.rss as Mastodon) and of a
// hashtag's public posts (/tags/NAME.rss); .atom for Atom. They are the
// same for everyone (what a visitor may see), so caches may keep them a
// minute. Like Mastodon's, an account's feed leaves out boosts (and, but
// for with_replies, replies to others); media are media:content elements,
// the first also an enclosure; an item carries no title, as Mastodon's.

const (
	feedLimit    = 20
	feedMaxLimit = 40
	feedMaxAge   = "public, max-age=60"
	atomNS       = "http://www.w3.org/2005/Atom"
	mediaNS      = "http://search.yahoo.com/mrss/"
)

// cutFeedFormat splits a feed's extension off the last segment of a
// path: "alice.rss" is ("alice", "rss").
func cutFeedFormat(s string) (name, format string) {
	for _, f := range []string{"rss", "atom"} {
		if name, ok := strings.CutSuffix(s, "."+f); ok {
			return name, f
		}
	}
	return s, ""
}

// feed is what both formats are written from.
type feed struct {
	Title, Description string
	Page, Self, Image  string // absolute URLs of the HTML page, the feed, the channel's image
	Author             *accountItem
	Statuses           []*model.StatusView
	Items              []statusItem
}

// feedLimitParam reads ?limit= (1…40, default 20), as Mastodon's feeds.
func feedLimitParam(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || n < 1 {
		return feedLimit
	}
	return min(n, feedMaxLimit)
}

// accountFeed serves the feed of a local account's tab ("", "with_replies"
// or "media"), ?tag= narrowing it to a hashtag.
func (h *Handler) accountFeed(w http.ResponseWriter, r *http.Request, a *model.Account, tab, format string) error {
	if !a.Local() {
		return fault.ErrRecordNotFound // a remote account's feed is its own server's
	}
	f := timelines.AccountStatusFilter{ExcludeReplies: tab == "", OnlyMedia: tab == "media", ExcludeReblogs: true,
		Tagged: r.URL.Query().Get("tag")}
	sp, err := h.core.Timelines.AccountStatuses(r.Context(), nil, a.ID, f, model.Page{Limit: feedLimitParam(r)})
	if err != nil {
		return err
	}
	acct := h.accountItem(a)
	base := h.core.BaseURL()
	fd := &feed{Title: acct.PlainName, Description: plainText(a.Note, 500), Page: acct.OriginURL,
		Self: base + r.URL.Path, Image: acct.Avatar, Author: &acct, Statuses: sp.Statuses}
	if tab != "" {
		fd.Page += "/" + tab
	}
	if fd.Description == "" {
		fd.Description = "Public posts from " + acct.Handle
	}
	h.writeFeed(w, r, format, fd)
	return nil
}

// writeFeed renders fd as RSS or Atom, answering 304 when the reader has
// the newest version already.
func (h *Handler) writeFeed(w http.ResponseWriter, r *http.Request, format string, fd *feed) {
	fd.Items = h.statusItems(nil, fd.Statuses)
	updated := time.Now().UTC().Truncate(time.Second)
	if len(fd.Statuses) > 0 {
		updated = statusUpdated(fd.Statuses[0].Status)
		for _, sv := range fd.Statuses {
			if u := statusUpdated(sv.Status); u.After(updated) {
				updated = u
			}
		}
	}
	hd := w.Header()
	hd.Set("Cache-Control", feedMaxAge)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Last-Modified", updated.Format(http.TimeFormat))
	if t, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && len(fd.Statuses) > 0 && !updated.After(t) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	var doc any
	if format == "atom" {
		hd.Set("Content-Type", "application/atom+xml; charset=utf-8")
		doc = atomFeed(fd, updated)
	} else {
		hd.Set("Content-Type", "application/rss+xml; charset=utf-8")
		doc = rssFeed(fd, updated)
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(doc); err != nil {
		h.log.Error("render feed", "path", r.URL.Path, "err", err)
		http.Error(w, "Internal server error", http.StatusInternalServerError)
		return
	}
	hd.Add("Vary", "Accept-Encoding")
	writeCompressed(w, r, http.StatusOK, buf.Bytes())
}

func statusUpdated(st *model.Status) time.Time {
	if st.EditedAt != nil {
		return st.EditedAt.UTC().Truncate(time.Second)
	}
	return st.CreatedAt.UTC().Truncate(time.Second)
}

// feedHTML is an item's content: the content warning first, then the
// post's HTML (escaped by the encoder, as both formats want it).
func feedHTML(s statusItem) string {
	if s.SpoilerText == "" {
		return string(s.Content)
	}
	return "<p><strong>Content warning:</strong> " + string(s.SpoilerText) + "</p>" + string(s.Content)
}

// mediaContent is a Media RSS media:content element.
type mediaContent struct {
	XMLName     xml.Name `xml:"media:content"`
	URL         string   `xml:"url,attr"`
	Type        string   `xml:"type,attr,omitempty"`
	Medium      string   `xml:"medium,attr"`
	Width       int      `xml:"width,attr,omitempty"`
	Height      int      `xml:"height,attr,omitempty"`
	Rating      string   `xml:"media:rating"`
	Description *mediaText
}

type mediaText struct {
	XMLName xml.Name `xml:"media:description"`
	Type    string   `xml:"type,attr"`
	Text    string   `xml:",chardata"`
}

// feedMedia lists an item's attachments that have a file.
func feedMedia(s statusItem, sv *model.StatusView) []mediaContent {
	var out []mediaContent
	for i, m := range s.Media {
		if m.URL == "" {
			continue
		}
		mc := mediaContent{URL: m.URL, Medium: m.Type, Width: m.Width, Height: m.Height, Rating: "nonadult"}
		if i < len(sv.Media) {
			mc.Type = sv.Media[i].ContentType
		}
		if m.Type == "gifv" {
			mc.Medium = "video"
		}
		if s.Sensitive {
			mc.Rating = "adult" // Media RSS's word for "not for everyone", as Mastodon marks sensitive media
		}
		if m.Description != "" {
			mc.Description = &mediaText{Type: "plain", Text: m.Description}
		}
		out = append(out, mc)
	}
	return out
}

func tagNames(sv *model.StatusView) []string {
	out := make([]string, 0, len(sv.Tags))
	for _, t := range sv.Tags {
		out = append(out, t.Name)
	}
	return out
}
