package text

import (
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
func EmojiShortcodes(s string) []string {
	var out []string
	seen := map[string]bool{}
	eachShortcode(s, func(start, end int) {
		if code := s[start+1 : end-1]; !seen[code] {
			seen[code] = true
			out = append(out, code)
		}
	})
	return out
}

// eachShortcode calls fn with the byte range of each ":shortcode:" in s
// (colons included), left to right, not overlapping.
func eachShortcode(s string, fn func(start, end int)) {
	for i := 0; i < len(s); i++ {
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
		fn(i, j+1)
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
