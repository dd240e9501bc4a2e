package server

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"herd/internal/text"
)

// storableURLs hands every door a request whose path and query values are
// text.Storable: no NUL character, no invalid UTF-8. Both come only from
// escapes (%00, %FF) or raw bytes over 0x7F, since the URL parser refuses
// raw control characters. Cleaning the URL here, before routing, covers
// every handler that reads a path value or the query (the API, the pages,
// OAuth, WebFinger, actors) in one place; a lookup then answers as for
// the URL without them (found, 404, 400) on both databases, instead of a
// 500 from PostgreSQL.
func storableURLs(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := text.Storable(r.URL.Path)
		query, queryChanged := storableQuery(r.URL.RawQuery)
		if path != r.URL.Path || queryChanged {
			u := *r.URL
			if path != u.Path {
				// RawPath no longer spells Path; EscapedPath would ignore it.
				u.Path, u.RawPath = path, ""
			}
			u.RawQuery = query
			r = r.Clone(r.Context())
			r.URL = &u
		}
		next.ServeHTTP(w, r)
	})
}

// storableQuery returns raw with text.Storable applied to its keys and
// values, and whether that changed anything. Only a query with an escape
// or a non-UTF-8 byte is decoded, and only a changed one is encoded again
// (which sorts it), so the query of a signed GET stays as it was signed.
func storableQuery(raw string) (string, bool) {
	if strings.IndexByte(raw, '%') < 0 && utf8.ValidString(raw) {
		return raw, false
	}
	// A malformed pair is skipped, as the doors' r.URL.Query() skips it.
	values, _ := url.ParseQuery(raw)
	changed := false
	clean := make(url.Values, len(values))
	for k, list := range values {
		key := text.Storable(k)
		changed = changed || key != k
		for _, v := range list {
			s := text.Storable(v)
			changed = changed || s != v
			clean[key] = append(clean[key], s)
		}
	}
	if !changed {
		return raw, false
	}
	return clean.Encode(), true
}
