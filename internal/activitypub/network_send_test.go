package activitypub_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mattn/go-mastodon"

	"herd/internal/testrig"
)

// relationship reads one relationship through the client API.
func relationship(t *testing.T, inst *testrig.Instance, token, id string) (rel struct {
	Following  bool `json:"following"`
	Requested  bool `json:"requested"`
	FollowedBy bool `json:"followed_by"`
	BlockedBy  bool `json:"blocked_by"`
}) {
	t.Helper()
	r := inst.Expect(t, 200, "GET", "/api/v1/accounts/relationships?id[]="+id, token, nil)
	var list []json.RawMessage
	if err := json.Unmarshal(r.Body, &list); err != nil || len(list) != 1 {
		t.Fatalf("relationships: %v: %s", err, r.Body)
	}
	if err := json.Unmarshal(list[0], &rel); err != nil {
		t.Fatal(err)
	}
	return rel
}

// TestNetworkSendsEveryAction: what a local user does on one Herd
// instance reaches the other through the delivery jobs its use cases
// queue: a locked account's approval and rejection of a remote request,
// removing a remote follower, a profile change, an edit and a deletion,
// taking back a favourite and a boost, a direct message, and a block and
// its undoing.
func TestNetworkSendsEveryAction(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		ctx := context.Background()
		insts := testrig.StartNetwork(t, db, "a.herd.test", "b.herd.test")
		a, b := insts[0], insts[1]
		alice, bob := a.NewUser(t, "alice"), b.NewUser(t, "bob")
		ac, bc := a.Client(alice.Token), b.Client(bob.Token)
		locked := true
		if _, err := bc.AccountUpdate(ctx, &mastodon.Profile{Locked: &locked}); err != nil {
			t.Fatal(err)
		}
		remoteBob, err := ac.AccountLookup(ctx, "bob@b.herd.test")
		if err != nil {
			t.Fatal(err)
		}
		bobID := string(remoteBob.ID)

		// A request to a locked account, approved.
		if _, err := ac.AccountFollow(ctx, remoteBob.ID); err != nil {
			t.Fatal(err)
		}
		var aliceAtB mastodon.ID
		testrig.Eventually(t, "bob sees alice's request", func() bool {
			reqs, err := bc.GetFollowRequests(ctx, nil)
			if err != nil || len(reqs) != 1 {
				return false
			}
			aliceAtB = reqs[0].ID
			return true
		})
		if !relationship(t, a, alice.Token, bobID).Requested {
			t.Fatal("alice's follow is not shown as requested")
		}
		if err := bc.FollowRequestAuthorize(ctx, aliceAtB); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "bob's approval reaches alice", func() bool { return relationship(t, a, alice.Token, bobID).Following })

		name := "Bob of B"
		if _, err := bc.AccountUpdate(ctx, &mastodon.Profile{DisplayName: &name}); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "bob's new name reaches alice's server", func() bool {
			acct, err := ac.GetAccount(ctx, remoteBob.ID)
			return err == nil && acct.DisplayName == name
		})

		post, err := bc.PostStatus(ctx, &mastodon.Toot{Status: "first version", Visibility: "public"})
		if err != nil {
			t.Fatal(err)
		}
		var seen *mastodon.Status
		testrig.Eventually(t, "bob's post reaches alice", func() bool {
			home, err := ac.GetTimelineHome(ctx, nil)
			for _, s := range home {
				if s.URI == post.URI {
					seen = s
				}
			}
			return err == nil && seen != nil
		})
		if _, err := bc.UpdateStatus(ctx, &mastodon.Toot{Status: "second version"}, post.ID); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "bob's edit reaches alice", func() bool {
			s, err := ac.GetStatus(ctx, seen.ID)
			return err == nil && strings.Contains(s.Content, "second version")
		})

		counts := func(fav, boosts int64) func() bool {
			return func() bool {
				s, err := bc.GetStatus(ctx, post.ID)
				return err == nil && s.FavouritesCount == fav && s.ReblogsCount == boosts
			}
		}
		if _, err := ac.Favourite(ctx, seen.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := ac.Reblog(ctx, seen.ID); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "alice's favourite and boost reach bob", counts(1, 1))
		if _, err := ac.Unfavourite(ctx, seen.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := ac.Unreblog(ctx, seen.ID); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "alice takes back her favourite and boost", counts(0, 0))

		if err := bc.DeleteStatus(ctx, post.ID); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "bob's deletion reaches alice", func() bool {
			return a.Do(t, "GET", "/api/v1/statuses/"+string(seen.ID), alice.Token, nil).Status == 404
		})

		if _, err := ac.PostStatus(ctx, &mastodon.Toot{Status: "@bob@b.herd.test just between us", Visibility: "direct"}); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "alice's direct message reaches bob", func() bool {
			ns, err := bc.GetNotifications(ctx, nil)
			for _, n := range ns {
				if n.Type == "mention" && n.Status != nil && n.Status.Visibility == "direct" &&
					strings.Contains(n.Status.Content, "just between us") {
					return true
				}
			}
			return err == nil && false
		})

		// Removed from bob's followers, alice's server drops her follow;
		// a new request rejected leaves her neither following nor waiting.
		b.Expect(t, 200, "POST", "/api/v1/accounts/"+string(aliceAtB)+"/remove_from_followers", bob.Token, nil)
		testrig.Eventually(t, "bob's removal reaches alice", func() bool { return !relationship(t, a, alice.Token, bobID).Following })
		if _, err := ac.AccountFollow(ctx, remoteBob.ID); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "bob sees alice's second request", func() bool {
			reqs, err := bc.GetFollowRequests(ctx, nil)
			return err == nil && len(reqs) == 1
		})
		if err := bc.FollowRequestReject(ctx, aliceAtB); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "bob's rejection reaches alice", func() bool {
			rel := relationship(t, a, alice.Token, bobID)
			return !rel.Following && !rel.Requested
		})

		// Bob follows alice; her block ends it on his server, her unblock
		// lifts it there too.
		remoteAlice, err := bc.AccountLookup(ctx, "alice@a.herd.test")
		if err != nil {
			t.Fatal(err)
		}
		aliceID := string(remoteAlice.ID)
		if _, err := bc.AccountFollow(ctx, remoteAlice.ID); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "bob follows alice", func() bool { return relationship(t, b, bob.Token, aliceID).Following })
		if _, err := ac.AccountBlock(ctx, remoteBob.ID); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "alice's block reaches bob's server", func() bool {
			rel := relationship(t, b, bob.Token, aliceID)
			return rel.BlockedBy && !rel.Following
		})
		if _, err := ac.AccountUnblock(ctx, remoteBob.ID); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "alice's unblock reaches bob's server", func() bool { return !relationship(t, b, bob.Token, aliceID).BlockedBy })
	})
}

// TestNetworkReplyReachesThreadFollowers: a public reply to a local post
// reaches the remote followers of the post's author, though the replier
// has none there, so the thread is whole on their server.
func TestNetworkReplyReachesThreadFollowers(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		ctx := context.Background()
		insts := testrig.StartNetwork(t, db, "a.herd.test", "b.herd.test")
		a, b := insts[0], insts[1]
		alice, carol, bob := a.NewUser(t, "alice"), a.NewUser(t, "carol"), b.NewUser(t, "bob")
		ac, cc, bc := a.Client(alice.Token), a.Client(carol.Token), b.Client(bob.Token)
		remoteAlice, err := bc.AccountLookup(ctx, "alice@a.herd.test")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := bc.AccountFollow(ctx, remoteAlice.ID); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "bob follows alice", func() bool { return relationship(t, b, bob.Token, string(remoteAlice.ID)).Following })
		post, err := ac.PostStatus(ctx, &mastodon.Toot{Status: "a thread", Visibility: "public"})
		if err != nil {
			t.Fatal(err)
		}
		var seen *mastodon.Status
		testrig.Eventually(t, "alice's post reaches bob", func() bool {
			home, err := bc.GetTimelineHome(ctx, nil)
			for _, s := range home {
				if s.URI == post.URI {
					seen = s
				}
			}
			return err == nil && seen != nil
		})
		if _, err := cc.PostStatus(ctx, &mastodon.Toot{Status: "carol answers", InReplyToID: post.ID, Visibility: "public"}); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "carol's reply joins the thread on bob's server", func() bool {
			c, err := bc.GetStatusContext(ctx, seen.ID)
			return err == nil && len(c.Descendants) == 1 && strings.Contains(c.Descendants[0].Content, "carol answers")
		})
	})
}
