package web

import (
	"encoding/xml"
	"time"

	"herd/internal/model"
)

// The two feed formats as encoding/xml writes them. Element names with a
// prefix (atom:link, media:content) are written as named, their
// namespaces declared on the root, which is how feed readers expect them.

type rssDoc struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	AtomNS  string     `xml:"xmlns:atom,attr"`
	MediaNS string     `xml:"xmlns:media,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Self          atomLink  `xml:"atom:link"`
	Image         *rssImage `xml:"image"`
	LastBuildDate string    `xml:"lastBuildDate"`
	Generator     string    `xml:"generator"`
	Items         []rssItem `xml:"item"`
}

type atomLink struct {
	Href  string `xml:"href,attr"`
	Rel   string `xml:"rel,attr"`
	Type  string `xml:"type,attr,omitempty"`
	Title string `xml:"title,attr,omitempty"`
}

type rssImage struct {
	URL   string `xml:"url"`
	Title string `xml:"title"`
	Link  string `xml:"link"`
}

type rssItem struct {
	GUID        rssGUID        `xml:"guid"`
	Link        string         `xml:"link"`
	PubDate     string         `xml:"pubDate"`
	Description string         `xml:"description"`
	Enclosure   *rssEnclosure  `xml:"enclosure"`
	Media       []mediaContent `xml:"media:content"`
	Categories  []string       `xml:"category"`
}

type rssGUID struct {
	IsPermaLink bool   `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

// rssEnclosure is RSS's one enclosure per item. Herd does not keep file
// sizes, and RSS's profile asks for length 0 when the size is unknown.
type rssEnclosure struct {
	URL    string `xml:"url,attr"`
	Length int64  `xml:"length,attr"`
	Type   string `xml:"type,attr"`
}

func rssFeed(fd *feed, updated time.Time) *rssDoc {
	ch := rssChannel{Title: fd.Title, Link: fd.Page, Description: fd.Description,
		Self:          atomLink{Href: fd.Self, Rel: "self", Type: "application/rss+xml"},
		LastBuildDate: updated.Format(time.RFC1123Z), Generator: "Herd", Items: []rssItem{}}
	if fd.Image != "" {
		ch.Image = &rssImage{URL: fd.Image, Title: fd.Title, Link: fd.Page}
	}
	for i, s := range fd.Items {
		sv := fd.Statuses[i]
		it := rssItem{GUID: rssGUID{IsPermaLink: true, Value: s.OriginURL}, Link: s.OriginURL,
			PubDate: sv.Status.CreatedAt.UTC().Format(time.RFC1123Z), Description: feedHTML(s),
			Media: feedMedia(s, sv), Categories: tagNames(sv)}
		if len(it.Media) > 0 && it.Media[0].Type != "" {
			it.Enclosure = &rssEnclosure{URL: it.Media[0].URL, Type: it.Media[0].Type}
		}
		ch.Items = append(ch.Items, it)
	}
	return &rssDoc{Version: "2.0", AtomNS: atomNS, MediaNS: mediaNS, Channel: ch}
}

type atomDoc struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	MediaNS   string      `xml:"xmlns:media,attr"`
	ID        string      `xml:"id"`
	Title     string      `xml:"title"`
	Subtitle  string      `xml:"subtitle,omitempty"`
	Updated   string      `xml:"updated"`
	Links     []atomLink  `xml:"link"`
	Icon      string      `xml:"icon,omitempty"`
	Author    *atomAuthor `xml:"author"`
	Generator string      `xml:"generator"`
	Entries   []atomEntry `xml:"entry"`
}

type atomAuthor struct {
	Name string `xml:"name"`
	URI  string `xml:"uri"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published"`
	Author     atomAuthor     `xml:"author"`
	Links      []atomLink     `xml:"link"`
	Content    atomText       `xml:"content"`
	Categories []atomCategory `xml:"category"`
	Media      []mediaContent `xml:"media:content"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

func atomFeed(fd *feed, updated time.Time) *atomDoc {
	doc := &atomDoc{MediaNS: mediaNS, ID: fd.Page, Title: fd.Title, Subtitle: fd.Description,
		Updated: updated.Format(time.RFC3339), Icon: fd.Image, Generator: "Herd",
		Links: []atomLink{{Href: fd.Page, Rel: "alternate", Type: "text/html"},
			{Href: fd.Self, Rel: "self", Type: "application/atom+xml"}}}
	if fd.Author != nil {
		doc.Author = &atomAuthor{Name: fd.Author.PlainName, URI: fd.Author.OriginURL}
	}
	for i, s := range fd.Items {
		sv := fd.Statuses[i]
		e := atomEntry{ID: statusID(sv, s), Title: entryTitle(s, sv),
			Updated:   statusUpdated(sv.Status).Format(time.RFC3339),
			Published: sv.Status.CreatedAt.UTC().Format(time.RFC3339),
			Author:    atomAuthor{Name: s.Account.PlainName, URI: s.Account.OriginURL},
			Links:     []atomLink{{Href: s.OriginURL, Rel: "alternate", Type: "text/html"}},
			Content:   atomText{Type: "html", Text: feedHTML(s)}, Media: feedMedia(s, sv)}
		for _, m := range e.Media {
			e.Links = append(e.Links, atomLink{Href: m.URL, Rel: "enclosure", Type: m.Type})
		}
		for _, t := range tagNames(sv) {
			e.Categories = append(e.Categories, atomCategory{Term: t})
		}
		doc.Entries = append(doc.Entries, e)
	}
	return doc
}

// statusID is an entry's permanent id: the status's ActivityPub id, which
// never changes, or its page when it has none.
func statusID(sv *model.StatusView, s statusItem) string {
	if sv.Status.URI != "" {
		return sv.Status.URI
	}
	return s.OriginURL
}

// entryTitle is the one line Atom requires of an entry: the content
// warning when there is one (the text stays behind it), else the
// beginning of the text, else what it carries.
func entryTitle(s statusItem, sv *model.StatusView) string {
	if sv.Status.SpoilerText != "" {
		return plainText(sv.Status.SpoilerText, 80)
	}
	if t := plainText(sv.Status.Content, 80); t != "" {
		return t
	}
	if len(s.Media) > 0 {
		return attachedSummary(s.Media)
	}
	return "Post by " + s.Account.Handle
}
