package text

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

func TestSanitizeRemote(t *testing.T) {
	const rel = `rel="nofollow noopener" target="_blank"`
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain text is escaped", `a < b & "c"`, `a &lt; b &amp; &#34;c&#34;`},
		{"mastodon status survives", `<p>Hi <span class="h-card" translate="no"><a href="https://b.example/@x" class="u-url mention">@<span>x</span></a></span> <a href="https://a.example/tags/t" class="mention hashtag" rel="tag">#<span>t</span></a></p>`,
			`<p>Hi <span class="h-card" translate="no"><a href="https://b.example/@x" ` + rel + ` class="u-url mention">@<span>x</span></a></span> <a href="https://a.example/tags/t" ` + rel + ` class="mention hashtag">#<span>t</span></a></p>`},
		{"script dropped with its content", `<p>a<script>alert(1)</script>b</p>`, `<p>ab</p>`},
		{"style dropped with its content", `<style>p{color:red}</style><p>x</p>`, `<p>x</p>`},
		{"iframe dropped", `<iframe src="https://evil.example/"></iframe>ok`, `ok`},
		{"svg dropped with its scripts", `<svg><script>alert(1)</script><a href="https://x.example/">t</a></svg>z`, `z`},
		{"img removed", `<p><img src=x onerror=alert(1)>t</p>`, `<p>t</p>`},
		{"onclick removed", `<p onclick="alert(1)">x</p>`, `<p>x</p>`},
		{"on* removed from kept link", `<a href="https://a.example/" onmouseover="alert(1)">x</a>`, `<a href="https://a.example/" ` + rel + `>x</a>`},
		{"style and id removed", `<span style="color:red" id="y" class="invisible">x</span>`, `<span class="invisible">x</span>`},
		{"javascript link becomes text", `<a href="javascript:alert(1)">click</a>`, `click`},
		{"javascript link, mixed case and spaces", `<a href="  JaVaScRiPt:alert(1)">click</a>`, `click`},
		{"javascript link, entity-encoded colon", `<a href="javascript&#58;alert(1)">x</a>`, `x`},
		{"javascript link, tab inside scheme", "<a href=\"java\tscript:alert(1)\">x</a>", `x`},
		{"data link becomes text", `<a href="data:text/html,<script>alert(1)</script>">x</a>`, `x`},
		{"vbscript link becomes text", `<a href="vbscript:msgbox(1)">x</a>`, `x`},
		{"relative link becomes text", `<a href="/local/path">x</a>`, `x`},
		{"link without href becomes text", `<a name="n">x</a>`, `x`},
		{"other schemes kept", `<a href="gemini://g.example/">g</a>`, `<a href="gemini://g.example/" ` + rel + `>g</a>`},
		{"rel and target forced", `<a href="https://a.example/" rel="me" target="_self">x</a>`, `<a href="https://a.example/" ` + rel + `>x</a>`},
		{"only allowed classes", `<span class="invisible evil h-card dt-x p-n u-url e-c mention hashtag ellipsis status__content">x</span>`,
			`<span class="invisible h-card dt-x p-n u-url e-c mention hashtag ellipsis">x</span>`},
		{"class dropped when none allowed", `<span class="evil">x</span>`, `<span>x</span>`},
		{"class not allowed on p", `<p class="mention">x</p>`, `<p>x</p>`},
		{"unknown element unwrapped", `<p><custom-el>a</custom-el><font color=red>b</font></p>`, `<p>ab</p>`},
		{"block unwrapped with spaces", `<div>a</div><div>b</div>`, ` a b `},
		{"heading becomes bold paragraph", `<h1>Title</h1>`, `<p><strong>Title</strong></p>`},
		{"formatting kept", `<p><b>b</b><i>i</i><em>e</em><strong>s</strong><u>u</u><del>d</del><s>s</s><code>c</code></p>`,
			`<p><b>b</b><i>i</i><em>e</em><strong>s</strong><u>u</u><del>d</del><s>s</s><code>c</code></p>`},
		{"lists kept with safe attributes", `<ol start="3" reversed type="a"><li value="7" class="x">a</li></ol><ul><li>b</li></ul>`,
			`<ol start="3" reversed=""><li value="7">a</li></ol><ul><li>b</li></ul>`},
		{"bad integer attributes dropped", `<ol start="x"><li value="1e9">a</li></ol>`, `<ol><li>a</li></ol>`},
		{"blockquote and pre kept", `<blockquote><pre>x</pre></blockquote>`, `<blockquote><pre>x</pre></blockquote>`},
		{"ruby kept", `<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>`, `<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>`},
		{"comment removed", `a<!-- <script>x</script> -->b`, `ab`},
		{"unclosed tags closed", `<p><b>x`, `<p><b>x</b></p>`},
		{"paragraph nested through button unwrapped", `<p>a<button><p>b</p></button></p>`, `<p>a b </p>`},
		{"nested links flattened", `<a href="https://a.example/">x<table><td><a href="https://b.example/">y</a></td></table></a>`,
			`<a href="https://a.example/" ` + rel + `>x y </a>`},
		{"noscript content dropped", `<noscript><p>x</p></noscript>y`, `y`},
		{"textarea content dropped", `<textarea><script>x</script></textarea>`, ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SanitizeRemote(tt.in)
			if got != tt.want {
				t.Errorf("SanitizeRemote(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if again := SanitizeRemote(got); again != got {
				t.Errorf("not stable: %q → %q", got, again)
			}
		})
	}
}

func TestURLScheme(t *testing.T) {
	tests := map[string]string{
		"https://x":        "https",
		"HTTP://x":         "http",
		" \x01javascript:": "javascript",
		"/a:b":             "",
		"a?b:c":            "",
		"#x:y":             "",
		"noscheme":         "",
		"java\nscript:x":   "java\nscript",
	}
	for in, want := range tests {
		if got := urlScheme(in); got != want {
			t.Errorf("urlScheme(%q) = %q, want %q", in, got, want)
		}
	}
}

// checkSanitized parses out and fails if it holds anything the allowlist
// forbids: an element outside it, an event handler or other attribute, a
// link with a scheme outside linkSchemes.
func checkSanitized(t *testing.T, in, out string) {
	t.Helper()
	if strings.Contains(strings.ToLower(out), "<script") {
		t.Fatalf("SanitizeRemote(%q) = %q contains <script", in, out)
	}
	nodes, err := html.ParseFragment(strings.NewReader(out), &html.Node{Type: html.ElementNode, DataAtom: atom.Body, Data: "body"})
	if err != nil {
		t.Fatal(err)
	}
	allowedAttrs := map[string]bool{"href": true, "rel": true, "target": true, "class": true,
		"translate": true, "start": true, "reversed": true, "value": true}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if !keptElements[n.DataAtom] || n.Namespace != "" {
				t.Fatalf("SanitizeRemote(%q) = %q keeps <%s>", in, out, n.Data)
			}
			for _, a := range n.Attr {
				if !allowedAttrs[a.Key] || strings.HasPrefix(a.Key, "on") {
					t.Fatalf("SanitizeRemote(%q) = %q keeps attribute %s", in, out, a.Key)
				}
				if a.Key == "href" && !linkSchemes[urlScheme(a.Val)] {
					t.Fatalf("SanitizeRemote(%q) = %q keeps href %q", in, out, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
}

func FuzzSanitizeRemote(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	for _, s := range []string{
		`<p>a<button><p>b</p></button></p>`,
		`<a href="https://a.example/">x<table><td><a href="https://b.example/">y</a></td></table></a>`,
		`<ul><li>a<button><li>b</button></ul>`,
		`<p><marquee><h2>x</h2></marquee></p>`,
		`<pre>` + "\n\nx</pre>",
		`<b><p>x</b>y</p>`,
		`<a href="javascript:alert(1)" onclick=x>y</a><svg onload=alert(1)>`,
		`<math><mi xlink:href="javascript:alert(1)">x</mi></math>`,
		`<table><tr><td><p>x<td>y</table>`,
		`<ruby>a<rt>b<rp>c</ruby>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := SanitizeRemote(in)
		checkSanitized(t, in, out)
		if again := SanitizeRemote(out); again != out {
			t.Fatalf("not stable for %q:\n once  %q\n twice %q", in, out, again)
		}
	})
}
