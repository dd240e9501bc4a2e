package activitypub_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mattn/go-mastodon"

	"herd/internal/testrig"
)

// never checks that check is false once the instances have done all the
// work the steps before set off (deliveries, their processing, fan-out):
// what must not arrive would have arrived by then.
func never(t *testing.T, insts []*testrig.Instance, what string, check func() bool) {
	t.Helper()
	testrig.WaitJobs(t, insts...)
	if check() {
		t.Fatalf("happened, and must not: %s", what)
	}
}

// withText finds the status whose content contains text.
func withText(list []*mastodon.Status, text string) *mastodon.Status {
	for _, s := range list {
		if strings.Contains(s.Content, text) {
			return s
		}
	}
	return nil
}

func homeHas(ctx context.Context, c *mastodon.Client, text string) bool {
	home, err := c.GetTimelineHome(ctx, nil)
	return err == nil && withText(home, text) != nil
}

// notified reports whether c's user has a notification of kind from acct
// (about a status containing text, when text is not empty).
func notified(ctx context.Context, c *mastodon.Client, kind, acct, text string) bool {
	ns, err := c.GetNotifications(ctx, nil)
	if err != nil {
		return false
	}
	for _, n := range ns {
		if n.Type == kind && n.Account.Acct == acct && (text == "" || n.Status != nil && strings.Contains(n.Status.Content, text)) {
			return true
		}
	}
	return false
}

// TestNetworkWalkthrough: three real Herd instances, each on its own
// database and host name, talking real HTTP with real signatures, driven
// through the Mastodon client library as their users' apps would. It walks
// through what the federation issue names: follow (and a locked account's
// approval), a post at each visibility reaching exactly its audience,
// reply, mention, favourite, boost, edit, profile update, delete, block
// and unfollow.
func TestNetworkWalkthrough(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		ctx := context.Background()
		insts := testrig.StartNetwork(t, db, "a.herd.test", "b.herd.test", "c.herd.test")
		a, b, c := insts[0], insts[1], insts[2]
		ac := a.Client(a.NewUser(t, "alice").Token)
		bc := b.Client(b.NewUser(t, "bob").Token)
		cc := c.Client(c.NewUser(t, "carol").Token)
		locked := true
		if _, err := cc.AccountUpdate(ctx, &mastodon.Profile{Locked: &locked}); err != nil {
			t.Fatal(err)
		}

		// Follow: bob is open, carol approves by hand.
		bobOnA, err := ac.AccountLookup(ctx, "bob@b.herd.test")
		if err != nil {
			t.Fatal(err)
		}
		carolOnA, err := ac.AccountLookup(ctx, "carol@c.herd.test")
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []mastodon.ID{bobOnA.ID, carolOnA.ID} {
			if _, err := ac.AccountFollow(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		following := func(c *mastodon.Client, id mastodon.ID) bool {
			rel, err := c.GetAccountRelationships(ctx, []string{string(id)})
			return err == nil && len(rel) == 1 && rel[0].Following
		}
		testrig.Eventually(t, "bob's server accepts alice's follow", func() bool { return following(ac, bobOnA.ID) })
		testrig.Eventually(t, "bob counts alice as a follower", func() bool {
			me, err := bc.GetAccountCurrentUser(ctx)
			return err == nil && me.FollowersCount == 1
		})
		var aliceOnC *mastodon.Account
		testrig.Eventually(t, "carol sees alice's follow request", func() bool {
			reqs, err := cc.GetFollowRequests(ctx, nil)
			if err != nil || len(reqs) != 1 {
				return false
			}
			aliceOnC = reqs[0]
			return true
		})
		if aliceOnC.Acct != "alice@a.herd.test" {
			t.Fatalf("carol's follow request is from %q", aliceOnC.Acct)
		}
		if following(ac, carolOnA.ID) {
			t.Fatal("alice follows carol before carol approved")
		}
		if err := cc.FollowRequestAuthorize(ctx, aliceOnC.ID); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "carol's approval reaches alice", func() bool { return following(ac, carolOnA.ID) })

		// A post at each visibility reaches its audience and no one else:
		// alice follows bob; carol does not; carol is mentioned in the
		// direct one.
		for _, p := range []struct{ text, visibility string }{
			{"public from bob", "public"}, {"unlisted from bob", "unlisted"}, {"followers from bob", "private"},
		} {
			if _, err := bc.PostStatus(ctx, &mastodon.Toot{Status: p.text, Visibility: p.visibility}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := bc.PostStatus(ctx, &mastodon.Toot{Status: "@carol@c.herd.test direct from bob", Visibility: "direct"}); err != nil {
			t.Fatal(err)
		}
		for _, text := range []string{"public from bob", "unlisted from bob", "followers from bob"} {
			testrig.Eventually(t, text+" reaches alice's home", func() bool { return homeHas(ctx, ac, text) })
		}
		testrig.Eventually(t, "the direct post notifies carol", func() bool {
			return notified(ctx, cc, "mention", "bob@b.herd.test", "direct from bob")
		})
		federated, err := ac.GetTimelinePublic(ctx, false, nil)
		if err != nil {
			t.Fatal(err)
		}
		if withText(federated, "public from bob") == nil || withText(federated, "unlisted from bob") != nil ||
			withText(federated, "followers from bob") != nil {
			t.Fatalf("a's federated timeline must show the public post only: %d statuses", len(federated))
		}
		never(t, insts, "the direct post reaches alice", func() bool { return homeHas(ctx, ac, "direct from bob") })
		never(t, insts, "bob's followers-only post reaches carol", func() bool { return homeHas(ctx, cc, "followers from bob") })

		// Reply, mention, favourite, boost.
		home, err := ac.GetTimelineHome(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		seen := withText(home, "public from bob")
		if seen.Account.Acct != "bob@b.herd.test" {
			t.Fatalf("alice sees bob's post by %q", seen.Account.Acct)
		}
		if _, err := ac.PostStatus(ctx, &mastodon.Toot{Status: "@bob@b.herd.test a reply", InReplyToID: seen.ID,
			Visibility: "public"}); err != nil {
			t.Fatal(err)
		}
		if _, err := ac.Favourite(ctx, seen.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := ac.Reblog(ctx, seen.ID); err != nil {
			t.Fatal(err)
		}
		mine, err := bc.GetTimelineHome(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		original := withText(mine, "public from bob")
		testrig.Eventually(t, "bob's post counts alice's reply, favourite and boost", func() bool {
			s, err := bc.GetStatus(ctx, original.ID)
			return err == nil && s.RepliesCount == 1 && s.FavouritesCount == 1 && s.ReblogsCount == 1
		})
		for _, kind := range []string{"mention", "favourite", "reblog"} {
			testrig.Eventually(t, "bob is notified: "+kind, func() bool { return notified(ctx, bc, kind, "alice@a.herd.test", "") })
		}
		testrig.Eventually(t, "the reply joins bob's thread", func() bool {
			th, err := bc.GetStatusContext(ctx, original.ID)
			return err == nil && len(th.Descendants) == 1 && strings.Contains(th.Descendants[0].Content, "a reply")
		})
		if _, err := ac.PostStatus(ctx, &mastodon.Toot{Status: "just saying hi @bob@b.herd.test", Visibility: "public"}); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "a mention of bob in a new post notifies him", func() bool {
			return notified(ctx, bc, "mention", "alice@a.herd.test", "just saying hi")
		})

		// Edit and profile update reach the copies.
		if _, err := bc.UpdateStatus(ctx, &mastodon.Toot{Status: "public from bob, edited"}, original.ID); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "the edit reaches alice's copy", func() bool {
			s, err := ac.GetStatus(ctx, seen.ID)
			return err == nil && strings.Contains(s.Content, "edited")
		})
		name := "Bob B."
		if _, err := bc.AccountUpdate(ctx, &mastodon.Profile{DisplayName: &name}); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "bob's new display name reaches a", func() bool {
			acct, err := ac.GetAccount(ctx, bobOnA.ID)
			return err == nil && acct.DisplayName == name
		})

		// Delete.
		if err := bc.DeleteStatus(ctx, original.ID); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "the deletion reaches a", func() bool {
			_, err := ac.GetStatus(ctx, seen.ID)
			return err != nil && !homeHas(ctx, ac, "public from bob")
		})

		// Block: carol blocks alice, which ends alice's follow.
		if _, err := cc.AccountBlock(ctx, aliceOnC.ID); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "carol's block ends alice's follow on a", func() bool { return !following(ac, carolOnA.ID) })
		if _, err := cc.PostStatus(ctx, &mastodon.Toot{Status: "carol after the block", Visibility: "public"}); err != nil {
			t.Fatal(err)
		}
		never(t, insts, "carol's post reaches alice after the block", func() bool { return homeHas(ctx, ac, "carol after the block") })

		// Unfollow.
		if _, err := ac.AccountUnfollow(ctx, bobOnA.ID); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "bob's server drops the follow", func() bool {
			me, err := bc.GetAccountCurrentUser(ctx)
			return err == nil && me.FollowersCount == 0
		})
		if _, err := bc.PostStatus(ctx, &mastodon.Toot{Status: "bob after the unfollow", Visibility: "public"}); err != nil {
			t.Fatal(err)
		}
		never(t, insts, "bob's post reaches alice after she unfollowed", func() bool { return homeHas(ctx, ac, "bob after the unfollow") })
	})
}
