package activitypub_test

import (
	"context"
	"strings"
	"testing"

	"herd/internal/testrig"
)

// TestInboxStripsNUL: "\u0000" in the strings of a delivered activity or
// of a fetched document (here the sender's actor) is removed when they are
// read, so the note and the account are stored, the same on both
// databases, and the ingest job is done. PostgreSQL refused the NUL
// (SQLSTATE 22021), and the job failed and was retried for days.
func TestInboxStripsNUL(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := newFederation(t, db, remoteHost)
		r := n.remotes[remoteHost]
		doc := r.actorDoc(t, "bob")
		doc["name"], doc["summary"] = "Bob\x00 B.", "<p>Hel\x00lo</p>"
		doc["attachment"] = []any{map[string]any{"type": "PropertyValue", "name": "Si\x00te", "value": "x\x00y"}}
		r.publish(t, doc)
		bob := doc["id"].(string)

		uri := "http://remote.test/users/bob/statuses/1"
		nt := note(bob, uri, "<p>a\x00b #he\x00rd</p>")
		nt["summary"] = "c\x00w"
		nt["tag"] = []any{map[string]any{"type": "Hashtag", "href": "http://remote.test/tags/herd", "name": "#he\x00rd"}}
		n.accept(t, create(bob, nt))
		n.drain(t) // the job is gone: processed, not waiting for a retry

		var content, spoiler string
		if err := n.inst.Store.DB.Read.QueryRow("SELECT content, spoiler_text FROM statuses WHERE uri = $1", uri).
			Scan(&content, &spoiler); err != nil {
			t.Fatalf("note not stored: %v", err)
		}
		if content != "<p>ab #herd</p>" || spoiler != "cw" {
			t.Errorf("stored %q, %q", content, spoiler)
		}
		if c := n.count(t, "SELECT COUNT(*) FROM tags WHERE name_lower = 'herd'"); c != 1 {
			t.Errorf("tag herd recorded %d times", c)
		}
		ra, err := n.inst.Core.Federation.RemoteAccountByURI(context.Background(), bob)
		if err != nil {
			t.Fatal(err)
		}
		if a := ra.Account; a.DisplayName != "Bob B." || a.Note != "<p>Hello</p>" || len(a.Fields) != 1 ||
			a.Fields[0].Name != "Site" || strings.ContainsRune(a.Fields[0].Value, 0) {
			t.Errorf("account stored as %q %q %q", a.DisplayName, a.Note, a.Fields)
		}
	})
}
