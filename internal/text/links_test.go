package text

import "testing"

func TestCardLink(t *testing.T) {
	mention := `<span class="h-card"><a href="https://remote.example/@bob" class="u-url mention">@<span>bob</span></a></span>`
	tag := `<a href="https://remote.example/tags/sheep" class="mention hashtag" rel="tag">#<span>sheep</span></a>`
	for _, tc := range []struct{ name, html, want string }{
		{"first plain link", `<p>` + mention + ` ` + tag + ` <a href="https://news.example/a">a</a> <a href="https://news.example/b">b</a></p>`, "https://news.example/a"},
		{"rel tag only", `<p><a href="https://x.example/tags/a" rel="tag">#a</a></p>`, ""},
		{"mentioned account url", `<p><a href="https://remote.example/users/carol">@carol</a></p>`, ""},
		{"not http", `<p><a href="mailto:a@b.example">mail</a> <a href="javascript:alert(1)">x</a></p>`, ""},
		{"none", `<p>just text https://not-a-link.example</p>`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CardLink(tc.html, map[string]bool{"https://remote.example/users/carol": true})
			if got != tc.want {
				t.Fatalf("CardLink = %q, want %q", got, tc.want)
			}
		})
	}
	local := Render("@bob #sheep http://news.example/x", func(m Mention) (string, bool) { return "https://h.example/@bob", true },
		func(tag string) string { return "https://h.example/tags/" + tag })
	if got := CardLink(local, nil); got != "http://news.example/x" {
		t.Fatalf("CardLink(%s) = %q", local, got)
	}
}
