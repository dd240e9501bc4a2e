package activitypub

import (
	"encoding/json"
	"testing"
)

// TestRemoteEmojisParsing reads Emoji tags in the shapes servers send
// (Mastodon's icon object, an icon link, a list of icons) and skips other
// tags; checking the values is core's job.
func TestRemoteEmojisParsing(t *testing.T) {
	raw := json.RawMessage(`[
		{"type":"Mention","href":"https://far.test/users/a","name":"@a"},
		{"id":"https://far.test/emojis/1","type":"Emoji","name":":blob:","updated":"2026-11-01T10:00:00Z",
		 "icon":{"type":"Image","mediaType":"image/png","url":"https://far.test/blob.png"}},
		{"id":"https://far.test/emojis/2","type":"Emoji","name":"nocolons","icon":"https://far.test/n.png"},
		{"id":"https://far.test/emojis/3","type":"Emoji","name":":listed:","icon":[{"type":"Image","url":"https://far.test/l.png"}]},
		"not an object"
	]`)
	got := remoteEmojis(tags(raw))
	if len(got) != 3 {
		t.Fatalf("read %d emoji, want 3: %+v", len(got), got)
	}
	if e := got[0]; e.Shortcode != "blob" || e.URI != "https://far.test/emojis/1" || e.ImageURL != "https://far.test/blob.png" ||
		e.Updated.IsZero() {
		t.Errorf("Mastodon's shape: %+v", e)
	}
	if got[1].Shortcode != "nocolons" || got[1].ImageURL != "https://far.test/n.png" || got[2].ImageURL != "https://far.test/l.png" {
		t.Errorf("other shapes: %+v", got[1:])
	}
}
