package text

import (
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// SanitizeRemote reduces HTML from another server (a status's content, a
// profile's note or field values) to the markup Mastodon 4.3 keeps from
// remote documents (its MASTODON_STRICT sanitizer config):
//
//   - elements p, br, span, a, del, s, pre, blockquote, code, b, strong, u,
//     i, em, ul, ol, li, ruby, rt, rp; headings become <p><strong>;
//   - a[href] only with a scheme from linkSchemes (no javascript:, data:,
//     vbscript:, and no relative links, which mean nothing off their
//     server); a link that fails is replaced by its text. Every kept link
//     gets rel="nofollow noopener" and target="_blank", whatever it said;
//   - class only on a and span, and only the classes clients read
//     (microformats h-/p-/u-/dt-/e-, mention, hashtag, ellipsis,
//     invisible); translate on a and span; start and reversed on ol, value
//     on li;
//   - every other element is unwrapped (its text kept), except those whose
//     content is not text (script, style, iframe, svg, math, …), which go
//     whole; comments and every other attribute (on*, style, id, …) go.
//
// The input is parsed as browsers parse it, and the output is rendered
// from the cleaned tree, so it is well-formed and sanitizing it again
// changes nothing. No regular expressions are involved.
func SanitizeRemote(s string) string {
	if s == "" {
		return ""
	}
	ctx := &html.Node{Type: html.ElementNode, DataAtom: atom.Body, Data: "body"}
	nodes, err := html.ParseFragment(strings.NewReader(s), ctx)
	if err != nil {
		// The parser only fails on reader errors; a strings.Reader has none.
		return html.EscapeString(s)
	}
	root := &html.Node{Type: html.ElementNode, DataAtom: atom.Div, Data: "div"}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	sanitizeChildren(root, scope{})
	var b strings.Builder
	for c := root.FirstChild; c != nil; c = c.NextSibling {
		_ = html.Render(&b, c) // a strings.Builder never fails a write
	}
	return b.String()
}

// linkSchemes are the URL schemes an <a href> may have (Mastodon's
// LINK_PROTOCOLS).
var linkSchemes = map[string]bool{
	"http": true, "https": true, "dat": true, "dweb": true, "ipfs": true, "ipns": true,
	"ssb": true, "gopher": true, "xmpp": true, "magnet": true, "gemini": true,
}

// keptElements are the elements that survive.
var keptElements = map[atom.Atom]bool{
	atom.P: true, atom.Br: true, atom.Span: true, atom.A: true, atom.Del: true, atom.S: true,
	atom.Pre: true, atom.Blockquote: true, atom.Code: true, atom.B: true, atom.Strong: true,
	atom.U: true, atom.I: true, atom.Em: true, atom.Ul: true, atom.Ol: true, atom.Li: true,
	atom.Ruby: true, atom.Rt: true, atom.Rp: true,
}

// droppedWhole are elements removed with their content: their children are
// code, styling or embedded documents, never text meant for the reader
// (the Sanitize gem's remove_contents list, which Mastodon keeps).
var droppedWhole = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Iframe: true, atom.Math: true, atom.Noembed: true,
	atom.Noframes: true, atom.Noscript: true, atom.Plaintext: true, atom.Svg: true, atom.Xmp: true,
	atom.Template: true, atom.Object: true, atom.Textarea: true, atom.Select: true, atom.Title: true,
}

// blockElements, when unwrapped, leave a space on each side, so
// "<div>a</div><div>b</div>" reads "a b" and not "ab" (as the Sanitize gem
// does with its whitespace elements).
var blockElements = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Div: true, atom.Dd: true,
	atom.Dl: true, atom.Dt: true, atom.Figcaption: true, atom.Figure: true, atom.Footer: true,
	atom.Header: true, atom.Hgroup: true, atom.Hr: true, atom.Main: true, atom.Nav: true,
	atom.Section: true, atom.Table: true, atom.Tbody: true, atom.Td: true, atom.Tfoot: true,
	atom.Th: true, atom.Thead: true, atom.Tr: true, atom.Caption: true, atom.Details: true,
	atom.Summary: true,
}

var headings = map[atom.Atom]bool{
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
}

// scope is what encloses the nodes being cleaned, as far as the HTML parser
// cares: it would close an open <p> before a block, a <li> before another
// <li>, and refuse to nest links. Such an element, made a descendant by
// unwrapping something between (a <button>, a <table> cell), is unwrapped
// too, so the output parses back to the tree it was rendered from and a
// second sanitizing changes nothing.
type scope struct {
	inLink, inP, inItem, inRuby bool
}

// impliedEnd are the kept elements a <rt> or <rp> start tag closes when
// one is the current node inside a <ruby>.
var impliedEnd = map[atom.Atom]bool{atom.P: true, atom.Li: true, atom.Rt: true, atom.Rp: true}

// closesP are the kept elements whose start tag closes an open <p>.
var closesP = map[atom.Atom]bool{
	atom.P: true, atom.Blockquote: true, atom.Pre: true, atom.Ul: true, atom.Ol: true, atom.Li: true,
}

// sanitizeChildren cleans n's children in place.
func sanitizeChildren(n *html.Node, sc scope) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch c.Type {
		case html.TextNode:
		case html.ElementNode:
			next = sanitizeElement(c, sc)
		default: // comments, doctypes
			n.RemoveChild(c)
		}
		c = next
	}
}

// sanitizeElement cleans one element and returns the node to continue with
// (the first of whatever replaced it, or its old next sibling).
func sanitizeElement(c *html.Node, sc scope) *html.Node {
	next := c.NextSibling
	a := c.DataAtom
	if c.Namespace != "" {
		// SVG and MathML: drawings and formulas, not text, and a
		// place where browsers run script from attributes.
		c.Parent.RemoveChild(c)
		return next
	}
	nested := (sc.inP && (closesP[a] || headings[a])) || (sc.inItem && a == atom.Li) ||
		(sc.inRuby && (a == atom.Rt || a == atom.Rp) && impliedEnd[c.Parent.DataAtom])
	switch {
	case droppedWhole[a]:
		c.Parent.RemoveChild(c)
		return next
	case nested:
	case headings[a]:
		// Mastodon 4.3 keeps a heading as a bold paragraph.
		strong := &html.Node{Type: html.ElementNode, DataAtom: atom.Strong, Data: "strong"}
		moveChildren(c, strong)
		c.DataAtom, c.Data, c.Attr = atom.P, "p", nil
		c.AppendChild(strong)
		sc.inP = true
		sanitizeChildren(strong, sc)
		return next
	case a == atom.A:
		href, ok := linkHref(c)
		if !ok || sc.inLink {
			return replaceWithText(c)
		}
		c.Attr = linkAttrs(c, href)
		sc.inLink = true
		sanitizeChildren(c, sc)
		return next
	case keptElements[a]:
		c.Attr = keptAttrs(c)
		switch a {
		case atom.P:
			sc.inP = true
		case atom.Ul, atom.Ol:
			sc.inItem = false
		case atom.Li:
			sc.inItem = true
		case atom.Ruby:
			sc.inRuby = true
		}
		sanitizeChildren(c, sc)
		return next
	}
	return unwrap(c, blockElements[a] || nested)
}

// unwrap puts c's children where c was, between spaces when c is a block,
// and returns the node to continue with: the first lifted child, which
// still needs cleaning.
func unwrap(c *html.Node, spaced bool) *html.Node {
	parent, next := c.Parent, c.NextSibling
	if spaced {
		if p := c.PrevSibling; p == nil || p.Type != html.TextNode || !strings.HasSuffix(p.Data, " ") {
			parent.InsertBefore(&html.Node{Type: html.TextNode, Data: " "}, c)
		}
		if next == nil || next.Type != html.TextNode || !strings.HasPrefix(next.Data, " ") {
			parent.InsertBefore(&html.Node{Type: html.TextNode, Data: " "}, next)
		}
	}
	before := c.PrevSibling
	for f := c.FirstChild; f != nil; f = c.FirstChild {
		c.RemoveChild(f)
		parent.InsertBefore(f, c)
	}
	parent.RemoveChild(c)
	if before == nil {
		return parent.FirstChild
	}
	return before.NextSibling
}

// replaceWithText puts the text of c where c was and returns the node to
// continue with.
func replaceWithText(c *html.Node) *html.Node {
	t := &html.Node{Type: html.TextNode, Data: textOf(c)}
	c.Parent.InsertBefore(t, c)
	c.Parent.RemoveChild(c)
	return t.NextSibling
}

// textOf concatenates the text under n, leaving out dropped elements.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				b.WriteString(c.Data)
			case c.Type == html.ElementNode && c.Namespace == "" && !droppedWhole[c.DataAtom]:
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}

func moveChildren(from, to *html.Node) {
	for c := from.FirstChild; c != nil; c = from.FirstChild {
		from.RemoveChild(c)
		to.AppendChild(c)
	}
}

// linkHref returns an <a>'s href when its scheme is allowed.
func linkHref(n *html.Node) (string, bool) {
	for _, at := range n.Attr {
		if at.Namespace == "" && at.Key == "href" {
			return at.Val, linkSchemes[urlScheme(at.Val)]
		}
	}
	return "", false
}

// urlScheme is the lowercased scheme of a URL, or "" for a relative one:
// the text before the first ':' when no '/', '?' or '#' comes first.
// Leading whitespace and control characters are skipped, as browsers skip
// them; any such character inside the scheme makes it unknown, never
// "javascript".
func urlScheme(u string) string {
	u = strings.TrimLeft(u, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\v\f\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	for i := 0; i < len(u); i++ {
		switch u[i] {
		case ':':
			return strings.ToLower(u[:i])
		case '/', '?', '#':
			return ""
		}
	}
	return ""
}

// linkAttrs are a kept link's attributes: its href, Mastodon's fixed rel
// and target, and the allowed classes and translate.
func linkAttrs(n *html.Node, href string) []html.Attribute {
	out := []html.Attribute{{Key: "href", Val: href}, {Key: "rel", Val: "nofollow noopener"}, {Key: "target", Val: "_blank"}}
	return append(out, keptAttrs(n)...)
}

// keptAttrs filters a kept element's attributes (other than a's href, rel
// and target, which linkAttrs sets).
func keptAttrs(n *html.Node) []html.Attribute {
	var out []html.Attribute
	seen := map[string]bool{}
	for _, at := range n.Attr {
		if at.Namespace != "" || seen[at.Key] {
			continue
		}
		seen[at.Key] = true
		val, ok := "", false
		switch n.DataAtom {
		case atom.A, atom.Span:
			switch at.Key {
			case "class":
				val = allowedClasses(at.Val)
				ok = val != ""
			case "translate":
				val = strings.ToLower(at.Val)
				ok = val == "no" || val == "yes"
			}
		case atom.Ol:
			switch at.Key {
			case "start":
				val, ok = integer(at.Val)
			case "reversed":
				ok = true
			}
		case atom.Li:
			if at.Key == "value" {
				val, ok = integer(at.Val)
			}
		}
		if ok {
			out = append(out, html.Attribute{Key: at.Key, Val: val})
		}
	}
	return out
}

// allowedClasses keeps the classes Mastodon keeps: microformats (h-, p-,
// u-, dt-, e-), mention, hashtag, ellipsis and invisible.
func allowedClasses(v string) string {
	var kept []string
	for _, c := range strings.FieldsFunc(v, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\f' || r == '\r'
	}) {
		switch {
		case c == "mention", c == "hashtag", c == "ellipsis", c == "invisible",
			strings.HasPrefix(c, "h-"), strings.HasPrefix(c, "p-"), strings.HasPrefix(c, "u-"),
			strings.HasPrefix(c, "dt-"), strings.HasPrefix(c, "e-"):
			kept = append(kept, c)
		}
	}
	return strings.Join(kept, " ")
}

// integer normalizes a small integer attribute value.
func integer(v string) (string, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 32)
	if err != nil {
		return "", false
	}
	return strconv.FormatInt(n, 10), true
}
