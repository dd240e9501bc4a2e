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
