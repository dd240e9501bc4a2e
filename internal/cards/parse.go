// Package cards builds preview cards (Mastodon's PreviewCard) for links in
// statuses: it fetches a page through the guarded outbound client and
// reads its OpenGraph, Twitter card, <title> and description metadata,
// and its oEmbed document when the page announces one. The same guarded
// fetch reads a page's rel="me" links, to verify profile links (relme.go).
package cards

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"herd/internal/model"
	"herd/internal/text"
)

// Caps on what a card keeps from a page. Mastodon's columns are unbounded
// strings; these keep a card to what a client shows under a post.
const (
	maxTitle       = 255
	maxDescription = 1000
	maxName        = 255 // author and provider names
	maxURL         = 2048
	maxLanguage    = 8
)

// page is what Parse found in a document, before it becomes a card.
type page struct {
	meta      map[string]string // first content of each meta property/name, lowercased key
	title     string            // the first <title>
	lang      string            // <html lang>
	oembedURL string            // <link rel=alternate type=application/json+oembed>
}

// Parse reads the card of the page at pageURL (the URL the document came
// from, for relative links) from its HTML. The card's URL is left for the
// caller to set. oembed is the page's oEmbed JSON endpoint, "" if none.
func Parse(pageURL *url.URL, doc []byte) (card *model.PreviewCard, oembed string) {
	root, err := html.Parse(bytes.NewReader(bytes.ToValidUTF8(doc, []byte("\uFFFD"))))
	if err != nil {
		return &model.PreviewCard{Type: "link"}, ""
	}
	p := &page{meta: map[string]string{}}
	p.walk(root)
	first := func(keys ...string) string {
		for _, k := range keys {
			if v := strings.TrimSpace(p.meta[k]); v != "" {
				return v
			}
		}
		return ""
	}
	c := &model.PreviewCard{Type: "link"}
	c.Title = plain(firstNonEmpty(first("og:title", "twitter:title"), p.title), maxTitle)
	c.Description = plain(first("og:description", "twitter:description", "description"), maxDescription)
	c.ImageURL = absURL(pageURL, first("og:image:secure_url", "og:image", "og:image:url", "twitter:image", "twitter:image:src"))
	if c.ImageURL != "" {
		c.Width, c.Height = dimension(first("og:image:width")), dimension(first("og:image:height"))
	}
	c.ProviderName = plain(first("og:site_name", "application-name"), maxName)
	if author := first("author", "article:author", "twitter:creator"); author != "" {
		if u := absURL(pageURL, author); u != "" && strings.Contains(author, "/") {
			c.AuthorURL = u
		} else {
			c.AuthorName = plain(author, maxName)
		}
	}
	if t, err := time.Parse(time.RFC3339, first("article:published_time")); err == nil {
		t = t.UTC()
		c.PublishedAt = &t
	}
	c.Language = language(firstNonEmpty(first("og:locale"), p.lang))
	return c, absURL(pageURL, p.oembedURL)
}

// walk collects the metadata of the document's head (and, as real pages
// put meta tags anywhere, of its body too).
func (p *page) walk(n *html.Node) {
	if n.Type == html.ElementNode {
		switch n.DataAtom {
		case atom.Html:
			if p.lang == "" {
				p.lang = attr(n, "lang")
			}
		case atom.Title:
			if p.title == "" && n.FirstChild != nil && n.FirstChild.Type == html.TextNode {
				p.title = n.FirstChild.Data
			}
		case atom.Meta:
			key := strings.ToLower(strings.TrimSpace(firstNonEmpty(attr(n, "property"), attr(n, "name"))))
			if _, seen := p.meta[key]; key != "" && !seen {
				p.meta[key] = attr(n, "content")
			}
		case atom.Link:
			if p.oembedURL == "" && hasToken(attr(n, "rel"), "alternate") &&
				strings.EqualFold(strings.TrimSpace(attr(n, "type")), "application/json+oembed") {
				p.oembedURL = attr(n, "href")
			}
		case atom.Script, atom.Style, atom.Template, atom.Svg:
			return // nothing of a card inside
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		p.walk(c)
	}
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == name {
			return a.Val
		}
	}
	return ""
}

func hasToken(list, token string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, token) {
			return true
		}
	}
	return false
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// plain makes page text safe to show as text: markup in it (a title of
// "<script>…</script>", say) is stripped rather than kept, entities are
// decoded, control characters and runs of whitespace become one space,
// and it is cut to max characters.
func plain(s string, max int) string {
	s = text.PlainText(s)
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return truncate(b.String(), max)
}

// truncate cuts s to max characters, marking the cut with an ellipsis.
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:max-1])) + "…"
}

// absURL resolves ref against base and keeps it only if it is an http(s)
// URL of reasonable length.
func absURL(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	s := u.String()
	if len(s) > maxURL {
		return ""
	}
	return s
}

// dimension reads a pixel size, 0 when absent or absurd.
func dimension(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n <= 0 || n > 100_000 {
		return 0
	}
	return n
}

// language reduces "en_US", "en-GB" or "EN" to a lowercase primary tag.
func language(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "_-"); i >= 0 {
		s = s[:i]
	}
	s = strings.ToLower(s)
	if len(s) < 2 || len(s) > maxLanguage {
		return ""
	}
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return ""
		}
	}
	return s
}

// FromPreview makes a card from what another server says a page holds
// (a FEP-8967 Link attachment's preview): the same plain-text rules and
// caps as a fetched page. Type is always "link": no player HTML is taken
// from another server's word.
func FromPreview(href, title, summary, image string) *model.PreviewCard {
	u, err := url.Parse(href)
	if err != nil {
		return nil
	}
	return &model.PreviewCard{URL: href, Type: "link", Title: plain(title, maxTitle),
		Description: plain(summary, maxDescription), ImageURL: absURL(u, image)}
}
