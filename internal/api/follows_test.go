package api_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"sync"
	"testing"

	"github.com/mattn/go-mastodon"

	"herd/internal/apischema"
	"herd/internal/testrig"
)

func TestFollowAndUnfollow(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		ctx := context.Background()
		old := postStatus(t, inst, bob.Account.ID, "before the follow")

		rel, err := inst.Client(alice.Token).AccountFollow(ctx, mastodon.ID(itoa(bob.Account.ID)))
		if err != nil {
			t.Fatal(err)
		}
		if !rel.Following || rel.Requested || !rel.ShowingReblogs {
			t.Errorf("follow relationship = %+v", rel)
		}
		r := inst.Expect(t, 200, "POST", fmt.Sprintf("/api/v1/accounts/%d/follow", bob.Account.ID), alice.Token, nil)
		apischema.MustMatch(t, "Relationship", r.Body)
		if got := notificationsOf(t, inst, bob.Account.ID); !slices.Equal(got, []string{"follow:" + itoa(alice.Account.ID)}) {
			t.Errorf("bob's notifications = %v, want one follow", got)
		}
		if f, g := counts(t, inst, bob.Account.ID); f != 1 || g != 0 {
			t.Errorf("bob counts = %d/%d, want 1/0", f, g)
		}
		if f, g := counts(t, inst, alice.Account.ID); f != 0 || g != 1 {
			t.Errorf("alice counts = %d/%d, want 0/1", f, g)
		}
		if feedAuthors(t, inst, alice.Account.ID)[bob.Account.ID] != 1 {
			t.Errorf("alice's feed was not backfilled with bob's status %d", old.ID)
		}

		// Following again changes the options only.
		got := act(t, inst, alice.Token, "follow", bob.Account.ID, url.Values{"reblogs": {"false"}, "notify": {"true"}})
		if !got.Following || got.ShowingReblogs || !got.Notifying {
			t.Errorf("re-follow relationship = %+v", got)
		}
		if f, _ := counts(t, inst, bob.Account.ID); f != 1 {
			t.Errorf("re-follow moved bob's followers to %d", f)
		}
		if got := act(t, inst, alice.Token, "follow", bob.Account.ID, nil); got.ShowingReblogs || !got.Notifying {
			t.Errorf("a follow without options reset them: %+v", got)
		}

		// Unfollow undoes it all, and doing it twice is fine.
		got = act(t, inst, alice.Token, "unfollow", bob.Account.ID, nil)
		if got.Following {
			t.Errorf("unfollow relationship = %+v", got)
		}
		act(t, inst, alice.Token, "unfollow", bob.Account.ID, nil)
		if f, _ := counts(t, inst, bob.Account.ID); f != 0 {
			t.Errorf("bob followers after unfollow = %d", f)
		}
		if len(feedAuthors(t, inst, alice.Account.ID)) != 0 {
			t.Error("unfollow left bob's posts in alice's feed")
		}
		if got := notificationsOf(t, inst, bob.Account.ID); len(got) != 0 {
			t.Errorf("unfollow left notifications %v", got)
		}

		// remove_from_followers: bob drops alice.
		act(t, inst, alice.Token, "follow", bob.Account.ID, nil)
		if got := act(t, inst, bob.Token, "remove_from_followers", alice.Account.ID, nil); got.FollowedBy {
			t.Errorf("remove_from_followers relationship = %+v", got)
		}
		if rel := relationshipWith(t, inst, alice.Token, bob.Account.ID); rel.Following {
			t.Error("alice still follows bob after remove_from_followers")
		}

		// Errors: yourself and unknown accounts are 404 (FollowService's
		// following_not_possible? raises RecordNotFound).
		inst.Expect(t, 404, "POST", fmt.Sprintf("/api/v1/accounts/%d/follow", alice.Account.ID), alice.Token, nil)
		inst.Expect(t, 404, "POST", "/api/v1/accounts/12345/follow", alice.Token, nil)
		inst.Expect(t, 404, "POST", "/api/v1/accounts/nope/unfollow", alice.Token, nil)
		suspended := inst.NewUser(t, "gone")
		if err := inst.Core.Accounts.SuspendAccount(ctx, suspended.Account.ID, true); err != nil {
			t.Fatal(err)
		}
		inst.Expect(t, 404, "POST", fmt.Sprintf("/api/v1/accounts/%d/follow", suspended.Account.ID), alice.Token, nil)
	})
}

func TestLockedAccountFollowRequests(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, carol, dave := inst.NewUser(t, "alice"), inst.NewUser(t, "carol"), inst.NewUser(t, "dave")
		ctx := context.Background()
		inst.Expect(t, 200, "PATCH", "/api/v1/accounts/update_credentials", carol.Token, map[string]any{"locked": true})

		got := act(t, inst, alice.Token, "follow", carol.Account.ID, nil)
		if got.Following || !got.Requested {
			t.Errorf("follow of a locked account = %+v", got)
		}
		act(t, inst, dave.Token, "follow", carol.Account.ID, nil)
		if n := notificationsOf(t, inst, carol.Account.ID); !slices.Equal(n, []string{
			"follow_request:" + itoa(alice.Account.ID), "follow_request:" + itoa(dave.Account.ID)}) {
			t.Errorf("carol's notifications = %v", n)
		}
		if f, _ := counts(t, inst, carol.Account.ID); f != 0 {
			t.Errorf("a request counted as a follower: %d", f)
		}
		if rel := relationshipWith(t, inst, carol.Token, alice.Account.ID); !rel.RequestedBy {
			t.Errorf("carol's relationship with alice = %+v", rel)
		}

		carolClient := inst.Client(carol.Token)
		reqs, err := carolClient.GetFollowRequests(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(reqs) != 2 || string(reqs[0].ID) != itoa(dave.Account.ID) {
			t.Errorf("follow requests = %v, want dave then alice", reqs)
		}
		r := inst.Expect(t, 200, "GET", "/api/v1/follow_requests?limit=1", carol.Token, nil)
		if r.Header.Get("Link") == "" || !slices.Equal(accountIDs(t, r.Body), []string{itoa(dave.Account.ID)}) {
			t.Errorf("follow_requests?limit=1 = %s, Link %q", r.Body, r.Header.Get("Link"))
		}

		if err := carolClient.FollowRequestAuthorize(ctx, mastodon.ID(itoa(alice.Account.ID))); err != nil {
			t.Fatal(err)
		}
		if rel := relationshipWith(t, inst, alice.Token, carol.Account.ID); !rel.Following || rel.Requested {
			t.Errorf("after authorize alice→carol = %+v", rel)
		}
		// The request's notification goes; carol gets a follow from alice
		// (follow_requests#authorize notifies the one who accepted).
		if n := notificationsOf(t, inst, carol.Account.ID); !slices.Equal(n, []string{
			"follow_request:" + itoa(dave.Account.ID), "follow:" + itoa(alice.Account.ID)}) {
			t.Errorf("carol's notifications after authorize = %v", n)
		}
		if n := notificationsOf(t, inst, alice.Account.ID); len(n) != 0 {
			t.Errorf("alice got notifications %v", n)
		}
		if f, _ := counts(t, inst, carol.Account.ID); f != 1 {
			t.Errorf("carol followers = %d, want 1", f)
		}

		r = inst.Expect(t, 200, "POST", fmt.Sprintf("/api/v1/follow_requests/%d/reject", dave.Account.ID), carol.Token, nil)
		apischema.MustMatch(t, "Relationship", r.Body)
		if n := notificationsOf(t, inst, carol.Account.ID); !slices.Equal(n, []string{"follow:" + itoa(alice.Account.ID)}) {
			t.Errorf("carol's notifications after reject = %v", n)
		}
		if rel := relationshipWith(t, inst, dave.Token, carol.Account.ID); rel.Requested || rel.Following {
			t.Errorf("dave after reject = %+v", rel)
		}
		inst.Expect(t, 404, "POST", fmt.Sprintf("/api/v1/follow_requests/%d/reject", dave.Account.ID), carol.Token, nil)
		inst.Expect(t, 404, "POST", fmt.Sprintf("/api/v1/follow_requests/%d/authorize", dave.Account.ID), carol.Token, nil)
		inst.Expect(t, 404, "POST", "/api/v1/follow_requests/999/authorize", carol.Token, nil)

		// Unlocking accepts every pending request, notifying no one.
		eve := inst.NewUser(t, "eve")
		act(t, inst, eve.Token, "follow", carol.Account.ID, nil)
		act(t, inst, dave.Token, "follow", carol.Account.ID, nil)
		r = inst.Expect(t, 200, "PATCH", "/api/v1/accounts/update_credentials", carol.Token, map[string]any{"locked": false})
		var unlocked struct {
			Followers int64 `json:"followers_count"`
			Source    struct {
				Requests int64 `json:"follow_requests_count"`
			} `json:"source"`
		}
		r.JSON(t, &unlocked)
		if unlocked.Followers != 3 || unlocked.Source.Requests != 0 {
			t.Errorf("after unlocking: followers %d, requests %d; want 3, 0", unlocked.Followers, unlocked.Source.Requests)
		}
		for _, u := range []*testrig.User{eve, dave} {
			if rel := relationshipWith(t, inst, u.Token, carol.Account.ID); !rel.Following || rel.Requested {
				t.Errorf("%s after carol unlocked = %+v", u.Account.Username, rel)
			}
		}
		if n := notificationsOf(t, inst, carol.Account.ID); !slices.Equal(n, []string{"follow:" + itoa(alice.Account.ID)}) {
			t.Errorf("carol's notifications after unlocking = %v", n)
		}
		act(t, inst, dave.Token, "unfollow", carol.Account.ID, nil)
		inst.Expect(t, 200, "PATCH", "/api/v1/accounts/update_credentials", carol.Token, map[string]any{"locked": true})

		// Withdrawing a request removes it and its notification.
		act(t, inst, dave.Token, "follow", carol.Account.ID, nil)
		act(t, inst, dave.Token, "unfollow", carol.Account.ID, nil)
		if n, _ := inst.Core.Social.CountFollowRequests(ctx, nil); n != 0 {
			t.Errorf("anonymous request count = %d", n)
		}
		if n := notificationsOf(t, inst, carol.Account.ID); len(n) != 1 {
			t.Errorf("a withdrawn request left notifications %v", n)
		}
	})
}

func TestConcurrentFollowCounters(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		star := inst.NewUser(t, "star")
		var fans []*testrig.User
		for i := 0; i < 20; i++ {
			fans = append(fans, inst.NewUser(t, fmt.Sprintf("fan%d", i)))
		}
		run := func(action string) {
			var wg sync.WaitGroup
			errs := make(chan string, len(fans)*2)
			for _, f := range fans {
				for k := 0; k < 2; k++ { // each fan twice, racing itself too
					wg.Add(1)
					go func() {
						defer wg.Done()
						if r := inst.Do(t, "POST", fmt.Sprintf("/api/v1/accounts/%d/%s", star.Account.ID, action), f.Token, nil); r.Status != 200 {
							errs <- fmt.Sprintf("%s = %d %s", action, r.Status, r.Body)
						}
					}()
				}
			}
			wg.Wait()
			close(errs)
			for e := range errs {
				t.Error(e)
			}
		}
		run("follow")
		if f, _ := counts(t, inst, star.Account.ID); f != 20 {
			t.Errorf("followers_count after 20 follows = %d", f)
		}

		// Mutual follows racing each other touch the same two counter rows
		// in opposite roles; none may fail (no deadlock) or be lost.
		var wg sync.WaitGroup
		for _, f := range fans {
			for _, pair := range [][2]any{{f.Token, star.Account.ID}, {star.Token, f.Account.ID}} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for _, action := range []string{"unfollow", "follow"} {
						if r := inst.Do(t, "POST", fmt.Sprintf("/api/v1/accounts/%d/%s", pair[1], action), pair[0].(string), nil); r.Status != 200 {
							t.Errorf("%s = %d %s", action, r.Status, r.Body)
						}
					}
				}()
			}
		}
		wg.Wait()
		if f, g := counts(t, inst, star.Account.ID); f != 20 || g != 20 {
			t.Errorf("star counts after mutual follows = %d/%d, want 20/20", f, g)
		}
		if f, g := counts(t, inst, fans[7].Account.ID); f != 1 || g != 1 {
			t.Errorf("a fan's counts = %d/%d, want 1/1", f, g)
		}
		run("unfollow")
		if f, _ := counts(t, inst, star.Account.ID); f != 0 {
			t.Errorf("followers_count after 20 unfollows = %d", f)
		}
	})
}
