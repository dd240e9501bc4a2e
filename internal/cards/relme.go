package cards

import (
	"bytes"
	"context"
	"net/url"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// RelMeLinks fetches the web page at rawURL, as for a card, and returns
// the absolute targets of its rel="me" links (<a> and <link>): what
// profile link verification looks for (Mastodon's VerifyLinkService). A
// page that is not HTML or does not answer 200 is an error.
func (f *Fetcher) RelMeLinks(ctx context.Context, rawURL string) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	base, doc, err := f.fetchPage(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	return RelMe(base, doc), nil
}

// RelMe lists the absolute targets of the rel="me" links of an HTML
// document that came from pageURL.
func RelMe(pageURL *url.URL, doc []byte) []string {
	root, err := html.Parse(bytes.NewReader(bytes.ToValidUTF8(doc, []byte("\uFFFD"))))
	if err != nil {
		return nil
	}
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.A, atom.Link:
				if hasToken(attr(n, "rel"), "me") {
					if u := absURL(pageURL, attr(n, "href")); u != "" {
						out = append(out, u)
					}
				}
			case atom.Script, atom.Style, atom.Template:
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return out
}
