package text

import (
	"html"
	"strings"
)

// PlainText strips HTML produced by Render (or any simple HTML) to text: <br> and </p><p> become newlines, entities decoded.
//
// A <br> becomes "\n" and a paragraph boundary "\n\n", so that
// PlainText(Render(s)) gives back s (up to whitespace normalisation and the
// domain of remote mentions, which Render does not display). Content hidden
// by Mastodon's "invisible" spans is kept, so links come out in full. The
// contents of <script> and <style> elements and HTML comments are dropped.
// The result is text, not HTML: a "&lt;" in the input becomes a literal '<'.
func PlainText(h string) string {
	var b strings.Builder
	b.Grow(len(h))
	para := false // a paragraph ended or began; owe "\n\n" before more text
	flush := func() {
		if para && b.Len() > 0 {
			b.WriteString("\n\n")
		}
		para = false
	}
	textStart := 0
	for i := 0; i < len(h); {
		if h[i] != '<' {
			i++
			continue
		}
		t, ok := parseTag(h, i)
		if !ok {
			i++ // a stray '<' that starts no tag is text, as in HTML
			continue
		}
		if seg := h[textStart:i]; seg != "" {
			flush()
			b.WriteString(html.UnescapeString(seg))
		}
		end := t.end
		switch t.name {
		case "br":
			flush()
			b.WriteByte('\n')
		case "p":
			para = true
		case "script", "style":
			if !t.closing {
				end = skipRawText(h, end, t.name)
			}
		}
		i, textStart = end, end
	}
	if seg := h[textStart:]; seg != "" {
		flush()
		b.WriteString(html.UnescapeString(seg))
	}
	return b.String()
}

// tag is a parsed HTML tag (or comment, with an empty name).
type tag struct {
	name    string // lowercased element name; "" for comments and declarations
	closing bool
	end     int // offset just past the tag
}

// parseTag parses the markup starting at h[i] == '<'. It reports ok=false
// when the '<' does not start a tag (e.g. "a < b"), following the HTML rule
// that a tag name must start with an ASCII letter. An unterminated tag runs
// to the end of the input, which is how browsers drop it.
func parseTag(h string, i int) (tag, bool) {
	j := i + 1
	if j >= len(h) {
		return tag{}, false
	}
	switch h[j] {
	case '!':
		if strings.HasPrefix(h[j:], "!--") {
			if k := strings.Index(h[j+3:], "-->"); k >= 0 {
				return tag{end: j + 3 + k + 3}, true
			}
			return tag{end: len(h)}, true
		}
		return tag{end: indexByteFrom(h, j, '>')}, true
	case '?':
		return tag{end: indexByteFrom(h, j, '>')}, true
	}
	t := tag{}
	if h[j] == '/' {
		t.closing = true
		j++
	}
	start := j
	for j < len(h) && isASCIILetterOrDigit(h[j]) {
		j++
	}
	if j == start || !isASCIILetter(h[start]) {
		return tag{}, false
	}
	t.name = strings.ToLower(h[start:j])
	// Skip attributes, honouring quotes so that title="a>b" does not end the tag.
	var quote byte
	for ; j < len(h); j++ {
		switch c := h[j]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			t.end = j + 1
			return t, true
		}
	}
	t.end = len(h)
	return t, true
}

// indexByteFrom returns the offset just past the first c at or after h[j],
// or len(h) when there is none.
func indexByteFrom(h string, j int, c byte) int {
	if k := strings.IndexByte(h[j:], c); k >= 0 {
		return j + k + 1
	}
	return len(h)
}

// skipRawText skips the contents of a <script> or <style> element starting
// at h[i] and returns the offset just past its closing tag (or len(h)).
func skipRawText(h string, i int, name string) int {
	closer := "</" + name
	for k := i; k+len(closer) <= len(h); k++ {
		if h[k] == '<' && strings.EqualFold(h[k:k+len(closer)], closer) {
			return indexByteFrom(h, k, '>')
		}
	}
	return len(h)
}

// isASCIILetter reports whether c is in [A-Za-z].
func isASCIILetter(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// isASCIILetterOrDigit reports whether c is in [A-Za-z0-9].
func isASCIILetterOrDigit(c byte) bool {
	return isASCIILetter(c) || ('0' <= c && c <= '9')
}
