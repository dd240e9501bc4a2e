package activitypub

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// ContentType is what every ActivityPub document is served as.
const ContentType = "application/activity+json; charset=utf-8"

// wantsActivityJSON reports whether the Accept header asks for an
// ActivityPub document rather than a web page. It weighs the best q of the
// ActivityPub types (application/activity+json, application/ld+json with
// any profile, and application/json, which Mastodon answers with the same
// document) against the best q of text/html and wildcards; the earlier
// entry wins a tie. No Accept header means a browser-ish client, as Rails
// treats a missing format as HTML.
func wantsActivityJSON(r *http.Request) bool {
	header := strings.Join(r.Header.Values("Accept"), ",")
	bestAP, bestHTML := -1.0, -1.0
	apPos, htmlPos := 0, 0
	for i, part := range strings.Split(header, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f <= 1 {
				q = f
			}
		}
		switch mt {
		case "application/activity+json", "application/ld+json", "application/json":
			if q > bestAP {
				bestAP, apPos = q, i
			}
		case "text/html", "application/xhtml+xml", "*/*", "text/*":
			if q > bestHTML {
				bestHTML, htmlPos = q, i
			}
		}
	}
	if bestAP <= 0 {
		return false
	}
	return bestAP > bestHTML || (bestAP == bestHTML && apPos < htmlPos)
}
