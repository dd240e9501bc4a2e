package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// kind tells which sort of entity the scanner found.
type kind int

const (
	kindURL kind = iota + 1
	kindMention
	kindTag
)

// entity is one linkable span of the text, with byte offsets into it.
type entity struct {
	kind       kind
	start, end int // s[start:end] is the whole entity including '@' or '#'
	url        string
	mention    Mention
	tag        string
}

// extract scans s left to right and returns its entities in order.
//
// Mastodon (via twitter-text) extracts URLs, mentions and hashtags separately
// and then drops every entity that overlaps one starting earlier. A single
// left-to-right pass that jumps over each entity it accepts gives the same
// result, and means a "#fragment" or "/@user" inside a URL is never also
// treated as a hashtag or mention.
func extract(s string) []entity {
	var out []entity
	for i := 0; i < len(s); {
		var e entity
		switch s[i] {
		case 'h', 'H':
			e = scanURL(s, i)
		case '@':
			e = scanMention(s, i)
		case '#':
			e = scanHashtag(s, i)
		}
		if e.kind != 0 {
			out = append(out, e)
			i = e.end
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return out
}

// isWord matches Ruby's [[:word:]] (letters, marks, decimal digits and
// connector punctuation such as '_'), which Mastodon's regexes are built on.
func isWord(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.Is(unicode.Nd, r) || unicode.Is(unicode.Pc, r)
}

// isAlnum matches Ruby's \p{Alnum}: a letter, mark or decimal digit.
func isAlnum(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.Is(unicode.Nd, r)
}

// prevRune returns the rune before byte offset i, or utf8.RuneError at the
// start of the text (which every "preceded by" rule accepts).
func prevRune(s string, i int) rune {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r
}

// hasPrefixFold reports whether s starts with the ASCII string prefix, ignoring case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// urlTrailing are characters that end a sentence rather than a URL: like
// Mastodon we never let a link end with them ("see https://example.com.").
const urlTrailing = ".,;:!?'\"*"

// scanURL recognises an http(s) URL starting at s[i]. Only these two schemes
// are ever linked, so javascript:, data: and friends stay plain text.
func scanURL(s string, i int) entity {
	var j int
	switch {
	case hasPrefixFold(s[i:], "https://"):
		j = i + len("https://")
	case hasPrefixFold(s[i:], "http://"):
		j = i + len("http://")
	default:
		return entity{}
	}
	// twitter-text refuses URLs glued to a word, '@', '$' or '#'
	// ("xhttp://", "#https://"): those are part of something else.
	switch p := prevRune(s, i); {
	case p < utf8.RuneSelf && (isASCIIWord(byte(p)) && p != '_' || p == '@' || p == '$' || p == '#'):
		return entity{}
	case p == '＠' || p == '＃':
		return entity{}
	}
	hostStart := j
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if j == hostStart && !(unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return entity{} // a host must start with a letter or digit
		}
		if !(isAlnum(r) || r == '-' || r == '.' || r == '_') {
			break
		}
		j += size
	}
	if j == hostStart {
		return entity{}
	}
	j = skipPort(s, j)
	if j < len(s) && (s[j] == '/' || s[j] == '?' || s[j] == '#') {
		j = scanURLPath(s, j)
	}
	// Trailing punctuation belongs to the sentence. The host's first rune is
	// alphanumeric, so this can never eat the whole host.
	for j > hostStart+1 && strings.IndexByte(urlTrailing, s[j-1]) >= 0 {
		j--
	}
	return entity{kind: kindURL, start: i, end: j, url: s[i:j]}
}

// skipPort consumes ":digits" at s[j] if present.
func skipPort(s string, j int) int {
	if j+1 < len(s) && s[j] == ':' && '0' <= s[j+1] && s[j+1] <= '9' {
		j++
		for j < len(s) && '0' <= s[j] && s[j] <= '9' {
			j++
		}
	}
	return j
}

// scanURLPath consumes path, query and fragment starting at s[j] and returns
// the end offset. Parentheses are only kept when balanced, so that
// "(see https://example.com/a)" does not swallow the closing parenthesis but
// Wikipedia-style "https://en.wikipedia.org/wiki/Go_(language)" still works.
func scanURLPath(s string, j int) int {
	var open []int // offsets of unmatched '('
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == '<' || r == '>' || r == utf8.RuneError {
			break
		}
		if r == '(' {
			open = append(open, j)
		} else if r == ')' {
			if len(open) == 0 {
				break // unbalanced: it closes the surrounding sentence
			}
			open = open[:len(open)-1]
		}
		j += size
	}
	if len(open) > 0 {
		j = open[0] // an unclosed '(' is not part of the URL either
	}
	return j
}

// scanMention recognises @user or @user@domain[:port] at s[i] == '@',
// following Mastodon's Account::MENTION_RE and the extra checks its Extractor
// applies to what comes after the match.
func scanMention(s string, i int) entity {
	// Not after a word character, '=' or '/': "alice@example.com" is an
	// e-mail address and "https://host/@alice" a URL, not mentions.
	if p := prevRune(s, i); isWord(p) || p == '=' || p == '/' {
		return entity{}
	}
	j := i + 1
	for j < len(s) && isASCIIWord(s[j]) {
		j++
	}
	if j == i+1 {
		return entity{}
	}
	// Dots and dashes are allowed inside remote usernames, never at the end.
	for {
		k := j
		for k < len(s) && (s[k] == '.' || s[k] == '-') {
			k++
		}
		if k == j || k >= len(s) || !isASCIIWord(s[k]) {
			break
		}
		for k < len(s) && isASCIIWord(s[k]) {
			k++
		}
		j = k
	}
	m := Mention{Username: s[i+1 : j]}
	if j < len(s) && s[j] == '@' {
		if end := scanDomain(s, j+1); end > j+1 {
			end = skipPort(s, end)
			m.Domain = s[j+1 : end]
			j = end
		}
	}
	// Mastodon rejects a match that runs into another '@', a "://" or an
	// accented Latin letter: "@user@" and "@josé" are not (partial) mentions.
	rest := s[j:]
	if strings.HasPrefix(rest, "@") || strings.HasPrefix(rest, "://") {
		return entity{}
	}
	if r, _ := utf8.DecodeRuneInString(rest); r >= utf8.RuneSelf && r != utf8.RuneError && (unicode.Is(unicode.Latin, r) || unicode.IsMark(r)) {
		return entity{}
	}
	return entity{kind: kindMention, start: i, end: j, mention: m}
}

// scanDomain returns the end of a mention's domain starting at s[j], or j if
// there is none. Like Mastodon it is word characters, dots and dashes ending
// in a word character and at least two characters long.
func scanDomain(s string, j int) int {
	start := j
	end := j // end of the last word rune
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if j == start && !isWord(r) {
			return start
		}
		if !isWord(r) && r != '.' && r != '-' {
			break
		}
		j += size
		if isWord(r) {
			end = j
		}
	}
	if utf8.RuneCountInString(s[start:end]) < 2 {
		return start
	}
	return end
}

// scanHashtag recognises #name at s[i] == '#'. Like Mastodon's
// Tag::HASHTAG_RE it is refused after a letter, digit, '=', '/' or ')', so
// "abc#def", anchors ("/page#top", "?a=#b") and "(x)#y" are left alone.
func scanHashtag(s string, i int) entity {
	if p := prevRune(s, i); isAlnum(p) || p == '=' || p == '/' || p == ')' {
		return entity{}
	}
	end := scanTag(s, i+1)
	if end == i+1 {
		return entity{}
	}
	return entity{kind: kindTag, start: i, end: end, tag: s[i+1 : end]}
}

// tagSeparator reports whether r may join parts of a hashtag name. Mastodon
// allows the middle dot and katakana middle dot (used in CJK and Catalan
// words) and the zero-width non-joiner (needed to spell Persian words).
func tagSeparator(r rune) bool {
	return r == '\u00b7' || r == '\u30fb' || r == '\u200c'
}

// scanTag returns the end of a hashtag name starting at s[start], or start if
// there is none. The name starts and ends with a word character and must
// contain a letter, so that "#1" or "#2024" are not tags; a name over
// maxTagLength characters is none either.
func scanTag(s string, start int) int {
	end, j := start, start
	letter := false
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		switch {
		case r == utf8.RuneError:
		case isWord(r):
			letter = letter || unicode.IsLetter(r)
			j += size
			end = j
			continue
		case tagSeparator(r) && j > start:
			j += size
			continue
		}
		break
	}
	if !letter || utf8.RuneCountInString(s[start:end]) > maxTagLength {
		return start
	}
	return end
}
