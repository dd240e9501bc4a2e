package text

import (
	"slices"
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
