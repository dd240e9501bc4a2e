package activitypub_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"herd/internal/testrig"
)

// notificationTypes lists the types of a user's notifications, newest first.
func notificationTypes(t *testing.T, n *network, u *testrig.User) []string {
	t.Helper()
	var list []struct{ Type string }
	n.inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/notifications", u.Token, nil).JSON(t, &list)
	var out []string
	for _, x := range list {
		out = append(out, x.Type)
	}
	return out
}

// TestInboxFollowsAndInteractions walks the happy paths of a remote actor
// acting on local accounts: follow (with an Accept queued back) and its
// Undo, a follow request to a locked account, Like, Announce and their
// Undo, and Block.
func TestInboxFollowsAndInteractions(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := newFederation(t, db, remoteHost)
		bob := n.remotes[remoteHost].person(t, "bob")
		alice := n.inst.NewUser(t, "alice")
		aliceURI := "http://" + localDomain + "/users/alice"

		followID := bob + "#follows/1"
		n.accept(t, act("Follow", followID, bob, aliceURI))
		n.drain(t)
		ra, err := n.inst.Core.Federation.RemoteAccountByURI(context.Background(), bob)
		if err != nil {
			t.Fatal(err)
		}
		if c := n.count(t, "SELECT COUNT(*) FROM follows WHERE account_id = $1 AND target_account_id = $2 AND uri = $3",
			ra.ID, alice.Account.ID, followID); c != 1 {
			t.Fatal("no follow stored with the Follow's id")
		}
		// The Accept reaches bob's server, naming his Follow by its id.
		accepts := n.remotes[remoteHost].waitPosts(t, "Accept", 1)
		if obj, _ := accepts[0]["object"].(map[string]any); accepts[0]["actor"] != aliceURI || obj["id"] != followID ||
			obj["actor"] != bob || obj["object"] != aliceURI {
			t.Fatalf("Accept %v", accepts[0])
		}
		if types := notificationTypes(t, n, alice); len(types) != 1 || types[0] != "follow" {
			t.Fatalf("notifications %v", types)
		}
		var acct struct {
			FollowersCount int `json:"followers_count"`
		}
		n.inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/"+itoa(alice.Account.ID), "", nil).JSON(t, &acct)
		if acct.FollowersCount != 1 {
			t.Fatalf("followers_count %d", acct.FollowersCount)
		}
		n.accept(t, act("Undo", bob+"#undo/1", bob, act("Follow", followID, bob, aliceURI)))
		n.drain(t)
		if c := n.count(t, "SELECT COUNT(*) FROM follows WHERE account_id = $1", ra.ID); c != 0 {
			t.Fatal("Undo left the follow")
		}

		// A locked account gets a request, and the Accept waits for approval.
		lucy := n.inst.NewUser(t, "lucy")
		n.inst.Expect(t, http.StatusOK, http.MethodPatch, "/api/v1/accounts/update_credentials", lucy.Token, url.Values{"locked": {"true"}})
		n.accept(t, act("Follow", bob+"#follows/2", bob, "http://"+localDomain+"/users/lucy"))
		n.drain(t)
		if c := n.count(t, "SELECT COUNT(*) FROM follow_requests WHERE account_id = $1 AND target_account_id = $2 AND uri = $3",
			ra.ID, lucy.Account.ID, bob+"#follows/2"); c != 1 {
			t.Fatal("no follow request")
		}
		if c := n.count(t, "SELECT COUNT(*) FROM follows WHERE target_account_id = $1", lucy.Account.ID); c != 0 {
			t.Fatal("locked account followed without approval")
		}
		if types := notificationTypes(t, n, lucy); len(types) != 1 || types[0] != "follow_request" {
			t.Fatalf("notifications %v", types)
		}

		// Like and Announce of a local status count and notify; Undo takes them back.
		id := post(t, n.inst, alice, url.Values{"status": {"hello fediverse"}})
		statusURI := aliceURI + "/statuses/" + id
		n.accept(t, act("Like", bob+"#likes/1", bob, statusURI))
		announce := act("Announce", bob+"/statuses/1/activity", bob, statusURI)
		announce["to"] = []any{asPublic}
		n.accept(t, announce)
		n.drain(t)
		var st struct {
			FavouritesCount int `json:"favourites_count"`
			ReblogsCount    int `json:"reblogs_count"`
		}
		n.inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/statuses/"+id, "", nil).JSON(t, &st)
		if st.FavouritesCount != 1 || st.ReblogsCount != 1 {
			t.Fatalf("counts %+v", st)
		}
		types := strings.Join(notificationTypes(t, n, alice), ",")
		if !strings.Contains(types, "favourite") || !strings.Contains(types, "reblog") {
			t.Fatalf("notifications %s", types)
		}
		n.accept(t, act("Undo", bob+"#undo/2", bob, act("Like", bob+"#likes/1", bob, statusURI)))
		n.accept(t, act("Undo", bob+"#undo/3", bob, bob+"/statuses/1/activity"))
		n.drain(t)
		n.inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/statuses/"+id, "", nil).JSON(t, &st)
		if st.FavouritesCount != 0 || st.ReblogsCount != 0 {
			t.Fatalf("counts after Undo %+v", st)
		}

		// A Block ends follows both ways.
		n.accept(t, act("Follow", bob+"#follows/3", bob, aliceURI))
		n.drain(t)
		n.accept(t, act("Block", bob+"#blocks/1", bob, aliceURI))
		n.drain(t)
		if c := n.count(t, "SELECT COUNT(*) FROM follows WHERE account_id = $1 OR target_account_id = $1", ra.ID); c != 0 {
			t.Fatal("Block left a follow")
		}
		if c := n.count(t, "SELECT COUNT(*) FROM blocks WHERE account_id = $1 AND target_account_id = $2", ra.ID, alice.Account.ID); c != 1 {
			t.Fatal("no block")
		}
	})
}

// TestInboxRemoteStatuses walks a remote actor's posts: a reply to a local
// status joins its thread and notifies the mentioned author, a direct
// mention notifies, an edit by the author applies, a reply to an unknown
// parent fetches it, and a Delete removes the post.
func TestInboxRemoteStatuses(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := newFederation(t, db, remoteHost)
		r := n.remotes[remoteHost]
		bob := r.person(t, "bob")
		alice := n.inst.NewUser(t, "alice")
		aliceURI := "http://" + localDomain + "/users/alice"
		id := post(t, n.inst, alice, url.Values{"status": {"what do you think?"}})

		replyURI := "http://remote.test/users/bob/statuses/1"
		reply := note(bob, replyURI, `<p><span class="h-card"><a href="http://herd.test/@alice" class="u-url mention">@alice</a></span> I agree</p>`)
		reply["inReplyTo"] = aliceURI + "/statuses/" + id
		reply["tag"] = []any{map[string]any{"type": "Mention", "href": aliceURI, "name": "@alice@herd.test"}}
		n.accept(t, create(bob, reply))
		n.drain(t)
		var thread struct {
			Descendants []struct {
				ID      string
				URI     string
				Account struct{ Acct string }
			}
		}
		n.inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/statuses/"+id+"/context", alice.Token, nil).JSON(t, &thread)
		if len(thread.Descendants) != 1 || thread.Descendants[0].URI != replyURI || thread.Descendants[0].Account.Acct != "bob@remote.test" {
			t.Fatalf("thread %+v", thread)
		}
		var remote struct {
			InReplyToID string `json:"in_reply_to_id"`
			Visibility  string
			Content     string
		}
		n.inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/statuses/"+thread.Descendants[0].ID, "", nil).JSON(t, &remote)
		if remote.InReplyToID != id || remote.Visibility != "public" || !strings.Contains(remote.Content, "I agree") {
			t.Fatalf("remote status %+v", remote)
		}
		if types := notificationTypes(t, n, alice); len(types) != 1 || types[0] != "mention" {
			t.Fatalf("notifications %v", types)
		}

		// A direct mention: only the mentioned account is addressed.
		dm := note(bob, "http://remote.test/users/bob/statuses/2", "<p>psst @alice</p>")
		dm["to"], dm["cc"] = []any{aliceURI}, []any{}
		dm["tag"] = []any{map[string]any{"type": "Mention", "href": aliceURI}}
		n.accept(t, create(bob, dm))
		n.drain(t)
		if types := notificationTypes(t, n, alice); len(types) != 2 || types[0] != "mention" {
			t.Fatalf("notifications %v", types)
		}
		if c := n.count(t, "SELECT COUNT(*) FROM statuses WHERE uri = $1 AND visibility = 'direct'", dm["id"]); c != 1 {
			t.Fatal("direct message not stored as direct")
		}

		// The author edits the reply.
		edited := note(bob, replyURI, "<p>I agree, mostly</p>")
		edited["updated"] = "2030-01-01T00:00:00Z"
		n.accept(t, act("Update", bob+"#updates/1", bob, edited))
		n.drain(t)
		n.inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/statuses/"+thread.Descendants[0].ID, "", nil).JSON(t, &remote)
		if !strings.Contains(remote.Content, "mostly") {
			t.Fatalf("edit not applied: %q", remote.Content)
		}

		// A reply to a post Herd never saw fetches the post first.
		parentURI := "http://remote.test/users/bob/statuses/3"
		r.serveJSON("/users/bob/statuses/3", note(bob, parentURI, "<p>the start</p>"))
		child := note(bob, "http://remote.test/users/bob/statuses/4", "<p>and more</p>")
		child["inReplyTo"] = parentURI
		n.accept(t, create(bob, child))
		n.drain(t)
		if c := n.count(t, `SELECT COUNT(*) FROM statuses c JOIN statuses p ON c.in_reply_to_id = p.id
			WHERE c.uri = $1 AND p.uri = $2`, child["id"], parentURI); c != 1 {
			t.Fatal("reply not threaded under its fetched parent")
		}

		// The author deletes the reply.
		n.accept(t, act("Delete", bob+"#deletes/1", bob, map[string]any{"id": replyURI, "type": "Tombstone"}))
		n.drain(t)
		n.inst.Expect(t, http.StatusNotFound, http.MethodGet, "/api/v1/statuses/"+thread.Descendants[0].ID, "", nil)
		if c := n.count(t, "SELECT COUNT(*) FROM statuses WHERE uri = $1", replyURI); c != 0 {
			t.Fatal("reply not deleted")
		}

		// The actor deletes itself: gone, follows removed.
		n.accept(t, act("Follow", bob+"#follows/9", bob, aliceURI))
		n.drain(t)
		n.accept(t, act("Delete", bob+"#delete", bob, bob))
		n.drain(t)
		ra, err := n.inst.Core.Federation.RemoteAccountByURI(context.Background(), bob)
		if err != nil {
			t.Fatal(err)
		}
		if !ra.Suspended() || n.count(t, "SELECT COUNT(*) FROM follows WHERE account_id = $1", ra.ID) != 0 {
			t.Fatal("deleted actor not suspended or still following")
		}
	})
}

// TestInboxUpdatesBoostsAndLateUndo: an Update of the actor refreshes the
// account from its origin (not from the body), an Announce of a post Herd
// never saw fetches it from its origin, and an Undo of a Like that
// overtook the Like is remembered so the late Like is dropped.
func TestInboxUpdatesBoostsAndLateUndo(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := newFederation(t, db, remoteHost)
		r := n.remotes[remoteHost]
		bob := r.person(t, "bob")
		alice := n.inst.NewUser(t, "alice")
		aliceURI := "http://" + localDomain + "/users/alice"
		n.accept(t, act("Follow", bob+"#follows/1", bob, aliceURI))
		n.drain(t)

		doc := r.actorDoc(t, "bob")
		doc["manuallyApprovesFollowers"] = false
		doc["name"] = "Robert"
		r.publish(t, doc)
		forged := r.actorDoc(t, "bob")
		forged["name"] = "Forged in the body"
		n.accept(t, act("Update", bob+"#updates/1", bob, forged))
		n.drain(t)
		ra, err := n.inst.Core.Federation.RemoteAccountByURI(context.Background(), bob)
		if err != nil {
			t.Fatal(err)
		}
		if ra.DisplayName != "Robert" {
			t.Fatalf("display name %q, want the origin's", ra.DisplayName)
		}

		carol := r.person(t, "carol")
		carolPost := "http://remote.test/users/carol/statuses/7"
		r.serveJSON("/users/carol/statuses/7", note(carol, carolPost, "<p>worth sharing</p>"))
		boost := act("Announce", bob+"/statuses/8/activity", bob, carolPost)
		boost["to"] = []any{asPublic}
		n.accept(t, boost)
		n.drain(t)
		if c := n.count(t, `SELECT COUNT(*) FROM statuses b JOIN statuses o ON b.reblog_of_id = o.id
			WHERE b.uri = $1 AND o.uri = $2 AND o.reblogs_count = 1`, bob+"/statuses/8/activity", carolPost); c != 1 {
			t.Fatal("boost of an unknown post not stored with the fetched post")
		}

		id := post(t, n.inst, alice, url.Values{"status": {"like me later"}})
		like := act("Like", bob+"#likes/late", bob, aliceURI+"/statuses/"+id)
		n.accept(t, act("Undo", bob+"#undo/late", bob, like))
		n.drain(t)
		n.accept(t, like)
		n.drain(t)
		if c := n.count(t, "SELECT COUNT(*) FROM favourites WHERE account_id = $1", ra.ID); c != 0 {
			t.Fatal("a Like undone before it arrived was stored")
		}
	})
}
