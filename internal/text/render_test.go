package text

import (
	"strings"
	"testing"
)

// testResolve knows a local "alice" and a remote "bob@remote.example";
// everyone else is unknown and must stay plain text.
func testResolve(m Mention) (string, bool) {
	switch strings.ToLower(m.Username + "@" + m.Domain) {
	case "alice@":
		return "https://herd.example/@alice", true
	case "bob@remote.example":
		return "https://remote.example/users/bob", true
	case "eve@evil.example":
		return `https://evil.example/"><script>alert(1)</script>`, true
	}
	return "", false
}

func testTagURL(tag string) string { return "https://herd.example/tags/" + tag }

// Expected-markup builders; TestRenderExactMarkup pins their exact shape.
func link(href, prefix, display, class, suffix string) string {
	return `<a href="` + href + `" target="_blank" rel="nofollow noopener" translate="no"><span class="invisible">` +
		prefix + `</span><span class="` + class + `">` + display + `</span><span class="invisible">` + suffix + `</span></a>`
}

func mention(url, user string) string {
	return `<span class="h-card" translate="no"><a href="` + url + `" class="u-url mention">@<span>` + user + `</span></a></span>`
}

func hashtag(tag string) string {
	return `<a href="https://herd.example/tags/` + tag + `" class="mention hashtag" rel="tag">#<span>` + tag + `</span></a>`
}

type renderCase struct{ name, in, want string }

func runRender(t *testing.T, cases []renderCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Render(c.in, testResolve, testTagURL); got != c.want {
				t.Errorf("Render(%q)\n got: %s\nwant: %s", c.in, got, c.want)
			}
		})
	}
}

func TestRenderExactMarkup(t *testing.T) {
	runRender(t, []renderCase{
		{"link", "https://example.com/short",
			`<p><a href="https://example.com/short" target="_blank" rel="nofollow noopener" translate="no"><span class="invisible">https://</span><span class="">example.com/short</span><span class="invisible"></span></a></p>`},
		{"mention", "@alice",
			`<p><span class="h-card" translate="no"><a href="https://herd.example/@alice" class="u-url mention">@<span>alice</span></a></span></p>`},
		{"hashtag", "#go",
			`<p><a href="https://herd.example/tags/go" class="mention hashtag" rel="tag">#<span>go</span></a></p>`},
	})
}

func TestRenderLinks(t *testing.T) {
	runRender(t, []renderCase{
		{"http", "http://example.com", "<p>" + link("http://example.com", "http://", "example.com", "", "") + "</p>"},
		{"www is hidden", "https://www.example.com/a", "<p>" + link("https://www.example.com/a", "https://www.", "example.com/a", "", "") + "</p>"},
		{"trailing period", "see https://example.com/a.", "<p>see " + link("https://example.com/a", "https://", "example.com/a", "", "") + ".</p>"},
		{"trailing punctuation run", "https://example.com/a?!", "<p>" + link("https://example.com/a", "https://", "example.com/a", "", "") + "?!</p>"},
		{"comma and colon", "https://a.example, https://b.example:", "<p>" + link("https://a.example", "https://", "a.example", "", "") +
			", " + link("https://b.example", "https://", "b.example", "", "") + ":</p>"},
		{"unbalanced paren", "(see https://example.com/a)", "<p>(see " + link("https://example.com/a", "https://", "example.com/a", "", "") + ")</p>"},
		{"balanced paren kept", "https://en.wikipedia.org/wiki/Go_(x)", "<p>" + link("https://en.wikipedia.org/wiki/Go_(x)", "https://", "en.wikipedia.org/wiki/Go_(x)", "", "") + "</p>"},
		{"port query fragment", "https://example.com:8443/p?q=1&r=2#frag", "<p>" + link("https://example.com:8443/p?q=1&amp;r=2#frag", "https://", "example.com:8443/p?q=1&amp;r=2#fra", "ellipsis", "g") + "</p>"},
		{"exactly 30 shown in full", "https://" + strings.Repeat("a", 26) + ".com", "<p>" + link("https://"+strings.Repeat("a", 26)+".com", "https://", strings.Repeat("a", 26)+".com", "", "") + "</p>"},
		{"long link ellipsis", "https://example.com/" + strings.Repeat("x", 40), "<p>" + link("https://example.com/"+strings.Repeat("x", 40), "https://",
			"example.com/"+strings.Repeat("x", 18), "ellipsis", strings.Repeat("x", 22)) + "</p>"},
		{"long link cut by characters not bytes", "https://example.com/" + strings.Repeat("é", 20), "<p>" + link("https://example.com/"+strings.Repeat("é", 20), "https://",
			"example.com/"+strings.Repeat("é", 18), "ellipsis", "éé") + "</p>"},
		{"href escaped", `https://example.com/a"b'c`, "<p>" + link("https://example.com/a&quot;b&#39;c", "https://", "example.com/a&quot;b&#39;c", "", "") + "</p>"},
		{"stops at angle bracket", "<https://example.com/a>", "<p>&lt;" + link("https://example.com/a", "https://", "example.com/a", "", "") + "&gt;</p>"},
		{"quoted", `"https://example.com"`, "<p>&quot;" + link("https://example.com", "https://", "example.com", "", "") + "&quot;</p>"},
		{"javascript not linked", "javascript:alert(1)", "<p>javascript:alert(1)</p>"},
		{"ftp not linked", "ftp://example.com/file", "<p>ftp://example.com/file</p>"},
		{"scheme without host", "https:// nothing", "<p>https:// nothing</p>"},
		{"glued to word", "xhttps://example.com", "<p>xhttps://example.com</p>"},
		{"bare domain not linked", "example.com/page", "<p>example.com/page</p>"},
	})
}

func TestRenderMentions(t *testing.T) {
	alice := mention("https://herd.example/@alice", "alice")
	bob := mention("https://remote.example/users/bob", "bob")
	runRender(t, []renderCase{
		{"local", "hi @alice!", "<p>hi " + alice + "!</p>"},
		{"case as written", "@ALICE", "<p>" + mention("https://herd.example/@alice", "ALICE") + "</p>"},
		{"remote shows only user", "@bob@remote.example hello", "<p>" + bob + " hello</p>"},
		{"remote trailing dot", "cc @bob@remote.example.", "<p>cc " + bob + ".</p>"},
		{"unresolved local", "@nobody here", "<p>@nobody here</p>"},
		{"unresolved remote", "@carol@elsewhere.example", "<p>@carol@elsewhere.example</p>"},
		{"email is not a mention", "mail alice@herd.example", "<p>mail alice@herd.example</p>"},
		{"after punctuation", "(@alice)", "<p>(" + alice + ")</p>"},
		{"at line start", "x\n@alice", "<p>x<br />" + alice + "</p>"},
		{"in url path", "https://herd.example/@alice", "<p>" + link("https://herd.example/@alice", "https://", "herd.example/@alice", "", "") + "</p>"},
		{"after equals", "a=@alice", "<p>a=@alice</p>"},
		{"lone at", "@ alice @", "<p>@ alice @</p>"},
		{"mention url escaped", "@eve@evil.example", "<p>" + mention("https://evil.example/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;", "eve") + "</p>"},
	})
}

func TestRenderHashtags(t *testing.T) {
	runRender(t, []renderCase{
		{"simple", "I love #golang", "<p>I love " + hashtag("golang") + "</p>"},
		{"case kept", "#GoLang", "<p>" + hashtag("GoLang") + "</p>"},
		{"unicode", "#日本語 #Ελλάδα #café", "<p>" + hashtag("日本語") + " " + hashtag("Ελλάδα") + " " + hashtag("café") + "</p>"},
		{"underscore and digits", "#go_1_26", "<p>" + hashtag("go_1_26") + "</p>"},
		{"all digits not a tag", "#2024 #1", "<p>#2024 #1</p>"},
		{"inside word", "abc#def", "<p>abc#def</p>"},
		{"after paren", "(#tag)", "<p>(" + hashtag("tag") + ")</p>"},
		{"trailing punctuation", "#tag.", "<p>" + hashtag("tag") + ".</p>"},
		{"fragment in url", "https://example.com/page#section", "<p>" + link("https://example.com/page#section", "https://", "example.com/page#section", "", "") + "</p>"},
		{"after slash", "a/#b", "<p>a/#b</p>"},
		{"middle dot separator", "#l·lamp", "<p>" + hashtag("l·lamp") + "</p>"},
		{"lone hash", "# #", "<p># #</p>"},
	})
}

func TestRenderParagraphsAndEscaping(t *testing.T) {
	runRender(t, []renderCase{
		{"empty", "", ""},
		{"whitespace only", " \n\t\n ", ""},
		{"single line", "hello", "<p>hello</p>"},
		{"trimmed", "  hello  \n", "<p>hello</p>"},
		{"line break", "a\nb", "<p>a<br />b</p>"},
		{"paragraphs", "a\n\nb", "<p>a</p><p>b</p>"},
		{"many blank lines", "a\n\n\n\nb\nc", "<p>a</p><p>b<br />c</p>"},
		{"crlf", "a\r\nb\r\n\r\nc", "<p>a<br />b</p><p>c</p>"},
		{"script", "<script>alert('x')</script>", "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>"},
		{"quotes and ampersand", `a "b" & 'c'`, "<p>a &quot;b&quot; &amp; &#39;c&#39;</p>"},
		{"entities stay literal", "&lt;b&gt;", "<p>&amp;lt;b&amp;gt;</p>"},
		{"invalid utf8", "a\xffb", "<p>a\uFFFDb</p>"},
	})
}

func TestRenderNilCallbacks(t *testing.T) {
	got := Render("@alice #tag https://example.com", nil, nil)
	want := "<p>@alice #tag " + link("https://example.com", "https://", "example.com", "", "") + "</p>"
	if got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

func TestRenderPassesTagAsWritten(t *testing.T) {
	var got []string
	Render("#Foo #bar", nil, func(tag string) string { got = append(got, tag); return "/t" })
	if strings.Join(got, ",") != "Foo,bar" {
		t.Errorf("tagURL called with %q", got)
	}
}
