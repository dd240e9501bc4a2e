package server

import (
	"net/http"
	"strings"
)

// corsResource is one path family browser apps on other origins may call,
// with the methods allowed, after Mastodon's config/initializers/cors.rb
// (rack-cors, origins '*', credentials false: API calls carry bearer
// tokens, never cookies).
type corsResource struct {
	prefix  string // a path prefix; exact when it does not end in "/"
	methods string
	expose  bool // API answers expose their paging and rate-limit headers
}

var corsResources = []corsResource{
	{prefix: "/api/", methods: "POST, PUT, DELETE, GET, PATCH, OPTIONS", expose: true},
	{prefix: "/oauth/token", methods: "POST"},
	{prefix: "/oauth/revoke", methods: "POST"},
	{prefix: "/.well-known/", methods: "GET"},
	{prefix: "/nodeinfo/", methods: "GET"},
	{prefix: "/users/", methods: "GET"},
	{prefix: "/@", methods: "GET"},
}

// corsExposed are the response headers API clients may read (Mastodon's
// list, plus Idempotency-Key which Herd echoes).
const corsExposed = "Link, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, X-Request-Id, Idempotency-Key"

// withCORS answers preflight requests and marks actual responses of the
// resources above as readable from any origin. As rack-cors with
// "headers: :any", a preflight allows whatever request headers it asks for;
// a preflight for a method the resource does not allow gets no CORS
// headers, so the browser refuses the call.
func withCORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res, ok := corsResourceFor(r.URL.Path)
		if !ok || r.Header.Get("Origin") == "" {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		if wanted := r.Header.Get("Access-Control-Request-Method"); r.Method == http.MethodOptions && wanted != "" {
			if allowsMethod(res.methods, wanted) {
				h.Set("Access-Control-Allow-Origin", "*")
				h.Set("Access-Control-Allow-Methods", res.methods)
				if hdrs := r.Header.Get("Access-Control-Request-Headers"); hdrs != "" {
					h.Set("Access-Control-Allow-Headers", hdrs)
				}
				if res.expose {
					h.Set("Access-Control-Expose-Headers", corsExposed)
				}
				h.Set("Access-Control-Max-Age", "7200") // rack-cors' default
			}
			w.WriteHeader(http.StatusOK)
			return
		}
		if allowsMethod(res.methods, r.Method) {
			h.Set("Access-Control-Allow-Origin", "*")
			if res.expose {
				h.Set("Access-Control-Expose-Headers", corsExposed)
			}
		}
		next.ServeHTTP(w, r)
	})
}

func corsResourceFor(path string) (corsResource, bool) {
	for _, res := range corsResources {
		if strings.HasSuffix(res.prefix, "/") || res.prefix == "/@" {
			if strings.HasPrefix(path, res.prefix) {
				return res, true
			}
		} else if path == res.prefix {
			return res, true
		}
	}
	return corsResource{}, false
}

func allowsMethod(methods, m string) bool {
	for _, allowed := range strings.Split(methods, ", ") {
		if strings.EqualFold(allowed, m) {
			return true
		}
	}
	// HEAD rides along with GET, as in Rack.
	return strings.EqualFold(m, http.MethodHead) && strings.Contains(methods, "GET")
}
