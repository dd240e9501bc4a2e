package activitypub_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"herd/internal/testrig"
)

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// activityIDs lists the object (Create) or id of each outbox item.
func outboxObjects(page doc) []string {
	var out []string
	for _, it := range page.list("orderedItems") {
		a := doc(it.(map[string]any))
		switch a.str("type") {
		case "Create":
			out = append(out, a.obj("object").str("id"))
		case "Announce":
			out = append(out, a.str("object"))
		}
	}
	return out
}

func TestOutboxPagesPublicActivities(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		bob := inst.NewUser(t, "bob")
		bobs := post(t, inst, bob, url.Values{"status": {"bob's"}})
		inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/statuses/"+bobs+"/reblog", alice.Token, nil)
		var ids []string // newest last
		for i := 0; i < 23; i++ {
			vis := "public"
			if i%5 == 0 {
				vis = "unlisted"
			}
			ids = append(ids, post(t, inst, alice, url.Values{"status": {fmt.Sprint("post ", i)}, "visibility": {vis}}))
		}
		hidden := []string{
			post(t, inst, alice, url.Values{"status": {"followers only"}, "visibility": {"private"}}),
			post(t, inst, alice, url.Values{"status": {"@bob psst"}, "visibility": {"direct"}}),
		}

		outbox := fetchDoc(t, inst, "/users/alice/outbox")
		base := inst.URL + "/users/alice/outbox"
		if outbox.str("type") != "OrderedCollection" || outbox.str("first") != base+"?page=true" ||
			outbox.str("last") != base+"?min_id=0&page=true" {
			t.Fatalf("outbox %v", outbox)
		}
		// Written as other servers write it, not with Go's \u0026 escapes.
		if raw := get(t, inst, "/users/alice/outbox", apAccept).Body; !strings.Contains(string(raw), "?min_id=0&page=true") {
			t.Errorf("outbox body escapes its links: %s", raw)
		}
		if _, ok := outbox["totalItems"].(float64); !ok {
			t.Errorf("totalItems %v", outbox["totalItems"])
		}
		first := fetchDoc(t, inst, outbox.str("first"))
		if first.str("type") != "OrderedCollectionPage" || first.str("partOf") != base {
			t.Fatalf("page %v", first)
		}
		got := outboxObjects(first)
		if len(got) != 20 {
			t.Fatalf("first page has %d items, want 20", len(got))
		}
		if want := inst.URL + statusPath("alice", ids[22]); got[0] != want {
			t.Errorf("first item %s, want the newest %s", got[0], want)
		}
		second := fetchDoc(t, inst, first.str("next"))
		got2 := outboxObjects(second)
		// 3 older posts and the boost of bob's status, as an Announce.
		if len(got2) != 4 || got2[3] != inst.URL+statusPath("bob", bobs) {
			t.Fatalf("second page %v", got2)
		}
		if second.str("next") != "" {
			t.Errorf("a short page links on to %s", second.str("next"))
		}
		all := mustJSON(t, first) + mustJSON(t, second)
		for _, id := range hidden {
			if strings.Contains(all, id) {
				t.Errorf("outbox lists non-public status %s", id)
			}
		}
		// last is the oldest page: the boost, then the oldest posts.
		if l := outboxObjects(fetchDoc(t, inst, outbox.str("last"))); len(l) != 20 ||
			l[19] != inst.URL+statusPath("bob", bobs) || l[0] != inst.URL+statusPath("alice", ids[18]) {
			t.Errorf("last page %v", l)
		}
		// prev (min_id) from the second page comes back to the newer posts.
		prev := fetchDoc(t, inst, second.str("prev"))
		if p := outboxObjects(prev); len(p) != 20 || p[19] != inst.URL+statusPath("alice", ids[3]) {
			t.Errorf("prev page %v", p)
		}
	})
}

func TestFollowersAndFollowingCollections(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		var followers []string
		for i := 0; i < 13; i++ {
			u := inst.NewUser(t, fmt.Sprint("fan", i))
			inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/accounts/"+itoa(alice.Account.ID)+"/follow", u.Token, nil)
			followers = append(followers, u.Account.URI)
		}
		c := fetchDoc(t, inst, "/users/alice/followers")
		base := inst.URL + "/users/alice/followers"
		if c.str("type") != "OrderedCollection" || c["totalItems"] != 13.0 || c.str("first") != base+"?page=1" {
			t.Fatalf("followers %v", c)
		}
		p1 := fetchDoc(t, inst, c.str("first"))
		items := p1.strs("orderedItems")
		if len(items) != 12 || items[0] != followers[12] || p1.str("next") != base+"?page=2" || p1.str("partOf") != base {
			t.Fatalf("page 1: %d items, first %v, next %q", len(items), items[:1], p1.str("next"))
		}
		p2 := fetchDoc(t, inst, p1.str("next"))
		if got := p2.strs("orderedItems"); len(got) != 1 || got[0] != followers[0] || p2.str("next") != "" {
			t.Fatalf("page 2 %v", p2)
		}
		following := fetchDoc(t, inst, "/users/fan3/following")
		if following["totalItems"] != 1.0 {
			t.Fatalf("following %v", following)
		}
		if got := fetchDoc(t, inst, following.str("first")).strs("orderedItems"); len(got) != 1 || got[0] != alice.Account.URI {
			t.Errorf("following items %v", got)
		}
	})
}

func TestHiddenCollectionsShowOnlyTheCount(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		bob := inst.NewUser(t, "bob")
		inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/accounts/"+itoa(alice.Account.ID)+"/follow", bob.Token, nil)
		inst.Expect(t, http.StatusOK, http.MethodPatch, "/api/v1/accounts/update_credentials", alice.Token,
			url.Values{"hide_collections": {"true"}})
		for _, path := range []string{"/users/alice/followers", "/users/alice/following"} {
			c := fetchDoc(t, inst, path)
			if _, ok := c["first"]; ok {
				t.Errorf("%s has first: %v", path, c)
			}
			if _, ok := c["totalItems"]; !ok {
				t.Errorf("%s lacks totalItems", path)
			}
			if r := get(t, inst, path+"?page=1", apAccept); r.Status != http.StatusForbidden {
				t.Errorf("%s?page=1 = %d, want 403", path, r.Status)
			}
		}
		if c := fetchDoc(t, inst, "/users/alice/followers"); c["totalItems"] != 1.0 {
			t.Errorf("followers count %v", c["totalItems"])
		}
	})
}

func TestFeaturedHoldsPinnedPublicNotes(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		pinned := post(t, inst, alice, url.Values{"status": {"pinned"}})
		private := post(t, inst, alice, url.Values{"status": {"pinned, private"}, "visibility": {"private"}})
		post(t, inst, alice, url.Values{"status": {"not pinned"}})
		for _, id := range []string{pinned, private} {
			inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/statuses/"+id+"/pin", alice.Token, nil)
		}
		f := fetchDoc(t, inst, "/users/alice/collections/featured")
		items := f.list("orderedItems")
		if f.str("type") != "OrderedCollection" || f["totalItems"] != 1.0 || len(items) != 1 {
			t.Fatalf("featured %v", f)
		}
		if n := doc(items[0].(map[string]any)); n.str("type") != "Note" || n.str("id") != inst.URL+statusPath("alice", pinned) {
			t.Errorf("featured item %v", n)
		}
		tags := fetchDoc(t, inst, "/users/alice/collections/tags")
		if tags.str("type") != "Collection" || tags["totalItems"] != 0.0 {
			t.Errorf("featured tags %v", tags)
		}
		if items, ok := tags["items"].([]any); !ok || len(items) != 0 {
			t.Errorf("featured tags items %v, want []", tags["items"])
		}
	})
}

func itoa(id int64) string { return fmt.Sprint(id) }
