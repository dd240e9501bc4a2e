package activitypub_test

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"herd/internal/testrig"
)

// TestTagCollection: /tags/NAME, where hashtags link, gives ActivityPub
// clients an OrderedCollection of this server's latest public posts with
// the tag (newest first, as Mastodon), and browsers the web page.
func TestTagCollection(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		first := post(t, inst, alice, url.Values{"status": {"one #Herd"}})
		second := post(t, inst, alice, url.Values{"status": {"two #herd"}})
		post(t, inst, alice, url.Values{"status": {"quiet #herd"}, "visibility": {"unlisted"}})
		post(t, inst, alice, url.Values{"status": {"untagged"}})

		c := fetchDoc(t, inst, "/tags/herd")
		want := []string{inst.URL + statusPath("alice", second), inst.URL + statusPath("alice", first)}
		if c.str("type") != "OrderedCollection" || c.str("id") != inst.URL+"/tags/herd" || !reflect.DeepEqual(c.strs("orderedItems"), want) {
			t.Errorf("collection: %v", c)
		}
		if resp := get(t, inst, "/tags/herd", "text/html"); resp.Status != http.StatusOK ||
			!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(resp.Header.Get("Vary"), "Accept") {
			t.Errorf("browser: %d %v", resp.Status, resp.Header)
		}
		if resp := get(t, inst, "/tags/not-a-tag!", apAccept); resp.Status != http.StatusNotFound {
			t.Errorf("invalid tag: %d", resp.Status)
		}
	})
}
