package safehttp

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestCheckURL(t *testing.T) {
	for _, tc := range []struct {
		url     string
		allowed bool
	}{
		{"https://example.com/users/alice", true},
		{"http://example.com/", true},
		{"HTTPS://Example.COM/", true}, // url.Parse lowercases the scheme
		{"https://example.com:8443/inbox", true},
		{"https://[2606:4700::1111]/", true},
		{"https://example.com:65535/", true},

		{"ftp://example.com/", false},
		{"file:///etc/passwd", false},
		{"gopher://example.com:70/", false},
		{"javascript:alert(1)", false},
		{"data:text/plain,hi", false},
		{"ws://example.com/", false},
		{"//example.com/", false},
		{"/relative/path", false},
		{"https:example.com", false},
		{"https:///path", false},
		{"https://user@example.com/", false},
		{"https://user:secret@example.com/", false},
		{"https://:secret@example.com/", false},
		{"https://example.com:0/", false},
		{"https://example.com:65536/", false},
		{"https://example.com:99999999999999999999/", false},
	} {
		u, err := url.Parse(tc.url)
		if err != nil {
			t.Fatalf("url.Parse(%q): %v", tc.url, err)
		}
		err = CheckURL(u)
		if (err == nil) != tc.allowed {
			t.Errorf("CheckURL(%q) = %v, want allowed=%v", tc.url, err, tc.allowed)
		}
		if err != nil && !errors.Is(err, ErrBlocked) {
			t.Errorf("CheckURL(%q) = %v, does not match ErrBlocked", tc.url, err)
		}
	}
}

// The refusal is logged: it must not carry the password it refused to send.
func TestBlockedURLErrorHidesUserinfo(t *testing.T) {
	u, _ := url.Parse("https://user:hunter2@example.com/")
	err := CheckURL(u)
	if err == nil || strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "user:") {
		t.Fatalf("CheckURL error %q, want a refusal without the userinfo", err)
	}
}
