package text

import (
	"strings"
	"unicode/utf8"
)

// MentionResolver maps a mention to the profile URL to link to; ok=false means render it as plain text.
type MentionResolver func(m Mention) (url string, ok bool)

// Render turns plain status text into Mastodon-style HTML. tagURL builds a hashtag's URL from its name
// (e.g. func(t string) string { return "https://example.com/tags/" + t }).
//
// The text is trimmed, split into <p> paragraphs on blank lines, and single
// newlines become <br />, as Rails' simple_format does for Mastodon. http(s)
// URLs, resolvable mentions and hashtags become links; everything else is
// HTML-escaped. tagURL receives the tag name exactly as written (it should
// path-escape it if needed). A nil resolve leaves every mention as plain
// text and a nil tagURL leaves every hashtag as plain text. Invalid UTF-8 is
// replaced with U+FFFD so the output is always valid UTF-8.
func Render(s string, resolve MentionResolver, tagURL func(tag string) string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	// simple_format treats "\r\n" and a lone "\r" as line breaks too.
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.Trim(s, rubyStripSet)
	// Mastodon renders a blank? text (only Unicode whitespace) as nothing.
	if strings.TrimSpace(s) == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/2 + 8)
	b.WriteString("<p>")
	last := 0
	for _, e := range extract(s) {
		writeText(&b, s[last:e.start])
		last = e.end
		switch e.kind {
		case kindURL:
			writeLink(&b, e.url)
			continue
		case kindMention:
			if resolve != nil {
				if url, ok := resolve(e.mention); ok {
					writeMention(&b, url, e.mention)
					continue
				}
			}
		case kindTag:
			if tagURL != nil {
				writeHashtag(&b, tagURL(e.tag), e.tag)
				continue
			}
		}
		writeText(&b, s[e.start:e.end]) // unresolved: keep the text as written
	}
	writeText(&b, s[last:])
	b.WriteString("</p>")
	return b.String()
}

// writeText escapes plain text and turns newlines into paragraph and line
// breaks: a run of two or more newlines closes the paragraph, a single one
// is a <br />. No newline characters are left in the output, matching
// Mastodon, which deletes them after simple_format.
func writeText(b *strings.Builder, s string) {
	for {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			escape(b, s)
			return
		}
		escape(b, s[:i])
		n := 1
		for i+n < len(s) && s[i+n] == '\n' {
			n++
		}
		if n >= 2 {
			b.WriteString("</p><p>")
		} else {
			b.WriteString("<br />")
		}
		s = s[i+n:]
	}
}

// htmlEscaper escapes the same five characters as Rails' html_escape
// (ERB::Util), including the quotes, so escaped text is also safe inside
// attribute values.
var htmlEscaper = strings.NewReplacer(
	"&", "&amp;",
	"<", "&lt;",
	">", "&gt;",
	`"`, "&quot;",
	"'", "&#39;",
)

// escape writes s to b HTML-escaped.
func escape(b *strings.Builder, s string) {
	htmlEscaper.WriteString(b, s)
}

// displayLimit is how many characters of a link (after the scheme and any
// "www.") Mastodon shows before cutting it off with an ellipsis.
const displayLimit = 30

// linkPrefix returns the part of url Mastodon hides: the scheme and "://",
// plus a leading "www.".
func linkPrefix(url string) string {
	n := strings.Index(url, "://") + len("://")
	if hasPrefixFold(url[n:], "www.") {
		n += len("www.")
	}
	return url[:n]
}

// writeLink renders an http(s) URL the way Mastodon's TextFormatter does.
// Clients rely on the span classes: "invisible" parts are hidden by CSS and
// "ellipsis" gets a trailing "…", so a long URL displays as a short one
// while copy-paste still yields the whole URL.
func writeLink(b *strings.Builder, url string) {
	prefix := linkPrefix(url)
	rest := url[len(prefix):]
	display, suffix, class := rest, "", ""
	if utf8.RuneCountInString(rest) > displayLimit {
		cut := 0
		for n := 0; n < displayLimit; n++ {
			_, size := utf8.DecodeRuneInString(rest[cut:])
			cut += size
		}
		display, suffix, class = rest[:cut], rest[cut:], "ellipsis"
	}
	b.WriteString(`<a href="`)
	escape(b, url)
	b.WriteString(`" target="_blank" rel="nofollow noopener" translate="no"><span class="invisible">`)
	escape(b, prefix)
	b.WriteString(`</span><span class="`)
	b.WriteString(class)
	b.WriteString(`">`)
	escape(b, display)
	b.WriteString(`</span><span class="invisible">`)
	escape(b, suffix)
	b.WriteString(`</span></a>`)
}

// writeMention renders a resolved mention as Mastodon's h-card link. Like
// Mastodon's default, only "@user" is shown, also for remote accounts; the
// full address is available from the link target.
func writeMention(b *strings.Builder, url string, m Mention) {
	b.WriteString(`<span class="h-card" translate="no"><a href="`)
	escape(b, url)
	b.WriteString(`" class="u-url mention">@<span>`)
	escape(b, m.Username)
	b.WriteString(`</span></a></span>`)
}

// writeHashtag renders a hashtag link, showing the tag as the author wrote it.
func writeHashtag(b *strings.Builder, url, tag string) {
	b.WriteString(`<a href="`)
	escape(b, url)
	b.WriteString(`" class="mention hashtag" rel="tag">#<span>`)
	escape(b, tag)
	b.WriteString(`</span></a>`)
}
