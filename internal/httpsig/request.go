package httpsig

import (
	"fmt"
	"net"
	"net/http"
	"strings"
)

// requestTarget is the path and query as the request line carried them.
// On a server r.RequestURI holds them verbatim (re-encoding could change
// percent-escapes and break the signature); on a client, or for an
// absolute-form request line, r.URL.RequestURI() is what goes on the wire.
func requestTarget(r *http.Request) string {
	if strings.HasPrefix(r.RequestURI, "/") {
		return r.RequestURI
	}
	return r.URL.RequestURI()
}

// hostOf is the Host header as sent: Go's server moves it to r.Host, and
// Go's client sends r.Host, or r.URL.Host when that is empty.
func hostOf(r *http.Request) string {
	if r.Host != "" {
		return r.Host
	}
	if r.URL != nil {
		return r.URL.Host
	}
	return ""
}

// authority is RFC 9421's @authority: the host lowercased, without the
// scheme's default port.
func authority(r *http.Request, scheme string) string {
	h := strings.ToLower(hostOf(r))
	if host, port, err := net.SplitHostPort(h); err == nil {
		if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
			if strings.Contains(host, ":") {
				return "[" + host + "]"
			}
			return host
		}
	}
	return h
}

// headerValue is a header's field value for a signing string or signature
// base: all its lines, each trimmed, joined with ", ".
func headerValue(r *http.Request, name string) (string, error) {
	if name == "host" {
		if h := hostOf(r); h != "" {
			return h, nil
		}
		return "", fmt.Errorf("%w: host", ErrMissingHeader)
	}
	values := r.Header.Values(name)
	if len(values) == 0 {
		return "", fmt.Errorf("%w: %s", ErrMissingHeader, name)
	}
	trimmed := make([]string, len(values))
	for i, v := range values {
		trimmed[i] = strings.TrimSpace(v)
	}
	return strings.Join(trimmed, ", "), nil
}

// joinedHeader is all lines of a header joined with ", " (how RFC 8941
// combines a structured field sent on several lines), bounded in size.
func joinedHeader(r *http.Request, name string, max int) (string, error) {
	values := r.Header.Values(name)
	n := 0
	for _, v := range values {
		n += len(v) + 2
	}
	if n > max+2 {
		return "", fmt.Errorf("%w: %s is %d bytes", ErrHeaderTooLarge, name, n-2)
	}
	return strings.Join(values, ", "), nil
}

// hasBody reports whether the request carries, or by its method should
// carry, a body whose digest must be signed.
func hasBody(r *http.Request, body []byte) bool {
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		return true
	}
	return len(body) > 0
}
