package api_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/mattn/go-mastodon"

	"herd/internal/apischema"
	"herd/internal/testrig"
)

func TestFollowersPagination(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		star := inst.NewUser(t, "star")
		var want []string // newest follow first
		for i := 0; i < 5; i++ {
			u := inst.NewUser(t, fmt.Sprintf("f%d", i))
			act(t, inst, u.Token, "follow", star.Account.ID, nil)
			want = append([]string{itoa(u.Account.ID)}, want...)
		}
		path := fmt.Sprintf("/api/v1/accounts/%d/followers", star.Account.ID)

		// Walk the Link header's next links, two at a time.
		var got []string
		next := path + "?limit=2"
		for pages := 0; next != "" && pages < 5; pages++ {
			r := inst.Expect(t, 200, "GET", next, "", nil)
			apischema.MustMatchArray(t, "Account", r.Body)
			page := accountIDs(t, r.Body)
			if len(page) == 0 {
				break
			}
			got = append(got, page...)
			next = linkRel(t, r.Header.Get("Link"), "next", inst.URL)
		}
		if !slices.Equal(got, want) {
			t.Errorf("followers by pages = %v, want %v", got, want)
		}

		// The prev link of a later page leads back to the newer followers.
		r := inst.Expect(t, 200, "GET", path+"?limit=2", "", nil)
		r = inst.Expect(t, 200, "GET", linkRel(t, r.Header.Get("Link"), "next", inst.URL), "", nil)
		prev := linkRel(t, r.Header.Get("Link"), "prev", inst.URL)
		if !strings.Contains(prev, "limit=2") {
			t.Errorf("prev link %q lost the limit", prev)
		}
		r = inst.Expect(t, 200, "GET", prev, "", nil)
		if ids := accountIDs(t, r.Body); !slices.Equal(ids, want[:2]) {
			t.Errorf("prev page = %v, want %v", ids, want[:2])
		}

		// go-mastodon reads the same header.
		pg := &mastodon.Pagination{Limit: 3}
		first, err := inst.Client(star.Token).GetAccountFollowers(context.Background(), mastodon.ID(itoa(star.Account.ID)), pg)
		if err != nil || len(first) != 3 || pg.MaxID == "" {
			t.Fatalf("GetAccountFollowers = %d accounts, pagination %+v (%v)", len(first), pg, err)
		}
		following, err := inst.Client(star.Token).GetAccountFollowing(context.Background(), mastodon.ID(want[0]), nil)
		if err != nil || len(following) != 1 || string(following[0].ID) != itoa(star.Account.ID) {
			t.Errorf("following of a fan = %v (%v)", following, err)
		}

		// hide_collections hides the lists from everyone but the owner.
		inst.Expect(t, 200, "PATCH", "/api/v1/accounts/update_credentials", star.Token, map[string]any{"hide_collections": true})
		fan := inst.NewUser(t, "watcher")
		for _, tok := range []string{"", fan.Token} {
			if ids := accountIDs(t, inst.Expect(t, 200, "GET", path, tok, nil).Body); len(ids) != 0 {
				t.Errorf("hidden followers shown: %v", ids)
			}
		}
		if ids := accountIDs(t, inst.Expect(t, 200, "GET", path, star.Token, nil).Body); len(ids) != 5 {
			t.Errorf("owner sees %d of own followers", len(ids))
		}

		// A viewer does not see accounts they mute or block in the lists.
		act(t, inst, fan.Token, "mute", mustID(t, want[0]), nil)
		act(t, inst, fan.Token, "block", mustID(t, want[1]), nil)
		inst.Expect(t, 200, "PATCH", "/api/v1/accounts/update_credentials", star.Token, map[string]any{"hide_collections": false})
		ids := accountIDs(t, inst.Expect(t, 200, "GET", path, fan.Token, nil).Body)
		if !slices.Equal(ids, want[2:]) {
			t.Errorf("fan sees followers %v, want %v", ids, want[2:])
		}
		inst.Expect(t, 404, "GET", "/api/v1/accounts/777/followers", "", nil)
		inst.Expect(t, 404, "GET", "/api/v1/accounts/777/following", "", nil)
	})
}

func TestRelationshipsForMixedStates(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		me := inst.NewUser(t, "me")
		followed, follower, locked := inst.NewUser(t, "followed"), inst.NewUser(t, "follower"), inst.NewUser(t, "locked")
		asker, blocked, blocker, muted := inst.NewUser(t, "asker"), inst.NewUser(t, "blocked"), inst.NewUser(t, "blocker"), inst.NewUser(t, "muted")
		inst.Expect(t, 200, "PATCH", "/api/v1/accounts/update_credentials", locked.Token, map[string]any{"locked": true})
		inst.Expect(t, 200, "PATCH", "/api/v1/accounts/update_credentials", me.Token, map[string]any{"locked": true})
		act(t, inst, me.Token, "follow", followed.Account.ID, url.Values{"notify": {"true"}})
		act(t, inst, follower.Token, "follow", me.Account.ID, nil)
		act(t, inst, me.Token, "follow", locked.Account.ID, url.Values{"reblogs": {"false"}})
		act(t, inst, asker.Token, "follow", me.Account.ID, nil)
		act(t, inst, me.Token, "block", blocked.Account.ID, nil)
		act(t, inst, blocker.Token, "block", me.Account.ID, nil)
		act(t, inst, me.Token, "mute", muted.Account.ID, url.Values{"notifications": {"false"}})
		if n := act(t, inst, me.Token, "note", muted.Account.ID, url.Values{"comment": {"loud"}}); n.Note != "loud" {
			t.Errorf("note answer = %+v", n)
		}
		// me is locked, so follower's follow waits for me: accept it.
		if err := inst.Client(me.Token).FollowRequestAuthorize(context.Background(), mastodon.ID(itoa(follower.Account.ID))); err != nil {
			t.Fatal(err)
		}

		order := []int64{muted.Account.ID, followed.Account.ID, 999, follower.Account.ID, locked.Account.ID,
			asker.Account.ID, blocked.Account.ID, blocker.Account.ID, followed.Account.ID}
		q := url.Values{}
		for _, id := range order {
			q.Add("id[]", itoa(id))
		}
		r := inst.Expect(t, 200, "GET", "/api/v1/accounts/relationships?"+q.Encode(), me.Token, nil)
		apischema.MustMatchArray(t, "Relationship", r.Body)
		var rels []relationship
		r.JSON(t, &rels)
		type want struct{ following, reblogs, notifying, followedBy, requested, requestedBy, blocking, blockedBy, muting, mutingNotif bool }
		expect := []want{
			{muting: true},
			{following: true, reblogs: true, notifying: true},
			{followedBy: true},
			{requested: true},
			{requestedBy: true},
			{blocking: true},
			{blockedBy: true},
		}
		if len(rels) != len(expect) {
			t.Fatalf("relationships = %s", r.Body)
		}
		for i, rel := range rels {
			got := want{rel.Following, rel.ShowingReblogs, rel.Notifying, rel.FollowedBy, rel.Requested, rel.RequestedBy,
				rel.Blocking, rel.BlockedBy, rel.Muting, rel.MutingNotifications}
			if got != expect[i] {
				t.Errorf("relationship %d (%s) = %+v, want %+v", i, rel.ID, got, expect[i])
			}
		}
		if rels[0].Note != "loud" || rels[1].Note != "" {
			t.Errorf("notes = %q, %q", rels[0].Note, rels[1].Note)
		}
		rs, err := inst.Client(me.Token).GetAccountRelationships(context.Background(), []string{itoa(followed.Account.ID)})
		if err != nil || len(rs) != 1 || !rs[0].Following {
			t.Errorf("go-mastodon relationships = %+v (%v)", rs, err)
		}

		// Suspended accounts only with with_suspended=true (Mastodon 4.3).
		if err := inst.Core.Accounts.SuspendAccount(context.Background(), blocker.Account.ID, true); err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/api/v1/accounts/relationships?id[]=%d", blocker.Account.ID)
		if body := inst.Expect(t, 200, "GET", path, me.Token, nil).Body; string(body) != "[]\n" {
			t.Errorf("suspended account's relationship without with_suspended: %s", body)
		}
		if ids := accountIDs(t, inst.Expect(t, 200, "GET", path+"&with_suspended=true", me.Token, nil).Body); len(ids) != 1 {
			t.Errorf("with_suspended=true = %v", ids)
		}

		// Notes: blank clears, too long is refused.
		if n := act(t, inst, me.Token, "note", muted.Account.ID, url.Values{"comment": {"  "}}); n.Note != "" {
			t.Errorf("blank note kept %q", n.Note)
		}
		inst.Expect(t, 422, "POST", fmt.Sprintf("/api/v1/accounts/%d/note", muted.Account.ID), me.Token,
			url.Values{"comment": {strings.Repeat("n", 2001)}})
	})
}

func TestFamiliarFollowers(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		me, target, other := inst.NewUser(t, "me"), inst.NewUser(t, "target"), inst.NewUser(t, "other")
		shy, friend, stranger := inst.NewUser(t, "shy"), inst.NewUser(t, "friend"), inst.NewUser(t, "stranger")
		inst.Expect(t, 200, "PATCH", "/api/v1/accounts/update_credentials", shy.Token, map[string]any{"hide_collections": true})
		for _, u := range []*testrig.User{shy, friend} {
			act(t, inst, me.Token, "follow", u.Account.ID, nil)
			act(t, inst, u.Token, "follow", target.Account.ID, nil)
		}
		act(t, inst, stranger.Token, "follow", target.Account.ID, nil)

		r := inst.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/accounts/familiar_followers?id[]=%d&id[]=%d",
			target.Account.ID, other.Account.ID), me.Token, nil)
		apischema.MustMatchArray(t, "FamiliarFollowers", r.Body)
		var ff []struct {
			ID       string `json:"id"`
			Accounts []struct {
				ID string `json:"id"`
			} `json:"accounts"`
		}
		r.JSON(t, &ff)
		if len(ff) != 2 || ff[0].ID != itoa(target.Account.ID) || len(ff[0].Accounts) != 1 ||
			ff[0].Accounts[0].ID != itoa(friend.Account.ID) || ff[1].ID != itoa(other.Account.ID) || len(ff[1].Accounts) != 0 {
			t.Errorf("familiar_followers = %s", r.Body)
		}
		if !strings.Contains(string(r.Body), `"accounts":[]`) {
			t.Errorf("empty familiar followers must be [], got %s", r.Body)
		}
	})
}

// linkRel extracts one relation's URL from a Link header, as a path.
func linkRel(t *testing.T, header, rel, base string) string {
	t.Helper()
	for _, part := range strings.Split(header, ",") {
		u, params, ok := strings.Cut(strings.TrimSpace(part), ";")
		if ok && strings.Contains(params, `rel="`+rel+`"`) {
			return strings.TrimPrefix(strings.Trim(strings.TrimSpace(u), "<>"), base)
		}
	}
	return ""
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscan(s, &id); err != nil {
		t.Fatal(err)
	}
	return id
}
