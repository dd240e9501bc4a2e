package activitypub_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"herd/internal/ids"
	"herd/internal/testrig"
)

// statusEntity is the part of a Status entity these tests read.
type statusEntity struct {
	ID       string
	URI      string
	URL      string
	Content  string
	Mentions []struct{ ID, Username, Acct, URL string }
	Account  struct{ Acct string }
}

// TestNetworkRemoteMention: a local post naming @bob@b.test finds bob on
// the other instance (WebFinger and actor over real HTTP), links him as
// Mastodon links a mention, stores the mention (entity, Note tag and
// addressing), and leaves an address that resolves to no one as text.
func TestNetworkRemoteMention(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		insts := testrig.StartNetwork(t, db, "a.test", "b.test")
		a, b := insts[0], insts[1]
		alice := a.NewUser(t, "alice")
		b.NewUser(t, "bob")

		var st statusEntity
		a.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/statuses", alice.Token,
			url.Values{"status": {"hi @bob@B.test and @nobody@b.test"}}).JSON(t, &st)
		if len(st.Mentions) != 1 || st.Mentions[0].Acct != "bob@b.test" || st.Mentions[0].URL != "http://b.test/@bob" ||
			st.Mentions[0].Username != "bob" {
			t.Fatalf("mentions = %+v", st.Mentions)
		}
		link := `<span class="h-card" translate="no"><a href="http://b.test/@bob" class="u-url mention">@<span>bob</span></a></span>`
		if !strings.Contains(st.Content, link) || !strings.Contains(st.Content, "@nobody@b.test") {
			t.Errorf("content = %s", st.Content)
		}
		// The status as read back (not only as posted) has the mention.
		var again statusEntity
		a.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/statuses/"+st.ID, alice.Token, nil).JSON(t, &again)
		if len(again.Mentions) != 1 || again.Mentions[0].Acct != "bob@b.test" {
			t.Errorf("read back: mentions = %+v", again.Mentions)
		}

		note := fetchDoc(t, a, statusPath("alice", st.ID))
		var mention doc
		for _, tag := range note.list("tag") {
			if m, _ := tag.(map[string]any); m["type"] == "Mention" {
				mention = m
			}
		}
		if mention.str("href") != "http://b.test/users/bob" || mention.str("name") != "@bob@b.test" {
			t.Errorf("Note tag = %v", note.list("tag"))
		}
		if !contains(note.strs("cc"), "http://b.test/users/bob") {
			t.Errorf("Note cc = %v, lacks bob", note.strs("cc"))
		}

	})
}

// ageRemoteAccounts makes every remote account inst holds look fetched
// long ago (older than federation.RemoteStaleAfter).
func ageRemoteAccounts(t *testing.T, inst *testrig.Instance) {
	t.Helper()
	if _, err := inst.Store.DB.Write.Exec("UPDATE accounts SET fetched_at = 1 WHERE domain <> ''"); err != nil {
		t.Fatal(err)
	}
}

// TestNetworkStaleAndGoneActors: a remote account used after a day is
// fetched again in the background (the lookup answers at once with what
// is stored); one whose origin then answers 410 is marked gone, shown
// suspended and no longer found by address or linked in mentions.
func TestNetworkStaleAndGoneActors(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		insts := testrig.StartNetwork(t, db, "a.test", "b.test")
		a, b := insts[0], insts[1]
		alice := a.NewUser(t, "alice")
		bob := b.NewUser(t, "bob")
		lookup := "/api/v1/accounts/lookup?acct=bob@b.test"
		var ent struct{ ID string }
		a.Expect(t, http.StatusOK, http.MethodGet, lookup, alice.Token, nil).JSON(t, &ent)
		id := ent.ID
		account := func() (e struct {
			DisplayName string `json:"display_name"`
			Suspended   bool
		}) {
			a.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/"+id, alice.Token, nil).JSON(t, &e)
			return e
		}

		before := account().DisplayName
		b.Expect(t, http.StatusOK, http.MethodPatch, "/api/v1/accounts/update_credentials", bob.Token,
			url.Values{"display_name": {"Robert"}})
		// Fresh: nothing is fetched, the stored name stays. A refresh is
		// claimed by the lookup before it answers, and forgotten only once
		// it has saved the account: so either a claim shows, or the new
		// name does once a has read its events.
		a.Expect(t, http.StatusOK, http.MethodGet, lookup, alice.Token, nil)
		bobID, _ := ids.Parse(id)
		if a.Core.RefreshStarted(bobID) {
			t.Fatal("fresh account refetched: a refresh was started")
		}
		a.WaitEvents(t)
		if e := account(); e.DisplayName != before {
			t.Fatalf("fresh account refetched: %+v", e)
		}
		ageRemoteAccounts(t, a)
		a.Expect(t, http.StatusOK, http.MethodGet, lookup, alice.Token, nil)
		testrig.Eventually(t, "stale account refreshed", func() bool { return account().DisplayName == "Robert" })

		if err := b.Core.Accounts.SuspendAccount(context.Background(), bob.Account.ID, true); err != nil {
			t.Fatal(err)
		}
		ageRemoteAccounts(t, a)
		a.Do(t, http.MethodGet, lookup, alice.Token, nil)
		testrig.Eventually(t, "gone account marked", func() bool { return account().Suspended })
		a.Expect(t, http.StatusNotFound, http.MethodGet, lookup, alice.Token, nil)
		var st statusEntity
		a.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/statuses", alice.Token,
			url.Values{"status": {"hi @bob@b.test"}}).JSON(t, &st)
		if len(st.Mentions) != 0 || strings.Contains(st.Content, "mention") {
			t.Errorf("a gone account was mentioned: %+v %s", st.Mentions, st.Content)
		}
	})
}

// searchResult is the part of a Search entity these tests read.
type searchResult struct {
	Accounts []struct{ ID, Acct, URL string }
	Statuses []statusEntity
}

// TestNetworkSearchResolve: with resolve=true a signed-in user finds a
// remote account by address or profile URL, and a remote status by its id
// or its page, fetched from the other instance and stored (its thread
// too); without resolve only what is already known is found, and anonymous
// callers may not resolve.
func TestNetworkSearchResolve(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		insts := testrig.StartNetwork(t, db, "a.test", "b.test")
		a, b := insts[0], insts[1]
		alice := a.NewUser(t, "alice")
		bob, carol := b.NewUser(t, "bob"), b.NewUser(t, "carol")
		search := func(q string, resolve bool) (r searchResult) {
			t.Helper()
			path := "/api/v2/search?" + url.Values{"q": {q}, "resolve": {map[bool]string{true: "true", false: "false"}[resolve]}}.Encode()
			a.Expect(t, http.StatusOK, http.MethodGet, path, alice.Token, nil).JSON(t, &r)
			return r
		}
		postOnB := func(u *testrig.User, form url.Values) (st statusEntity) {
			t.Helper()
			b.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/statuses", u.Token, form).JSON(t, &st)
			return st
		}

		for _, q := range []string{"bob@b.test", "@bob@b.test"} {
			if r := search(q, false); len(r.Accounts) != 0 {
				t.Fatalf("%s found without resolve before it was known: %+v", q, r.Accounts)
			}
		}
		a.Expect(t, http.StatusUnauthorized, http.MethodGet, "/api/v2/search?q=bob@b.test&resolve=true", "", nil)
		if r := search("@bob@b.test", true); len(r.Accounts) != 1 || r.Accounts[0].Acct != "bob@b.test" {
			t.Fatalf("resolve bob@b.test: %+v", r.Accounts)
		}
		if r := search("bob@b.test", false); len(r.Accounts) != 1 || r.Accounts[0].Acct != "bob@b.test" {
			t.Errorf("known bob@b.test not found without resolve: %+v", r.Accounts)
		}
		// Known, bob is among the accounts a name search finds.
		found := false
		for _, acct := range search("bo", false).Accounts {
			found = found || acct.Acct == "bob@b.test"
		}
		if !found {
			t.Errorf("known remote account not found by a name search")
		}
		if r := search("http://b.test/@carol", true); len(r.Accounts) != 1 || r.Accounts[0].Acct != "carol@b.test" {
			t.Errorf("resolve carol's profile URL: %+v", r.Accounts)
		}

		// GET /api/v1/accounts/search resolves the same way.
		b.NewUser(t, "dave")
		var accts []struct{ Acct string }
		a.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/search?q=dave@b.test", alice.Token, nil).JSON(t, &accts)
		if len(accts) != 0 {
			t.Errorf("accounts/search found unknown dave without resolve: %+v", accts)
		}
		a.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/search?q=dave@b.test&resolve=true", alice.Token, nil).JSON(t, &accts)
		if len(accts) != 1 || accts[0].Acct != "dave@b.test" {
			t.Errorf("accounts/search with resolve: %+v", accts)
		}

		hello := postOnB(bob, url.Values{"status": {"hello from b"}})
		if r := search(hello.URI, false); len(r.Statuses) != 0 {
			t.Fatalf("unknown status found without resolve: %+v", r.Statuses)
		}
		r := search(hello.URI, true)
		if len(r.Statuses) != 1 || r.Statuses[0].URI != hello.URI || r.Statuses[0].Account.Acct != "bob@b.test" ||
			!strings.Contains(r.Statuses[0].Content, "hello from b") {
			t.Fatalf("resolve %s: %+v", hello.URI, r.Statuses)
		}
		local := r.Statuses[0].ID
		// The status is stored: it reads back by its id on a.
		a.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/statuses/"+local, alice.Token, nil)
		// By its web page (served to ActivityPub clients as the Note),
		// the same status.
		if r := search(hello.URL, true); len(r.Statuses) != 1 || r.Statuses[0].ID != local {
			t.Errorf("resolve by page %s: %+v", hello.URL, r.Statuses)
		}
		other := postOnB(bob, url.Values{"status": {"second"}})
		if r := search(other.URL, true); len(r.Statuses) != 1 || r.Statuses[0].URI != other.URI {
			t.Errorf("resolve unknown status by page %s: %+v", other.URL, r.Statuses)
		}
		// A followers-only post is not served to a's instance actor.
		private := postOnB(bob, url.Values{"status": {"secret"}, "visibility": {"private"}})
		if r := search(private.URI, true); len(r.Statuses) != 0 {
			t.Errorf("private status resolved: %+v", r.Statuses)
		}

		// A reply whose parents a does not hold brings its thread along.
		root := postOnB(bob, url.Values{"status": {"root"}})
		mid := postOnB(carol, url.Values{"status": {"@bob middle"}, "in_reply_to_id": {root.ID}})
		leaf := postOnB(bob, url.Values{"status": {"@carol leaf"}, "in_reply_to_id": {mid.ID}})
		r = search(leaf.URI, true)
		if len(r.Statuses) != 1 {
			t.Fatalf("resolve reply: %+v", r.Statuses)
		}
		var thread struct{ Ancestors []statusEntity }
		a.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/statuses/"+r.Statuses[0].ID+"/context", alice.Token, nil).JSON(t, &thread)
		if len(thread.Ancestors) != 2 || thread.Ancestors[0].URI != root.URI || thread.Ancestors[1].URI != mid.URI {
			t.Errorf("ancestors = %+v", thread.Ancestors)
		}
	})
}

// TestSearchResolveRefusesForgedStatuses: a URL given to search resolve
// is fetched through the same checks as a forwarded inbox object: a Note
// attributed to an actor on another host, a document claiming another
// host's id that its host does not serve, or something that is neither an
// actor nor a note stores nothing and finds nothing.
func TestSearchResolveRefusesForgedStatuses(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := newFederation(t, db, "remote.test", "evil.test")
		r, evil := n.remotes["remote.test"], n.remotes["evil.test"]
		bob := r.person(t, "bob")
		mallory := evil.person(t, "mallory")
		alice := n.inst.NewUser(t, "alice")

		evil.serveJSON("/notes/1", note(bob, evil.url("/notes/1"), "bob never said this"))
		evil.serveJSON("/notes/2", note(bob, r.url("/users/bob/statuses/2"), "nor this"))
		evil.serveJSON("/notes/3", map[string]any{"id": evil.url("/notes/3"), "type": "Collection", "attributedTo": mallory})
		evil.serveJSON("/notes/4", map[string]any{"id": evil.url("/notes/4"), "type": "Create", "actor": mallory,
			"object": note(mallory, evil.url("/notes/4/object"), "wrapped")})
		for _, path := range []string{"/notes/1", "/notes/2", "/notes/3", "/notes/4"} {
			var res searchResult
			n.inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v2/search?resolve=true&q="+url.QueryEscape(evil.url(path)),
				alice.Token, nil).JSON(t, &res)
			if len(res.Statuses) != 0 || len(res.Accounts) != 0 {
				t.Errorf("%s found %+v", path, res)
			}
		}
		if c := n.count(t, "SELECT COUNT(*) FROM statuses"); c != 0 {
			t.Errorf("%d statuses stored by forged documents", c)
		}

		// The real thing, from its origin, is found.
		r.serveJSON("/users/bob/statuses/5", note(bob, r.url("/users/bob/statuses/5"), "<p>really bob</p>"))
		var res searchResult
		n.inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v2/search?resolve=true&q="+url.QueryEscape(r.url("/users/bob/statuses/5")),
			alice.Token, nil).JSON(t, &res)
		if len(res.Statuses) != 1 || res.Statuses[0].Account.Acct != "bob@remote.test" {
			t.Errorf("genuine status: %+v", res.Statuses)
		}
	})
}

// TestIncomingActivityRefreshesStaleActor: an activity from an actor
// fetched more than a day ago is verified with the stored key, and the
// actor is fetched again while the activity is processed.
func TestIncomingActivityRefreshesStaleActor(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := newFederation(t, db, "remote.test")
		r := n.remotes["remote.test"]
		doc := r.actorDoc(t, "bob")
		r.publish(t, doc)
		bob := doc["id"].(string)
		if _, err := n.fetcher.ResolveActor(context.Background(), bob); err != nil {
			t.Fatal(err)
		}
		doc["name"] = "Robert"
		r.publish(t, doc)
		n.ageRemote(t)
		n.accept(t, create(bob, note(bob, r.url("/users/bob/statuses/1"), "<p>hi</p>")))
		n.drain(t)
		if hits := r.hitCount("/users/bob"); hits != 2 {
			t.Errorf("actor fetched %d times, want 2 (first use, then stale)", hits)
		}
		a, err := n.inst.Core.Federation.RemoteAccountByURI(context.Background(), bob)
		if err != nil || a.DisplayName != "Robert" {
			t.Errorf("stale actor not refreshed by its activity: %v %+v", err, a)
		}
	})
}

// TestThreadFetchIsBounded: resolving the last reply of a long thread
// fetches its ancestors up to the bound, and the reply is still found;
// a thread cannot make one request fetch without end.
func TestThreadFetchIsBounded(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		n := newFederation(t, db, "remote.test")
		r := n.remotes["remote.test"]
		bob := r.person(t, "bob")
		alice := n.inst.NewUser(t, "alice")
		const length = 12
		uri := func(i int) string { return r.url("/users/bob/statuses/" + strconv.Itoa(i)) }
		for i := 1; i <= length; i++ {
			nt := note(bob, uri(i), "<p>part "+strconv.Itoa(i)+"</p>")
			if i > 1 {
				nt["inReplyTo"] = uri(i - 1)
			}
			r.serveJSON("/users/bob/statuses/"+strconv.Itoa(i), nt)
		}
		var res searchResult
		n.inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v2/search?resolve=true&q="+url.QueryEscape(uri(length)),
			alice.Token, nil).JSON(t, &res)
		if len(res.Statuses) != 1 || res.Statuses[0].URI != uri(length) {
			t.Fatalf("leaf not found: %+v", res.Statuses)
		}
		var thread struct{ Ancestors []statusEntity }
		n.inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/statuses/"+res.Statuses[0].ID+"/context", alice.Token, nil).JSON(t, &thread)
		if got := len(thread.Ancestors); got == 0 || got >= length-1 {
			t.Fatalf("%d ancestors fetched, want some but fewer than the whole thread", got)
		}
		for i, a := range thread.Ancestors {
			if want := uri(length - len(thread.Ancestors) + i); a.URI != want {
				t.Errorf("ancestor %d = %s, want %s", i, a.URI, want)
			}
		}
		if fetched := n.count(t, "SELECT COUNT(*) FROM statuses"); fetched != len(thread.Ancestors)+1 {
			t.Errorf("%d statuses stored, want the leaf and its %d ancestors", fetched, len(thread.Ancestors))
		}
	})
}
