package session

import "net/http"

// SignInThrottle limits password attempts. The sign-in form and OAuth's
// password grant both try a password, so both count with it: otherwise
// the grant would be a way round the form's limits.
type SignInThrottle interface {
	// AllowSignIn counts one attempt to sign in as login (the email
	// address as submitted, "" when none was) by r's client. It may set
	// X-RateLimit-* headers on w; false means the attempt is over a limit.
	AllowSignIn(w http.ResponseWriter, r *http.Request, login string) bool
}

// Throttled answers an attempt over the SignInThrottle's limits: 429 with
// Mastodon's answer (rack-attack's JSON, on the form as on the token
// endpoint), never cached.
func Throttled(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(http.StatusTooManyRequests)
	w.Write([]byte(`{"error":"Too many requests"}` + "\n"))
}
