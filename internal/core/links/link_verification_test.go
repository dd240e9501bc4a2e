package links

import (
	"testing"

	"herd/internal/model"
)

// TestVerifiableURL: what counts as a field's web address, for a local
// account (the value typed) and a remote one (a lone link showing its
// own address, as Mastodon renders one).
func TestVerifiableURL(t *testing.T) {
	local, remote := &model.Account{}, &model.Account{Domain: "social.example"}
	for _, tc := range []struct {
		a     *model.Account
		value string
		want  string
	}{
		{local, "https://alice.example/", "https://alice.example/"},
		{local, " http://alice.example/blog ", "http://alice.example/blog"},
		{local, "see https://alice.example/", ""},
		{local, "alice.example", ""},
		{local, "ftp://alice.example/", ""},
		{local, "https://", ""},
		{remote, `<a href="https://bob.example/" rel="me nofollow noopener" target="_blank"><span class="invisible">https://</span><span class="">bob.example/</span><span class="invisible"></span></a>`, "https://bob.example/"},
		{remote, `<a href="https://bob.example/">my site</a>`, ""},
		{remote, `see <a href="https://bob.example/">https://bob.example/</a>`, ""},
		{remote, `https://bob.example/`, ""},
	} {
		got, ok := VerifiableURL(tc.a, tc.value)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("VerifiableURL(local=%v, %q) = %q, %v; want %q", tc.a.Local(), tc.value, got, ok, tc.want)
		}
	}
}

// TestSameLink: a link back matches whatever the case of its scheme and
// host and with or without a trailing slash, and nothing else.
func TestSameLink(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"https://social.example/@alice", "https://social.example/@alice/", true},
		{"HTTPS://Social.Example/@alice", "https://social.example/@alice", true},
		{"https://social.example/@Alice", "https://social.example/@alice", false},
		{"https://social.example/@alice2", "https://social.example/@alice", false},
		{"http://social.example/@alice", "https://social.example/@alice", false},
	} {
		if got := sameLink(tc.a, tc.b); got != tc.same {
			t.Errorf("sameLink(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}
