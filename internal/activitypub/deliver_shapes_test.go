package activitypub_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"herd/internal/activitypub"
	"herd/internal/core"
	"herd/internal/testrig"
)

// TestDeliveryActivityShapes: each kind of Delivery goes out as Mastodon's
// serializers shape it: type, id, actor, object and addressing.
func TestDeliveryActivityShapes(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := newFederation(t, db, remoteHost)
		alice := n.inst.NewUser(t, "alice")
		bob := n.remoteActor(t, remoteHost, "bob")
		var st, boost struct{ ID string }
		n.inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/statuses", alice.Token,
			url.Values{"status": {"shapes"}}).JSON(t, &st)
		n.inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/statuses/"+st.ID+"/reblog", alice.Token, nil).JSON(t, &boost)
		n.quiet(t)
		n.forgetPosts()

		me := alice.Account.URI
		statusURI := me + "/statuses/" + st.ID
		boostURI := me + "/statuses/" + boost.ID + "/activity"
		remoteNote := "http://remote.test/notes/9"
		followers := me + "/followers"
		obj := func(a map[string]any) map[string]any { m, _ := a["object"].(map[string]any); return m }
		cases := []struct {
			d     core.Delivery
			id    string // the activity's id (a prefix when it ends in "#updates/")
			typ   string
			check func(a map[string]any) bool
		}{
			{core.Delivery{Kind: "Create", ObjectID: parseID(t, st.ID)}, statusURI + "/activity", "Create",
				func(a map[string]any) bool {
					return obj(a)["id"] == statusURI && obj(a)["type"] == "Note" && obj(a)["attributedTo"] == me &&
						sameList(a["to"], activitypub.Public) && sameList(a["cc"], followers)
				}},
			{core.Delivery{Kind: "Update", ObjectID: parseID(t, st.ID)}, statusURI + "#updates/", "Update",
				func(a map[string]any) bool {
					return obj(a)["id"] == statusURI && obj(a)["type"] == "Note" && sameList(a["to"], activitypub.Public)
				}},
			{core.Delivery{Kind: "Announce", ObjectID: parseID(t, boost.ID)}, boostURI, "Announce",
				func(a map[string]any) bool {
					return a["object"] == statusURI && sameList(a["to"], activitypub.Public) && sameList(a["cc"], me, followers)
				}},
			{core.Delivery{Kind: "Delete", ObjectID: 5, URI: statusURI}, statusURI + "#delete", "Delete",
				func(a map[string]any) bool {
					return obj(a)["type"] == "Tombstone" && obj(a)["id"] == statusURI && sameList(a["to"], activitypub.Public)
				}},
			{core.Delivery{Kind: "Delete"}, me + "#delete", "Delete",
				func(a map[string]any) bool { return a["object"] == me && sameList(a["to"], activitypub.Public) }},
			{core.Delivery{Kind: "Like", ObjectID: 11, URI: remoteNote}, me + "#likes/11", "Like",
				func(a map[string]any) bool { return a["object"] == remoteNote && a["to"] == nil }},
			{core.Delivery{Kind: "Undo:Like", ObjectID: 11, URI: remoteNote}, me + "#likes/11/undo", "Undo",
				func(a map[string]any) bool {
					return obj(a)["type"] == "Like" && obj(a)["id"] == me+"#likes/11" && obj(a)["object"] == remoteNote
				}},
			{core.Delivery{Kind: "Undo:Announce", ObjectID: 12, URI: remoteNote}, me + "#announces/12/undo", "Undo",
				func(a map[string]any) bool {
					return obj(a)["type"] == "Announce" && obj(a)["id"] == me+"/statuses/12/activity" &&
						obj(a)["object"] == remoteNote && sameList(a["to"], activitypub.Public)
				}},
			{core.Delivery{Kind: "Follow", ObjectID: 13, TargetID: bob.ID}, me + "#follows/13", "Follow",
				func(a map[string]any) bool { return a["object"] == bob.URI }},
			{core.Delivery{Kind: "Follow", ObjectID: 14, TargetID: bob.ID, URI: me + "#follows/stored"}, me + "#follows/stored", "Follow",
				func(a map[string]any) bool { return a["object"] == bob.URI }},
			{core.Delivery{Kind: "Undo:Follow", ObjectID: 13, TargetID: bob.ID}, me + "#follows/13/undo", "Undo",
				func(a map[string]any) bool {
					return obj(a)["type"] == "Follow" && obj(a)["id"] == me+"#follows/13" && obj(a)["object"] == bob.URI
				}},
			{core.Delivery{Kind: "Reject", ObjectID: 15, TargetID: bob.ID, URI: bob.URI + "#f/1"}, me + "#rejects/follows/15", "Reject",
				func(a map[string]any) bool {
					return obj(a)["type"] == "Follow" && obj(a)["id"] == bob.URI+"#f/1" && obj(a)["actor"] == bob.URI &&
						obj(a)["object"] == me
				}},
			{core.Delivery{Kind: "Block", ObjectID: 16, TargetID: bob.ID}, me + "#blocks/16", "Block",
				func(a map[string]any) bool { return a["object"] == bob.URI }},
			{core.Delivery{Kind: "Undo:Block", ObjectID: 16, TargetID: bob.ID}, me + "#blocks/16/undo", "Undo",
				func(a map[string]any) bool {
					return obj(a)["type"] == "Block" && obj(a)["id"] == me+"#blocks/16" && obj(a)["object"] == bob.URI
				}},
			{core.Delivery{Kind: "Update:Person"}, me + "#updates/", "Update",
				func(a map[string]any) bool {
					o := obj(a)
					return o["type"] == "Person" && o["id"] == me && o["inbox"] == me+"/inbox" && o["@context"] == nil &&
						o["publicKey"] != nil && sameList(a["to"], activitypub.Public)
				}},
			{core.Delivery{Kind: "Add", ObjectID: parseID(t, st.ID)}, "", "Add",
				func(a map[string]any) bool {
					return a["object"] == statusURI && a["target"] == me+"/collections/featured"
				}},
			{core.Delivery{Kind: "Remove", ObjectID: 99, URI: statusURI}, "", "Remove",
				func(a map[string]any) bool {
					return a["object"] == statusURI && a["target"] == me+"/collections/featured"
				}},
		}
		for _, c := range cases {
			n.forgetPosts()
			c.d.ActorID, c.d.AccountIDs = alice.Account.ID, []int64{bob.ID}
			n.enqueue(t, c.d)
			n.quiet(t)
			posts := n.remotes[remoteHost].postsOf("")
			if len(posts) != 1 {
				var last string
				n.inst.Store.DB.Read.QueryRow("SELECT queue || ' ' || last_error FROM jobs WHERE queue LIKE 'deliver%' LIMIT 1").Scan(&last)
				t.Fatalf("%s: %d POSTs, want 1 (waiting: %q)", c.d.Kind, len(posts), last)
			}
			n.verifyPost(t, posts[0])
			a := posts[0].activity(t)
			id, _ := a["id"].(string)
			idOK := id == c.id || (strings.HasSuffix(c.id, "#updates/") && strings.HasPrefix(id, c.id) && len(id) > len(c.id))
			if a["type"] != c.typ || a["actor"] != me || a["@context"] == nil || !idOK || !c.check(a) {
				t.Errorf("%s: %s", c.d.Kind, posts[0].body)
			}
		}
	})
}
