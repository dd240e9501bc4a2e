package activitypub_test

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"herd/internal/testrig"
)

const public = "https://www.w3.org/ns/activitystreams#Public"

// Mastodon's addressing (ActivityPub::TagManager#to/#cc), for the two
// visibilities the public may fetch; private and direct are answered 404
// (their addressing is checked in addressing_internal_test.go).
func TestNoteAddressingByVisibility(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		inst.NewUser(t, "bob")
		aliceURI, bobURI := inst.URL+"/users/alice", inst.URL+"/users/bob"
		for _, tc := range []struct {
			visibility string
			to, cc     []string
			served     bool
		}{
			{"public", []string{public}, []string{aliceURI + "/followers", bobURI}, true},
			{"unlisted", []string{aliceURI + "/followers"}, []string{public, bobURI}, true},
			{"private", nil, nil, false},
			{"direct", nil, nil, false},
		} {
			t.Run(tc.visibility, func(t *testing.T) {
				id := post(t, inst, alice, url.Values{"status": {"hi @bob"}, "visibility": {tc.visibility}})
				paths := []string{statusPath("alice", id), statusPath("alice", id) + "/activity",
					"/@alice/" + id, statusPath("alice", id) + "/replies", statusPath("alice", id) + "/likes"}
				if !tc.served {
					for _, p := range paths {
						for _, accept := range []string{apAccept, "text/html"} {
							if resp := get(t, inst, p, accept); resp.Status != http.StatusNotFound {
								t.Errorf("%s (%s) = %d, want 404", p, accept, resp.Status)
							}
						}
					}
					out := fetchDoc(t, inst, "/users/alice/outbox?page=true")
					if strings.Contains(mustJSON(t, out), id) {
						t.Errorf("outbox lists a %s status", tc.visibility)
					}
					return
				}
				note := fetchDoc(t, inst, statusPath("alice", id))
				if got := note.strs("to"); !reflect.DeepEqual(got, tc.to) {
					t.Errorf("to = %v, want %v", got, tc.to)
				}
				if got := note.strs("cc"); !reflect.DeepEqual(got, tc.cc) {
					t.Errorf("cc = %v, want %v", got, tc.cc)
				}
				create := fetchDoc(t, inst, statusPath("alice", id)+"/activity")
				if create.str("type") != "Create" || !reflect.DeepEqual(create.strs("to"), tc.to) ||
					!reflect.DeepEqual(create.strs("cc"), tc.cc) || create.obj("object").str("id") != note.str("id") {
					t.Errorf("activity %v", create)
				}
			})
		}
	})
}

func TestNoteFields(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		bob := inst.NewUser(t, "bob")
		root := post(t, inst, alice, url.Values{"status": {"Root #Herd post @bob"}, "language": {"en"},
			"spoiler_text": {"careful"}, "sensitive": {"true"}})
		selfReply := post(t, inst, alice, url.Values{"status": {"more"}, "in_reply_to_id": {root}})
		post(t, inst, bob, url.Values{"status": {"@alice nice"}, "in_reply_to_id": {root}})

		uri := inst.URL + statusPath("alice", root)
		n := fetchDoc(t, inst, statusPath("alice", root))
		for key, want := range map[string]string{
			"id": uri, "type": "Note", "url": inst.URL + "/@alice/" + root, "attributedTo": inst.URL + "/users/alice",
			"summary": "careful", "atomUri": uri,
		} {
			if got := n.str(key); got != want {
				t.Errorf("%s = %q, want %q", key, got, want)
			}
		}
		if n["inReplyTo"] != nil || n["inReplyToAtomUri"] != nil {
			t.Errorf("inReplyTo %v for a root", n["inReplyTo"])
		}
		if _, ok := n["updated"]; ok {
			t.Error("updated on a status never edited")
		}
		if n["sensitive"] != true || !strings.HasPrefix(n.str("content"), "<p>") {
			t.Errorf("sensitive %v content %q", n["sensitive"], n.str("content"))
		}
		if n.obj("contentMap").str("en") != n.str("content") {
			t.Errorf("contentMap %v", n["contentMap"])
		}
		if !strings.HasPrefix(n.str("conversation"), "tag:"+inst.Domain+",") {
			t.Errorf("conversation %q", n.str("conversation"))
		}
		tags := map[string]doc{}
		for _, tg := range n.list("tag") {
			d := doc(tg.(map[string]any))
			tags[d.str("type")] = d
		}
		if m := tags["Mention"]; m.str("href") != inst.URL+"/users/bob" || m.str("name") != "@bob" {
			t.Errorf("mention %v", m)
		}
		if h := tags["Hashtag"]; h.str("href") != inst.URL+"/tags/herd" || h.str("name") != "#Herd" {
			t.Errorf("hashtag %v", h)
		}
		// Replies: the first page embeds only the author's own replies.
		replies := n.obj("replies")
		first := replies.obj("first")
		if replies.str("id") != uri+"/replies" || first.str("partOf") != uri+"/replies" {
			t.Errorf("replies %v", replies)
		}
		if got := first.strs("items"); !reflect.DeepEqual(got, []string{inst.URL + statusPath("alice", selfReply)}) {
			t.Errorf("embedded replies %v, want only the self-reply", got)
		}
		if !strings.Contains(first.str("next"), "min_id="+selfReply) {
			t.Errorf("replies next %q", first.str("next"))
		}
		// Following next leads on to other people's replies.
		page := fetchDoc(t, inst, first.str("next"))
		if len(page.list("items")) != 0 || !strings.Contains(page.str("next"), "only_other_accounts=true") {
			t.Errorf("self-replies page after the last %v", page)
		}
		others := fetchDoc(t, inst, page.str("next"))
		if got := others.strs("items"); len(got) != 1 || !strings.HasPrefix(got[0], inst.URL+"/users/bob/statuses/") {
			t.Errorf("other accounts' replies %v", got)
		}
		if likes := n.obj("likes"); likes.str("id") != uri+"/likes" || likes["totalItems"] != 0.0 {
			t.Errorf("likes %v", likes)
		}
		// A reply names its parent.
		r := fetchDoc(t, inst, statusPath("alice", selfReply))
		if r.str("inReplyTo") != uri || r.str("inReplyToAtomUri") != uri || r.str("conversation") != n.str("conversation") {
			t.Errorf("reply: inReplyTo %v conversation %v", r["inReplyTo"], r["conversation"])
		}
		if r["summary"] != nil {
			t.Errorf("summary %v, want null", r["summary"])
		}
		// An edit shows as updated; counts follow favourites and boosts.
		inst.Expect(t, http.StatusOK, http.MethodPut, "/api/v1/statuses/"+selfReply, alice.Token, url.Values{"status": {"more, edited"}})
		inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/statuses/"+selfReply+"/favourite", bob.Token, nil)
		r = fetchDoc(t, inst, statusPath("alice", selfReply))
		if r.str("updated") == "" || !strings.Contains(r.str("content"), "edited") {
			t.Errorf("edited: updated %q content %q", r.str("updated"), r.str("content"))
		}
		if likes := fetchDoc(t, inst, statusPath("alice", selfReply)+"/likes"); likes["totalItems"] != 1.0 {
			t.Errorf("likes collection %v", likes)
		}
	})
}

func TestBoostIsAnAnnounce(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		bob := inst.NewUser(t, "bob")
		orig := post(t, inst, alice, url.Values{"status": {"boost me"}})
		resp := inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/statuses/"+orig+"/reblog", bob.Token, nil)
		var boost struct{ ID string }
		resp.JSON(t, &boost)

		a := fetchDoc(t, inst, statusPath("bob", boost.ID)+"/activity")
		origURI := inst.URL + statusPath("alice", orig)
		if a.str("type") != "Announce" || a.str("object") != origURI || a.str("actor") != inst.URL+"/users/bob" ||
			a.str("id") != inst.URL+statusPath("bob", boost.ID)+"/activity" {
			t.Errorf("announce %v", a)
		}
		if !reflect.DeepEqual(a.strs("to"), []string{public}) ||
			!reflect.DeepEqual(a.strs("cc"), []string{inst.URL + "/users/alice", inst.URL + "/users/bob/followers"}) {
			t.Errorf("announce to %v cc %v", a["to"], a["cc"])
		}
		// The boost's own URL sends clients on to the boosted status.
		r := get(t, inst, statusPath("bob", boost.ID), apAccept)
		if r.Status != http.StatusMovedPermanently || r.Header.Get("Location") != origURI {
			t.Errorf("boost URL = %d → %q", r.Status, r.Header.Get("Location"))
		}
		// A status is served only under its own author's name.
		if r := get(t, inst, statusPath("bob", orig), apAccept); r.Status != http.StatusNotFound {
			t.Errorf("alice's status under bob = %d, want 404", r.Status)
		}
		if r := get(t, inst, statusPath("alice", "not-an-id"), apAccept); r.Status != http.StatusNotFound {
			t.Errorf("malformed id = %d, want 404", r.Status)
		}
	})
}
