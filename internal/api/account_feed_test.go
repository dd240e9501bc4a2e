package api_test

import (
	"context"
	"slices"
	"testing"

	"github.com/mattn/go-mastodon"

	"herd/internal/testrig"
)

// TestRelationshipsShapeHomeTimeline checks, through the home timeline,
// that a follow brings an account's earlier posts in at once and that
// mutes, blocks and unfollows take them out.
func TestRelationshipsShapeHomeTimeline(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		ctx := context.Background()
		ac, bc := inst.Client(alice.Token), inst.Client(bob.Token)
		var posted []string
		for _, vis := range []string{"public", "private"} {
			st, err := bc.PostStatus(ctx, &mastodon.Toot{Status: "bob, " + vis, Visibility: vis})
			if err != nil {
				t.Fatal(err)
			}
			posted = append([]string{string(st.ID)}, posted...)
		}
		fromBob := func() []string {
			t.Helper()
			home, err := ac.GetTimelineHome(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, st := range home {
				if string(st.Account.ID) == itoa(bob.Account.ID) {
					out = append(out, string(st.ID))
				}
			}
			return out
		}
		if got := fromBob(); len(got) != 0 {
			t.Fatalf("home before following = %v", got)
		}
		act(t, inst, alice.Token, "follow", bob.Account.ID, nil)
		if got := fromBob(); !slices.Equal(got, posted) {
			t.Errorf("home after follow = %v, want bob's %v (private included)", got, posted)
		}
		// notify=true on the follow brings bob's new posts as notifications.
		act(t, inst, alice.Token, "follow", bob.Account.ID, map[string]any{"notify": true})
		if _, err := bc.PostStatus(ctx, &mastodon.Toot{Status: "news", Visibility: "public"}); err != nil {
			t.Fatal(err)
		}
		if n := notificationsOf(t, inst, alice.Account.ID); !slices.Equal(n, []string{"status:" + itoa(bob.Account.ID)}) {
			t.Errorf("alice's notifications after bob posted = %v", n)
		}
		act(t, inst, alice.Token, "follow", bob.Account.ID, map[string]any{"notify": false})
		// Fan-out is a background job: wait for it to reach alice's feed, so
		// no late delivery races the purges below.
		inst.WaitJobs(t)
		if got := fromBob(); len(got) < 3 {
			t.Fatalf("bob's new post never reached alice's home: %v", got)
		}
		posted = fromBob()

		act(t, inst, alice.Token, "mute", bob.Account.ID, nil)
		if got := fromBob(); len(got) != 0 {
			t.Errorf("home while muting = %v", got)
		}
		act(t, inst, alice.Token, "unmute", bob.Account.ID, nil)
		if got := fromBob(); !slices.Equal(got, posted) {
			t.Errorf("home after unmute = %v", got)
		}
		act(t, inst, alice.Token, "unfollow", bob.Account.ID, nil)
		if got := fromBob(); len(got) != 0 {
			t.Errorf("home after unfollow = %v", got)
		}
		act(t, inst, alice.Token, "follow", bob.Account.ID, nil)
		act(t, inst, bob.Token, "block", alice.Account.ID, nil)
		if got := fromBob(); len(got) != 0 {
			t.Errorf("home after bob blocked alice = %v", got)
		}
	})
}
