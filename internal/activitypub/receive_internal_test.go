package activitypub

import (
	"encoding/json"
	"testing"

	"herd/internal/model"
)

// Incoming addressing read as Mastodon reads it: Public in to is public,
// in cc unlisted; the author's followers make it followers-only; anything
// else is direct. Addressees come as links, objects or lists.
func TestIncomingVisibility(t *testing.T) {
	author := &model.Account{URI: "https://b.example/users/bob"}
	alice := "https://a.example/users/alice"
	for _, tc := range []struct {
		name   string
		to, cc string
		want   model.Visibility
	}{
		{"public", `"https://www.w3.org/ns/activitystreams#Public"`, `["https://b.example/users/bob/followers"]`, model.Public},
		{"compact public", `["as:Public"]`, `[]`, model.Public},
		{"public as an object", `[{"id":"https://www.w3.org/ns/activitystreams#Public"}]`, `null`, model.Public},
		{"unlisted", `["https://b.example/users/bob/followers"]`, `["https://www.w3.org/ns/activitystreams#Public"]`, model.Unlisted},
		{"followers only", `["https://b.example/users/bob/followers"]`, `["` + alice + `"]`, model.Private},
		{"followers of another host", `["https://evil.example/users/x/followers"]`, ``, model.Direct},
		{"limited: some accounts and a list", `["https://b.example/lists/1", "` + alice + `"]`, ``, model.Direct},
		{"direct", `["` + alice + `"]`, `[]`, model.Direct},
		{"nobody", ``, ``, model.Direct},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := visibility(author, json.RawMessage(tc.to), json.RawMessage(tc.cc)); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// FuzzIncomingActivity feeds arbitrary JSON to the readers of incoming
// activities: none may panic, an embedded object is only read when it has
// a type, and the derived visibility is always one of the four.
func FuzzIncomingActivity(f *testing.F) {
	f.Add([]byte(`{"id":"https://b.example/a/1","type":"Create","actor":"https://b.example/users/bob","object":{"id":"https://b.example/n/1","type":"Note","to":["as:Public"],"tag":[{"type":"Mention","href":"x"}]}}`))
	f.Add([]byte(`{"type":"Undo","actor":[{"id":"x"}],"object":"https://b.example/f/1","to":[[]],"cc":{"id":1}}`))
	f.Add([]byte(`{"type":"Accept","object":{"type":"Follow","actor":{"id":"a"},"object":["b"]},"tag":{"type":"Hashtag","name":"#x"}}`))
	author := &model.Account{URI: "https://b.example/users/bob"}
	f.Fuzz(func(t *testing.T, data []byte) {
		var act activity
		if json.Unmarshal(data, &act) != nil {
			return
		}
		_ = linkID(act.Actor)
		_ = linkID(act.Object)
		if e, ok := readEmbedded(act.Object); ok && e.Type == "" {
			t.Fatal("embedded object without a type")
		}
		var n noteJSON
		if json.Unmarshal(act.Object, &n) == nil {
			_ = tags(n.Tag)
			_ = audience(n.To)
			_ = linkID(n.InReplyTo)
			_ = firstLink(n.URL)
		}
		if v := visibility(author, act.To, act.Cc); !v.Valid() {
			t.Fatalf("visibility %q", v)
		}
	})
}
