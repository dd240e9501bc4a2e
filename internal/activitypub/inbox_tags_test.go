package activitypub_test

import (
	"net/http"
	"strings"
	"testing"

	"herd/internal/testrig"
)

// TestInboxCapsHashtagNames: a remote Note's Hashtag longer than a local
// hashtag may be (text.ValidTag: 100 characters) is dropped from its tags,
// not cut to another name, and the tag is neither stored nor served; the
// note and its other tags are kept.
func TestInboxCapsHashtagNames(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := newFederation(t, db, remoteHost)
		bob := n.remotes[remoteHost].person(t, "bob")
		huge, longest, tooLong := strings.Repeat("x", 20_000), strings.Repeat("é", 100), strings.Repeat("b", 101)
		hashtag := func(name string) map[string]any {
			return map[string]any{"type": "Hashtag", "href": "http://remote.test/tags/x", "name": "#" + name}
		}
		uri := "http://remote.test/users/bob/statuses/1"
		nt := note(bob, uri, "<p>tags</p>")
		nt["tag"] = []any{hashtag(huge), hashtag(tooLong), hashtag(longest), hashtag("herd")}
		n.accept(t, create(bob, nt))
		n.drain(t)

		var id string
		if err := n.inst.Store.DB.Read.QueryRow("SELECT CAST(id AS TEXT) FROM statuses WHERE uri = $1", uri).Scan(&id); err != nil {
			t.Fatalf("note not stored: %v", err)
		}
		var st struct{ Tags []struct{ Name string } }
		n.inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/statuses/"+id, "", nil).JSON(t, &st)
		var names []string
		for _, tag := range st.Tags {
			names = append(names, tag.Name)
		}
		if len(names) != 2 || !contains(names, "herd") || !contains(names, longest) {
			t.Errorf("status served with tags %.200q", names)
		}
		if c := n.count(t, "SELECT COUNT(*) FROM tags WHERE LENGTH(name) > 100"); c != 0 {
			t.Errorf("%d tags over 100 characters stored", c)
		}
	})
}
