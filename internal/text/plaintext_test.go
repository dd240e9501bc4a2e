package text

import "testing"

func TestPlainText(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"no markup", "hello", "hello"},
		{"paragraph", "<p>hello</p>", "hello"},
		{"paragraphs", "<p>a</p><p>b</p>", "a\n\nb"},
		{"br forms", "a<br>b<br/>c<br />d<BR>e", "a\nb\nc\nd\ne"},
		{"br in second paragraph", "<p>a</p><p>b<br />c</p>", "a\n\nb\nc"},
		{"entities decoded", "<p>&lt;script&gt; &amp; &quot;q&quot; &#39;s&#39; &eacute;</p>", "<script> & \"q\" 's' é"},
		{"link keeps invisible parts",
			`<p><a href="https://example.com/x" target="_blank" rel="nofollow noopener" translate="no"><span class="invisible">https://</span><span class="ellipsis">example.com/</span><span class="invisible">x</span></a></p>`,
			"https://example.com/x"},
		{"mention", `<span class="h-card" translate="no"><a href="https://h/@a" class="u-url mention">@<span>a</span></a></span> hi`, "@a hi"},
		{"quoted gt in attribute", `<a title="a>b">x</a>`, "x"},
		{"stray lt is text", "1 < 2", "1 < 2"},
		{"lt digit", "<3 you", "<3 you"},
		{"comment dropped", "a<!-- <p>hidden</p> -->b", "ab"},
		{"unterminated comment", "a<!-- b", "a"},
		{"script content dropped", "a<script>alert('<p>')</script>b", "ab"},
		{"style content dropped", "a<STYLE>p{}</style>b", "ab"},
		{"unterminated tag dropped", "a<span class=", "a"},
		{"leading empty paragraph", "<p></p><p>a</p>", "a"},
		{"doctype", "<!DOCTYPE html>x", "x"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := PlainText(c.in); got != c.want {
				t.Errorf("PlainText(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

// TestPlainTextRoundTrip checks that plain text survives Render and back,
// which is what callers rely on when showing a status outside HTML.
func TestPlainTextRoundTrip(t *testing.T) {
	cases := []struct{ in, want string }{
		{"hello", "hello"},
		{"a\nb\n\nc", "a\nb\n\nc"},
		{"a\n\n\n\nb", "a\n\nb"},
		{"  padded  ", "padded"},
		{"<b>bold</b> & 'q'", "<b>bold</b> & 'q'"},
		{"https://example.com/" + "0123456789012345678901234567890123456789", "https://example.com/" + "0123456789012345678901234567890123456789"},
		{"@alice #tag", "@alice #tag"},
		{"@bob@remote.example", "@bob"}, // Mastodon displays remote mentions without the domain
		{"@carol@elsewhere.example", "@carol@elsewhere.example"},
	}
	for _, c := range cases {
		if got := PlainText(Render(c.in, testResolve, testTagURL)); got != c.want {
			t.Errorf("PlainText(Render(%q)) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestPlainTextRemoteHTML covers markup written by other servers, which
// PlainText also has to flatten (e.g. for notifications and search).
func TestPlainTextRemoteHTML(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"pleroma style mention",
			`<span class="h-card"><a class="u-url mention" data-user="x" href="https://p.example/users/a" rel="ugc">@<span>a</span></a></span> hi`,
			"@a hi"},
		{"misskey style", `<p><span>hello</span><br><span>world</span></p>`, "hello\nworld"},
		{"inline formatting", `<p><strong>bold</strong> and <em>it</em> and <code>x &lt; y</code></p>`, "bold and it and x < y"},
		{"three paragraphs", "<p>a</p><p>b</p><p>c</p>", "a\n\nb\n\nc"},
		{"text after closing paragraph", "<p>a</p>b", "a\n\nb"},
		{"br right after paragraph", "<p>a</p><p><br />b</p>", "a\n\n\nb"},
		{"uppercase tags", "<P>a</P><P>b</P>", "a\n\nb"},
		{"single quoted attribute", `<a title='x>y' href='#'>z</a>`, "z"},
		{"self closing other tag", `a<img src="x" alt="pic"/>b`, "ab"},
		{"numeric entities", "&#x27;&#39;&#60;&#x3c;", "''<<"},
		{"unknown entity kept", "&bogus; & &amp", "&bogus; & &"},
		{"processing instruction", "<?xml version=\"1.0\"?>x", "x"},
		{"lone lt at end", "a <", "a <"},
		{"lt slash not a tag", "a </ b", "a </ b"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := PlainText(c.in); got != c.want {
				t.Errorf("PlainText(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

// TestPlainTextOfPlainText checks that text without markup characters
// passes through unchanged, so PlainText is safe to apply twice.
func TestPlainTextOfPlainText(t *testing.T) {
	for _, s := range []string{"", "hello", "a\nb\n\nc", "日本語 👍", "@a@b.example #x https://e.example"} {
		if got := PlainText(s); got != s {
			t.Errorf("PlainText(%q) = %q", s, got)
		}
		if got := PlainText(PlainText(s)); got != s {
			t.Errorf("PlainText twice (%q) = %q", s, got)
		}
	}
}
