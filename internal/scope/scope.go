// Package scope is Mastodon's OAuth scope vocabulary: which scopes exist
// and which granted scopes cover a needed one. It depends on nothing, so
// core (which decides what a token may do) and the HTTP adapters share it.
package scope

import "strings"

// All lists every scope Herd grants, as Mastodon names them
// (docs.joinmastodon.org/api/oauth-scopes).
var All = []string{
	"read", "write", "follow", "push", "profile",
	"read:accounts", "read:blocks", "read:bookmarks", "read:favourites", "read:filters", "read:follows",
	"read:lists", "read:mutes", "read:notifications", "read:search", "read:statuses",
	"write:accounts", "write:blocks", "write:bookmarks", "write:conversations", "write:favourites",
	"write:filters", "write:follows", "write:lists", "write:media", "write:mutes", "write:notifications",
	"write:reports", "write:statuses",
	"admin:read", "admin:write", "admin:read:accounts", "admin:write:accounts", "admin:read:reports",
	"admin:write:reports", "admin:read:domain_blocks", "admin:write:domain_blocks",
	"admin:read:domain_allows", "admin:write:domain_allows", "admin:read:ip_blocks", "admin:write:ip_blocks",
	"admin:read:email_domain_blocks", "admin:write:email_domain_blocks",
	"admin:read:canonical_email_blocks", "admin:write:canonical_email_blocks",
}

var knownScopes = func() map[string]bool {
	m := make(map[string]bool, len(All))
	for _, s := range All {
		m[s] = true
	}
	return m
}()

// Valid reports whether s is a scope Herd knows.
func Valid(s string) bool { return knownScopes[s] }

// Parse splits a space- or plus-separated scope string; an empty
// string means Mastodon's default, "read".
func Parse(s string) []string {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '+' || r == ',' })
	if len(fields) == 0 {
		return []string{"read"}
	}
	return fields
}

// Subset reports whether every scope in want is covered by have, used when
// an authorization request asks for scopes of an app.
func Subset(want, have []string) bool {
	for _, w := range want {
		if !Covers(have, w) {
			return false
		}
	}
	return true
}

// Covers reports whether granted scopes allow need. A parent scope covers
// its children ("read" covers "read:statuses", "admin:read" covers
// "admin:read:accounts"), and the deprecated "follow" covers the follow,
// block and mute scopes, as in Mastodon.
func Covers(granted []string, need string) bool {
	for _, g := range granted {
		if g == need {
			return true
		}
		if strings.HasPrefix(need, g+":") {
			return true
		}
		if g == "follow" {
			switch need {
			case "read:follows", "read:blocks", "read:mutes", "write:follows", "write:blocks", "write:mutes":
				return true
			}
		}
	}
	return false
}

// CoversAny reports whether granted allows at least one of needs (an
// endpoint that accepts, say, "profile" or "read:accounts").
func CoversAny(granted []string, needs ...string) bool {
	for _, n := range needs {
		if Covers(granted, n) {
			return true
		}
	}
	return len(needs) == 0
}
