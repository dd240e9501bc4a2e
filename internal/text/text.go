// Package text turns the plain text of a status into safe HTML the way
// Mastodon renders a locally authored post, and provides the small helpers
// that posting needs: entity extraction (mentions, hashtags, links), the
// character count used for the status length limit, username and hashtag
// validation, and a reverse HTML-to-text conversion.
//
// Mastodon clients parse the HTML we emit (they look for the "mention",
// "hashtag", "h-card", "invisible" and "ellipsis" classes), so the markup is
// intentionally byte-for-byte the shape Mastodon produces. The only markup
// ever emitted is <p>, <br />, <a> and <span>; everything taken from user
// input is HTML-escaped.
package text

import (
	"strings"
	"unicode/utf8"
)

// Mention is an @user or @user@domain found in status text. Domain is "" when the text had none.
type Mention struct{ Username, Domain string }

// Parsed is what the formatter found in a status text.
type Parsed struct {
	Mentions []Mention // in order of first appearance, de-duplicated case-insensitively
	Tags     []string  // hashtag names as written (without '#'), de-duplicated case-insensitively, order of first appearance
	Links    []string  // http(s) URLs, in order
}

// Parse finds mentions, hashtags and links in plain status text.
//
// It uses exactly the same scanner as Render and Length, so whatever Parse
// reports is what gets linked and counted. Links are reported once per
// occurrence (not de-duplicated), because callers such as link-preview
// fetching care about the first link in document order.
func Parse(s string) Parsed {
	var p Parsed
	seenMention := map[string]bool{}
	seenTag := map[string]bool{}
	for _, e := range extract(s) {
		switch e.kind {
		case kindURL:
			p.Links = append(p.Links, e.url)
		case kindMention:
			key := strings.ToLower(e.mention.Username) + "@" + strings.ToLower(e.mention.Domain)
			if !seenMention[key] {
				seenMention[key] = true
				p.Mentions = append(p.Mentions, e.mention)
			}
		case kindTag:
			key := NormalizeTag(e.tag)
			if !seenTag[key] {
				seenTag[key] = true
				p.Tags = append(p.Tags, e.tag)
			}
		}
	}
	return p
}

// urlLength is the fixed weight of a link in the status length count.
// Mastodon counts every URL as 23 characters (the length of a t.co link, a
// convention inherited from Twitter) so that posting a long URL does not eat
// into the character budget.
const urlLength = 23

// rubyStripSet is the set of characters Ruby's String#strip removes. Mastodon
// strips status text with it before validating and rendering, so we trim the
// same set (and not Go's wider Unicode whitespace) to count identically.
const rubyStripSet = " \t\n\v\f\r\x00"

// Length counts a status text as Mastodon does for the character limit: characters (Unicode code points,
// not bytes), where every http(s) URL counts as 23 and a remote mention @user@domain counts only "@user".
//
// Like Mastodon, the text is stripped of leading and trailing whitespace
// first, since that is what gets stored. Invalid UTF-8 bytes count as one
// character each.
func Length(s string) int {
	s = strings.Trim(s, rubyStripSet)
	n := 0
	last := 0
	for _, e := range extract(s) {
		n += utf8.RuneCountInString(s[last:e.start])
		switch e.kind {
		case kindURL:
			n += urlLength
		case kindMention:
			// Only "@user" counts: the domain of a remote account is not the
			// author's fault and Mastodon does not charge for it.
			n += 1 + utf8.RuneCountInString(e.mention.Username)
		default:
			n += utf8.RuneCountInString(s[e.start:e.end])
		}
		last = e.end
	}
	return n + utf8.RuneCountInString(s[last:])
}

// maxUsernameLength is Mastodon's limit for local usernames.
const maxUsernameLength = 30

// maxTagLength is the most characters a hashtag name may have, in a local
// post and from a remote server alike (ValidTag): a longer name is no
// hashtag at all, since cutting it would make another tag. Mastodon has
// no limit but a post's length; 100 is more than a real tag needs (a long
// compound word, a CamelCase phrase) and keeps a hostile server's name
// (20,000 characters were sent) out of the tags table, its unique index,
// /tags/NAME addresses and the statuses that show it.
const maxTagLength = 100

// ValidUsername reports whether s is a valid local username: [A-Za-z0-9_]{1,30}.
// This is Mastodon's rule for accounts created on this server; remote
// usernames found in mentions may additionally contain dots and dashes.
func ValidUsername(s string) bool {
	if len(s) == 0 || len(s) > maxUsernameLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isASCIIWord(s[i]) {
			return false
		}
	}
	return true
}

// NormalizeUsername lowercases a username. Usernames are unique
// case-insensitively (as in Mastodon), so lookups should use this form.
func NormalizeUsername(s string) string {
	return strings.ToLower(s)
}

// NormalizeTag returns the key used to compare hashtags case-insensitively:
// the name lowercased (Unicode-aware). Unlike Mastodon it does not apply
// NFKC, which would need a non-standard-library package. The display form of
// a tag is always the one the author wrote.
func NormalizeTag(s string) string {
	return strings.ToLower(s)
}

// ValidTag reports whether s (without a leading '#') is a hashtag name that
// Render would link: Unicode letters, marks, digits and underscores, plus the
// separators Mastodon allows between them (middle dot, katakana middle dot
// and zero-width non-joiner), containing at least one letter so that "#1"
// stays plain text, and at most maxTagLength characters.
func ValidTag(s string) bool {
	return s != "" && scanTag(s, 0) == len(s)
}

// isASCIIWord reports whether b is in [A-Za-z0-9_].
func isASCIIWord(b byte) bool {
	return b == '_' || ('0' <= b && b <= '9') || ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z')
}
