// Package oauth is Herd's OAuth 2 server: applications' authorize and
// consent pages, the token and revocation endpoints, and the authorization
// server metadata. Who is signed in is the browser's session (package
// session), which the web interface's sign-in pages open.
package oauth

import "strings"

// scopeDescriptions say in plain words what the consent page grants,
// following Mastodon's own wording for the top-level scopes.
var scopeDescriptions = map[string]string{
	"read":    "Read all your account's data",
	"write":   "Modify all your account's data",
	"follow":  "Modify account relationships",
	"push":    "Receive your push notifications",
	"profile": "Read only your account's profile information",
}

// describeScope explains a scope for the consent page.
func describeScope(s string) string {
	if d, ok := scopeDescriptions[s]; ok {
		return d
	}
	kind, what, _ := strings.Cut(s, ":")
	if strings.HasPrefix(s, "admin:") {
		return "Administration: " + strings.ReplaceAll(strings.TrimPrefix(s, "admin:"), "_", " ")
	}
	switch kind {
	case "read":
		return "Read your " + strings.ReplaceAll(what, "_", " ")
	case "write":
		return "Change your " + strings.ReplaceAll(what, "_", " ")
	}
	return s
}
