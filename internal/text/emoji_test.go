package text

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestEmojiShortcodes(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{":blobcat:", []string{"blobcat"}},
		{"hi :blobcat: and :blob_fox:!", []string{"blobcat", "blob_fox"}},
		{"<p>:blobcat:</p><p>:blobcat:</p>", []string{"blobcat"}},
		{"(:ab:)", []string{"ab"}},
		{":a:", nil},         // too short
		{"a:blobcat:", nil},  // touches a letter
		{":blobcat:b", nil},  // touches a letter
		{"::blobcat::", nil}, // touches colons
		{":ab::cd:", nil},    // touching each other
		{"é:blobcat:", nil},  // a non-ASCII letter counts as a letter
		{"—:blobcat:—", []string{"blobcat"}},
		{":blob-cat:", nil},
		{"12:30:45", nil},
		{":ab: :cd:", []string{"ab", "cd"}},
	} {
		if got := EmojiShortcodes(c.in); !slices.Equal(got, c.want) {
			t.Errorf("EmojiShortcodes(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestValidShortcode(t *testing.T) {
	for s, want := range map[string]bool{"ab": true, "Blob_Cat9": true, "a": false, "": false, "a-b": false, "ça": false, "a b": false} {
		if ValidShortcode(s) != want {
			t.Errorf("ValidShortcode(%q) = %v", s, !want)
		}
	}
}

func TestEmojifyHTML(t *testing.T) {
	urls := map[string]string{"blob": `https://x.test/b.png?a=1&b="2"`}
	img := `<img class="custom-emoji" src="https://x.test/b.png?a=1&amp;b=&#34;2&#34;" alt=":blob:" title=":blob:" draggable="false">`
	for _, c := range []struct{ in, want string }{
		{`<p>hi :blob: :nope:</p>`, `<p>hi ` + img + ` :nope:</p>`},
		{`<a href="https://x.test/:blob:/" title=":blob:">:blob:</a>`, `<a href="https://x.test/:blob:/" title=":blob:">` + img + `</a>`},
		{`a:blob:b`, `a:blob:b`},
		{`:blob::blob:`, `:blob::blob:`},
	} {
		if got := EmojifyHTML(c.in, urls); got != c.want {
			t.Errorf("EmojifyHTML(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
	if got := EmojifyText(`<b>:blob:</b>`, urls); got != `&lt;b&gt;`+img+`&lt;/b&gt;` {
		t.Errorf("EmojifyText = %q", got)
	}
}

// TestEmojiShortcodesBounded: a text naming thousands of shortcodes is
// read up to MaxEmojiShortcodes.
func TestEmojiShortcodesBounded(t *testing.T) {
	var b strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&b, ":e%d: ", i)
	}
	if got := EmojiShortcodes(b.String()); len(got) != MaxEmojiShortcodes || got[0] != "e0" {
		t.Errorf("read %d shortcodes, want %d", len(got), MaxEmojiShortcodes)
	}
}

// FuzzEmojifyHTML: emojifying only ever turns ":ab:" into its image
// (putting the shortcodes back gives the input), whatever the markup, and
// never inside a tag of sanitized HTML.
func FuzzEmojifyHTML(f *testing.F) {
	for _, s := range append(fuzzSeeds, `<p>:ab: <a href=":ab:">:ab:</a></p>`, ":ab::ab:", "é:ab: :ab:\xff", "<:ab:") {
		f.Add(s)
	}
	urls := map[string]string{"ab": `https://x.test/"<>&.png`}
	img := `<img class="custom-emoji" src="https://x.test/&#34;&lt;&gt;&amp;.png" alt=":ab:" title=":ab:" draggable="false">`
	f.Fuzz(func(t *testing.T, in string) {
		out := EmojifyHTML(in, urls)
		if back := strings.ReplaceAll(out, img, ":ab:"); back != in {
			t.Fatalf("EmojifyHTML(%q) = %q: more than emoji changed", in, out)
		}
		// In sanitized HTML no image lands inside a tag (an attribute).
		out = EmojifyHTML(SanitizeRemote(in), urls)
		for i := strings.Index(out, img); i >= 0; {
			if lt := strings.LastIndexByte(out[:i], '<'); lt > strings.LastIndexByte(out[:i], '>') {
				t.Fatalf("image inside a tag: %q", out)
			}
			next := strings.Index(out[i+1:], img)
			if next < 0 {
				break
			}
			i += 1 + next
		}
	})
}
