package site

import (
	"net/url"
	"strings"
)

// CanonicalHost is a URL's host[:port] as Herd stores domains: lowercased,
// without a trailing dot, and without the scheme's default port, so
// "https://Example.com.:443" and "https://example.com" are one host.
func CanonicalHost(u *url.URL) string {
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	port := u.Port()
	if (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		return host + ":" + port
	}
	return host
}

// IsLocalHost reports whether u is on this instance's host name, on any
// port: no remote document may speak for a URI there.
func (s Site) IsLocalHost(u *url.URL) bool {
	local := &url.URL{Host: s.Domain}
	return strings.TrimSuffix(strings.ToLower(u.Hostname()), ".") == strings.ToLower(local.Hostname())
}
