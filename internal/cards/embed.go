package cards

import (
	"html"
	"net/url"
	"strconv"
	"strings"

	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// sanitizeEmbed reduces an oEmbed player to the one thing a client may
// embed: the first <iframe> with an https src, rebuilt from scratch with
// only its source and size, sandboxed. Anything else (scripts, inline
// handlers, other elements) is dropped; "" when there is no such iframe.
func sanitizeEmbed(s string, width, height int) string {
	ctx := &nethtml.Node{Type: nethtml.ElementNode, DataAtom: atom.Body, Data: "body"}
	nodes, err := nethtml.ParseFragment(strings.NewReader(s), ctx)
	if err != nil {
		return ""
	}
	var src string
	var find func(n *nethtml.Node)
	find = func(n *nethtml.Node) {
		if src != "" {
			return
		}
		if n.Type == nethtml.ElementNode && n.DataAtom == atom.Iframe {
			if u, err := url.Parse(strings.TrimSpace(attr(n, "src"))); err == nil && u.Scheme == "https" && u.Host != "" {
				src = u.String()
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			find(c)
		}
	}
	for _, n := range nodes {
		find(n)
	}
	if src == "" || len(src) > maxURL {
		return ""
	}
	var b strings.Builder
	b.WriteString(`<iframe src="` + html.EscapeString(src) + `"`)
	if width > 0 {
		b.WriteString(` width="` + strconv.Itoa(width) + `"`)
	}
	if height > 0 {
		b.WriteString(` height="` + strconv.Itoa(height) + `"`)
	}
	b.WriteString(` frameborder="0" allowfullscreen="true" sandbox="allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-forms"></iframe>`)
	return b.String()
}
