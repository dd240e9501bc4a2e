package web

import (
	"html"
	"strings"
	"unicode/utf8"
)

// plainText turns stored HTML into one line of text of at most max runes
// (meta descriptions, window titles): tags dropped, paragraphs and line
// breaks as spaces, entities decoded. html/template escapes it again.
func plainText(s string, max int) string {
	var b strings.Builder
	inTag := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '<':
			inTag = true
			if strings.HasPrefix(s[i:], "<br") || strings.HasPrefix(s[i:], "</p") {
				b.WriteByte(' ')
			}
		case c == '>' && inTag:
			inTag = false
		case !inTag:
			b.WriteByte(c)
		}
	}
	out := strings.Join(strings.Fields(html.UnescapeString(b.String())), " ")
	if utf8.RuneCountInString(out) > max {
		r := []rune(out)
		out = strings.TrimSpace(string(r[:max-1])) + "…"
	}
	return out
}
