package text

import (
	"strings"
	"unicode/utf8"
)

// Storable returns s as both databases store it alike: without NUL
// characters and with each run of invalid UTF-8 bytes replaced by U+FFFD.
// PostgreSQL refuses both in text (SQLSTATE 22021) where SQLite keeps
// them, and neither means anything in a post, a name or a query. Every
// door applies it to what it reads (query strings and paths, API
// parameters, forms, ActivityPub JSON), so a client or a remote server
// gets the same answer on either database instead of a 500 (or, for an
// activity, endless retries) on PostgreSQL. encoding/json already turns
// invalid UTF-8 into U+FFFD, so JSON input only ever needs the NUL
// removed.
func Storable(s string) string {
	// The common case costs a scan and no copy.
	if strings.IndexByte(s, 0) < 0 && utf8.ValidString(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// StorableValues applies Storable to every value of v (url.Values, or any
// map of that shape), in place.
func StorableValues(v map[string][]string) {
	for _, list := range v {
		for i, s := range list {
			list[i] = Storable(s)
		}
	}
}
