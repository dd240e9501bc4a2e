package api_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/mattn/go-mastodon"

	"herd/internal/apischema"
	"herd/internal/testrig"
)

// listError checks a refusal's status and Mastodon's message.
func listError(t *testing.T, inst *testrig.Instance, status int, method, path, token string, body url.Values, want string) {
	t.Helper()
	r := inst.Expect(t, status, method, path, token, body)
	var e struct{ Error string }
	r.JSON(t, &e)
	if e.Error != want {
		t.Errorf("%s %s: error %q, want %q", method, path, e.Error, want)
	}
}

func TestListsCreateUpdateDelete(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		ctx := context.Background()
		ac := inst.Client(alice.Token)

		l, err := ac.CreateList(ctx, "friends")
		if err != nil || l.Title != "friends" {
			t.Fatalf("create = %+v, %v", l, err)
		}
		r := inst.Expect(t, 200, "GET", "/api/v1/lists/"+string(l.ID), alice.Token, nil)
		apischema.MustMatch(t, "List", r.Body)
		var got struct {
			RepliesPolicy string `json:"replies_policy"`
			Exclusive     bool
		}
		r.JSON(t, &got)
		if got.RepliesPolicy != "list" || got.Exclusive {
			t.Errorf("new list = %s, want replies_policy list, not exclusive", r.Body)
		}
		if l, err = ac.RenameList(ctx, l.ID, "pals"); err != nil || l.Title != "pals" {
			t.Fatalf("rename = %+v, %v", l, err)
		}
		r = inst.Expect(t, 200, "PUT", "/api/v1/lists/"+string(l.ID), alice.Token,
			url.Values{"replies_policy": {"followed"}, "exclusive": {"true"}})
		if body := string(r.Body); !strings.Contains(body, `"replies_policy":"followed"`) || !strings.Contains(body, `"exclusive":true`) ||
			!strings.Contains(body, `"title":"pals"`) {
			t.Errorf("update = %s", body)
		}
		path := "/api/v1/lists/" + string(l.ID)
		listError(t, inst, 422, "PUT", path, alice.Token, url.Values{"replies_policy": {"everyone"}},
			"Validation failed: Replies policy is not included in the list")
		listError(t, inst, 422, "PUT", path, alice.Token, url.Values{"title": {"  "}}, "Validation failed: Title can't be blank")
		listError(t, inst, 422, "POST", "/api/v1/lists", alice.Token, url.Values{}, "Validation failed: Title can't be blank")
		if lists, _ := ac.GetLists(ctx); len(lists) != 1 || lists[0].Title != "pals" {
			t.Errorf("a refused update changed the list: %+v", lists)
		}

		// Another user's list does not exist for bob.
		for _, m := range []string{"GET", "PUT", "DELETE"} {
			listError(t, inst, 404, m, path, bob.Token, url.Values{"title": {"mine"}}, "Record not found")
		}
		listError(t, inst, 404, "GET", "/api/v1/timelines/list/"+string(l.ID), bob.Token, nil, "Record not found")
		listError(t, inst, 404, "GET", path+"/accounts", bob.Token, nil, "Record not found")

		// Scopes: read:lists reads, write:lists writes.
		readOnly := inst.Token(t, alice.Account.ID, "read:lists")
		inst.Expect(t, 200, "GET", "/api/v1/lists", readOnly, nil)
		inst.Expect(t, 403, "POST", "/api/v1/lists", readOnly, url.Values{"title": {"x"}})
		inst.Expect(t, 403, "GET", "/api/v1/lists", inst.Token(t, alice.Account.ID, "write:lists"), nil)
		inst.Expect(t, 401, "GET", "/api/v1/lists", "", nil)

		// Fifty lists at most.
		for i := 1; i < 50; i++ {
			inst.Expect(t, 200, "POST", "/api/v1/lists", alice.Token, url.Values{"title": {fmt.Sprint("list ", i)}})
		}
		listError(t, inst, 422, "POST", "/api/v1/lists", alice.Token, url.Values{"title": {"one too many"}},
			"Validation failed: You have reached the maximum number of lists")

		if err := ac.DeleteList(ctx, l.ID); err != nil {
			t.Fatal(err)
		}
		inst.Expect(t, 404, "GET", path, alice.Token, nil)
		if lists, _ := ac.GetLists(ctx); len(lists) != 49 {
			t.Errorf("%d lists after the delete, want 49", len(lists))
		}
	})
}

func TestListMembers(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob, carol, dave := inst.NewUser(t, "alice"), inst.NewUser(t, "bob"), inst.NewUser(t, "carol"), inst.NewUser(t, "dave")
		ctx := context.Background()
		ac := inst.Client(alice.Token)
		follow(t, inst, alice, bob)
		follow(t, inst, alice, carol)
		l, err := ac.CreateList(ctx, "friends")
		if err != nil {
			t.Fatal(err)
		}
		id := func(u *testrig.User) mastodon.ID { return mastodon.ID(itoa(u.Account.ID)) }
		path := "/api/v1/lists/" + string(l.ID) + "/accounts"

		// dave is not followed: the whole call is refused, bob included.
		listError(t, inst, 422, "POST", path, alice.Token, url.Values{"account_ids[]": {itoa(bob.Account.ID), itoa(dave.Account.ID)}},
			"Validation failed: Account must be a followed account")
		listError(t, inst, 404, "POST", path, alice.Token, url.Values{"account_ids[]": {"999999"}}, "Record not found")
		if members, _ := ac.GetListAccounts(ctx, l.ID); len(members) != 0 {
			t.Fatalf("a refused add left members %v", members)
		}
		if err := ac.AddToList(ctx, l.ID, id(bob), id(carol), id(alice)); err != nil {
			t.Fatal(err)
		}
		listError(t, inst, 422, "POST", path, alice.Token, url.Values{"account_ids[]": {itoa(bob.Account.ID)}},
			"Validation failed: Account is already on the list")
		r := inst.Expect(t, 200, "GET", path, alice.Token, nil)
		apischema.MustMatchArray(t, "Account", r.Body)
		if got := accountIDs(t, r.Body); len(got) != 3 {
			t.Errorf("members = %v, want 3", got)
		}
		// Paged by account id, newest first, with a Link header.
		r = inst.Expect(t, 200, "GET", path+"?limit=2", alice.Token, nil)
		first := accountIDs(t, r.Body)
		link := r.Header.Get("Link")
		if len(first) != 2 || !strings.Contains(link, `rel="next"`) {
			t.Fatalf("page 1 = %v, Link %q", first, link)
		}
		next := link[strings.Index(link, "<")+1 : strings.Index(link, ">")]
		u, _ := url.Parse(next)
		rest := accountIDs(t, inst.Expect(t, 200, "GET", u.RequestURI(), alice.Token, nil).Body)
		if len(rest) != 1 || contains(first, rest[0]) {
			t.Errorf("page 2 = %v after %v", rest, first)
		}
		if all := accountIDs(t, inst.Expect(t, 200, "GET", path+"?limit=0", alice.Token, nil).Body); len(all) != 3 {
			t.Errorf("limit=0 = %v, want every member", all)
		}

		lists, err := ac.GetAccountLists(ctx, id(bob))
		if err != nil || len(lists) != 1 || lists[0].ID != l.ID {
			t.Errorf("bob's lists = %+v, %v", lists, err)
		}
		if lists, _ := inst.Client(dave.Token).GetAccountLists(ctx, id(bob)); len(lists) != 0 {
			t.Errorf("dave sees alice's lists: %+v", lists)
		}

		// Removing and unfollowing take accounts out.
		if err := ac.RemoveFromList(ctx, l.ID, id(carol)); err != nil {
			t.Fatal(err)
		}
		act(t, inst, alice.Token, "unfollow", bob.Account.ID, nil)
		members, err := ac.GetListAccounts(ctx, l.ID)
		if err != nil || len(members) != 1 || members[0].ID != id(alice) {
			var got []mastodon.ID
			for _, m := range members {
				got = append(got, m.ID)
			}
			t.Errorf("members after remove and unfollow = %v, %v; want only alice %s", got, err, id(alice))
		}
	})
}

// listIDs reads a list timeline's ids, newest first.
func listIDs(t *testing.T, inst *testrig.Instance, u *testrig.User, list mastodon.ID) []string {
	t.Helper()
	sts, err := inst.Client(u.Token).GetTimelineList(context.Background(), list, nil)
	if err != nil {
		t.Fatal(err)
	}
	return statusIDs(sts)
}

func TestListTimeline(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob, carol, dave := inst.NewUser(t, "alice"), inst.NewUser(t, "bob"), inst.NewUser(t, "carol"), inst.NewUser(t, "dave")
		ctx := context.Background()
		ac := inst.Client(alice.Token)
		follow(t, inst, alice, bob)
		follow(t, inst, alice, carol)
		early := post(t, inst, bob, mastodon.Toot{Status: "before the list"})
		l, err := ac.CreateList(ctx, "bob")
		if err != nil {
			t.Fatal(err)
		}
		if err := ac.AddToList(ctx, l.ID, mastodon.ID(itoa(bob.Account.ID))); err != nil {
			t.Fatal(err)
		}
		// Adding bob brought his latest posts in.
		if got := listIDs(t, inst, alice, l.ID); !contains(got, string(early.ID)) {
			t.Errorf("list timeline %v lacks bob's earlier post", got)
		}

		fromBob := post(t, inst, bob, mastodon.Toot{Status: "from bob"})
		fromCarol := post(t, inst, carol, mastodon.Toot{Status: "from carol"})
		replyToCarol := post(t, inst, bob, mastodon.Toot{Status: "@carol hi", InReplyToID: fromCarol.ID})
		toDave := post(t, inst, dave, mastodon.Toot{Status: "dave"})
		replyToDave := post(t, inst, bob, mastodon.Toot{Status: "@dave hi", InReplyToID: toDave.ID})
		fanoutDone(t, inst)
		got := listIDs(t, inst, alice, l.ID)
		if !contains(got, string(fromBob.ID)) || contains(got, string(fromCarol.ID)) {
			t.Errorf("list timeline %v: want bob's %s, not carol's %s", got, fromBob.ID, fromCarol.ID)
		}
		// replies_policy list: carol is not in the list.
		if contains(got, string(replyToCarol.ID)) || contains(got, string(replyToDave.ID)) {
			t.Errorf("list timeline %v shows replies to non-members", got)
		}
		r := inst.Expect(t, 200, "GET", "/api/v1/timelines/list/"+string(l.ID)+"?limit=1", alice.Token, nil)
		apischema.MustMatchArray(t, "Status", r.Body)
		if !strings.Contains(r.Header.Get("Link"), "max_id=") {
			t.Errorf("list timeline Link = %q", r.Header.Get("Link"))
		}

		// replies_policy followed: the reply to carol (followed) shows,
		// the one to dave (not followed) does not.
		inst.Expect(t, 200, "PUT", "/api/v1/lists/"+string(l.ID), alice.Token, url.Values{"replies_policy": {"followed"}})
		again := post(t, inst, bob, mastodon.Toot{Status: "@carol again", InReplyToID: fromCarol.ID})
		againDave := post(t, inst, bob, mastodon.Toot{Status: "@dave again", InReplyToID: toDave.ID})
		fanoutDone(t, inst)
		got = listIDs(t, inst, alice, l.ID)
		if !contains(got, string(again.ID)) || contains(got, string(againDave.ID)) {
			t.Errorf("followed policy: list timeline %v, want %s and not %s", got, again.ID, againDave.ID)
		}

		// Exclusive: bob's posts leave alice's home feed, stay in the list.
		if home := homeIDs(t, inst, alice); !contains(home, string(fromBob.ID)) {
			t.Fatalf("home %v lacks bob's post before the list is exclusive", home)
		}
		inst.Expect(t, 200, "PUT", "/api/v1/lists/"+string(l.ID), alice.Token, url.Values{"exclusive": {"true"}})
		if home := homeIDs(t, inst, alice); contains(home, string(fromBob.ID)) {
			t.Errorf("home %v still shows a member of an exclusive list", home)
		}
		hidden := post(t, inst, bob, mastodon.Toot{Status: "only in the list"})
		eventuallyHome(t, inst, alice, string(hidden.ID), false)
		if got := listIDs(t, inst, alice, l.ID); !contains(got, string(hidden.ID)) {
			t.Errorf("list timeline %v lacks %s", got, hidden.ID)
		}
		// Made inclusive again, bob's posts come back home.
		inst.Expect(t, 200, "PUT", "/api/v1/lists/"+string(l.ID), alice.Token, url.Values{"exclusive": {"false"}})
		eventuallyHome(t, inst, alice, string(hidden.ID), true)

		// A feed found empty is rebuilt on read.
		if _, err := inst.Store.DB.Write.ExecContext(ctx, "DELETE FROM list_feed"); err != nil {
			t.Fatal(err)
		}
		if got := listIDs(t, inst, alice, l.ID); !contains(got, string(hidden.ID)) {
			t.Errorf("rebuilt list timeline %v lacks %s", got, hidden.ID)
		}
	})
}

// TestListStream: a list stream over WebSocket receives a member's post,
// and not a post by someone outside the list.
func TestListStream(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob, carol := inst.NewUser(t, "alice"), inst.NewUser(t, "bob"), inst.NewUser(t, "carol")
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ac := inst.Client(alice.Token)
		follow(t, inst, alice, bob)
		follow(t, inst, alice, carol)
		l, err := ac.CreateList(ctx, "bob")
		if err != nil {
			t.Fatal(err)
		}
		if err := ac.AddToList(ctx, l.ID, mastodon.ID(itoa(bob.Account.ID))); err != nil {
			t.Fatal(err)
		}
		listIDs(t, inst, alice, l.ID) // alice is active: fan-out writes her lists
		// bob may not stream alice's list.
		listError(t, inst, 401, "GET", "/api/v1/streaming/list?list="+string(l.ID), bob.Token, nil, "Not authorized to stream this list")
		stream := record(t)(ac.NewWSClient().StreamingWSList(ctx, l.ID))
		waitStreams(t, inst, 1)

		fromCarol := post(t, inst, carol, mastodon.Toot{Status: "not for the list"})
		fromBob := post(t, inst, bob, mastodon.Toot{Status: "for the list"})
		stream.await(t, "bob's post on the list stream", isUpdate(fromBob.ID))
		for _, id := range stream.updates() {
			if id == fromCarol.ID {
				t.Errorf("the list stream got carol's post %s", id)
			}
		}
	})
}
