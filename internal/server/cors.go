package server

import (
	"net/http"
	"strings"
)

// withCORS lets browser clients on other origins call the API, OAuth token
// endpoints and well-known documents, as Mastodon does (any origin, no
// cookies: API calls carry bearer tokens).
func withCORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if corsPath(r.URL.Path) && r.Header.Get("Origin") != "" {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Expose-Headers", "Link, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, X-Request-Id, Idempotency-Key")
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				h.Set("Access-Control-Allow-Methods", "POST, PUT, DELETE, GET, PATCH, OPTIONS")
				h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key, Accept")
				h.Set("Access-Control-Max-Age", "86400")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func corsPath(p string) bool {
	for _, prefix := range []string{"/api/", "/oauth/token", "/oauth/revoke", "/.well-known/", "/nodeinfo/"} {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}
