package text

import (
	"html"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ValidShortcode reports whether s can name a custom emoji: two or more
// ASCII letters, digits or underscores, as Mastodon's
// CustomEmoji::SHORTCODE_RE_FRAGMENT.
func ValidShortcode(s string) bool {
	if len(s) < 2 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !shortcodeByte(s[i]) {
			return false
		}
	}
	return true
}

func shortcodeByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_'
}

// EmojiShortcodes lists, once each and in order of first use, the
// shortcodes written ":shortcode:" in s, as Mastodon's CustomEmoji::SCAN_RE
// finds them: the colons must not touch a letter, a digit or another
// colon on the outside (so "a:b:c" and "::ab::" name none). s may be plain
// text or HTML; in HTML, tags and entities separate words as spaces do.
//
// It stops at MaxEmojiShortcodes: a text naming more (a hostile one) shows
// only those.
func EmojiShortcodes(s string) []string {
	var out []string
	eachShortcode(s, func(start, end int) bool {
		if code := s[start+1 : end-1]; !slices.Contains(out, code) {
			out = append(out, code)
		}
		return len(out) < MaxEmojiShortcodes
	})
	return out
}

// MaxEmojiShortcodes bounds how many shortcodes of one text are looked up.
const MaxEmojiShortcodes = 100

// eachShortcode calls fn with the byte range of each ":shortcode:" in s
// (colons included), left to right, not overlapping, until fn answers
// false.
func eachShortcode(s string, fn func(start, end int) bool) {
	for i := 0; i < len(s); i++ {
		next := strings.IndexByte(s[i:], ':')
		if next < 0 {
			return
		}
		i += next
		if s[i] != ':' || (i > 0 && wordOrColonBefore(s, i)) {
			continue
		}
		j := i + 1
		for j < len(s) && shortcodeByte(s[j]) {
			j++
		}
		if j-i-1 < 2 || j >= len(s) || s[j] != ':' || (j+1 < len(s) && wordOrColon(s, j+1)) {
			continue
		}
		if !fn(i, j+1) {
			return
		}
		i = j
	}
}

// wordOrColon reports whether the character starting at byte i of s is a
// colon or alphanumeric (Ruby's Unicode [[:alnum:]]: letters and digits);
// wordOrColonBefore looks at the character ending before byte i.
func wordOrColon(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r == ':' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

func wordOrColonBefore(s string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r == ':' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// EmojifyHTML replaces each ":shortcode:" in the text of s, HTML this
// instance rendered or sanitized, by an image of the emoji urls maps it to
// (shortcodes not in urls stay text), as Mastodon's web pages show custom
// emoji: class "custom-emoji" (sized by the page's CSS), alt and title
// the shortcode. Tags are copied untouched, so attribute values (a link's
// href) are never changed; the inserted URL is escaped.
func EmojifyHTML(s string, urls map[string]string) string {
	if len(urls) == 0 || !strings.Contains(s, ":") {
		return s
	}
	var b strings.Builder
	for len(s) > 0 {
		if s[0] == '<' {
			end := strings.IndexByte(s, '>')
			if end < 0 {
				end = len(s) - 1
			}
			b.WriteString(s[:end+1])
			s = s[end+1:]
			continue
		}
		end := strings.IndexByte(s, '<')
		if end < 0 {
			end = len(s)
		}
		seg, last := s[:end], 0
		eachShortcode(seg, func(start, stop int) bool {
			code := seg[start+1 : stop-1]
			u, ok := urls[code]
			if !ok {
				return true
			}
			b.WriteString(seg[last:start])
			b.WriteString(`<img class="custom-emoji" src="`)
			b.WriteString(html.EscapeString(u))
			b.WriteString(`" alt=":` + code + `:" title=":` + code + `:" draggable="false">`)
			last = stop
			return true
		})
		b.WriteString(seg[last:])
		s = s[end:]
	}
	return b.String()
}

// EmojifyText escapes plain text s for HTML and shows its emoji as
// EmojifyHTML does.
func EmojifyText(s string, urls map[string]string) string {
	return EmojifyHTML(html.EscapeString(s), urls)
}
