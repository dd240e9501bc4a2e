package text

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// CardLink returns the first link of status HTML that may get a preview
// card, as Mastodon picks it: an http(s) <a href> that is not a mention or
// a hashtag (by class "mention"/"hashtag", rel="tag", or being one of the
// mentioned accounts' URLs in skip); "" when there is none.
func CardLink(content string, skip map[string]bool) string {
	if content == "" {
		return ""
	}
	ctx := &html.Node{Type: html.ElementNode, DataAtom: atom.Body, Data: "body"}
	nodes, err := html.ParseFragment(strings.NewReader(content), ctx)
	if err != nil {
		return ""
	}
	var found string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if found != "" {
			return
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.A {
			if href, ok := cardHref(n); ok && !skip[href] {
				found = href
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return found
}

// cardHref is the href of a link that is neither a mention nor a hashtag.
func cardHref(a *html.Node) (string, bool) {
	var href string
	for _, at := range a.Attr {
		switch at.Key {
		case "href":
			href = strings.TrimSpace(at.Val)
		case "class":
			for _, c := range strings.Fields(at.Val) {
				if c == "mention" || c == "hashtag" {
					return "", false
				}
			}
		case "rel":
			for _, r := range strings.Fields(at.Val) {
				if strings.EqualFold(r, "tag") {
					return "", false
				}
			}
		}
	}
	if s := urlScheme(href); s != "http" && s != "https" {
		return "", false
	}
	return href, true
}
