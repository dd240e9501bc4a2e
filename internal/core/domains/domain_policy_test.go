package domains

import (
	"strings"
	"testing"

	"herd/internal/model"
)

func TestNormalizeDomain(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Example.COM", "example.com"},
		{" example.com/ ", "example.com"},
		{"example.com.", "example.com"},
		{"example.com:8443", "example.com"},
		{"bücher.example", "xn--bcher-kva.example"},
		{"xn--bcher-kva.example", "xn--bcher-kva.example"},
		{"example.com:https", ""},
		{"", ""},
		{"exa mple.com", ""},
		{"example..com", ""},
		{"-example.com", ""},
		{"user@example.com", ""},
		{"https://example.com/path", ""},
		{strings.Repeat("a", 64) + ".com", ""},
	}
	for _, c := range cases {
		got, err := NormalizeDomain(c.in)
		if got != c.want || (err != nil) != (c.want == "") {
			t.Errorf("NormalizeDomain(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestDomainVariants(t *testing.T) {
	got := strings.Join(domainVariants("a.b.example.com"), " ")
	if got != "a.b.example.com b.example.com example.com com" {
		t.Errorf("variants %q", got)
	}
}

func TestStricterThan(t *testing.T) {
	block := func(sev string, media bool) *model.DomainBlock {
		return &model.DomainBlock{Severity: sev, RejectMedia: media}
	}
	cases := []struct {
		b, other *model.DomainBlock
		want     bool
	}{
		{block("suspend", false), block("suspend", true), true},
		{block("silence", false), block("suspend", false), false},
		{block("noop", true), block("silence", false), false},
		{block("silence", false), block("noop", false), true},
		{block("silence", false), block("silence", true), false}, // drops reject_media
		{block("silence", true), block("silence", false), true},
		{block("silence", false), block("silence", false), true}, // equal: Mastodon counts it
	}
	for i, c := range cases {
		if got := stricterThan(c.b, c.other); got != c.want {
			t.Errorf("case %d: stricterThan = %v, want %v", i, got, c.want)
		}
	}
}
