package api_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/mattn/go-mastodon"

	"herd/internal/apischema"
	"herd/internal/core"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
	"herd/internal/testrig"
)

func TestBlockEndsFollowsAndHidesContent(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob, carol := inst.NewUser(t, "alice"), inst.NewUser(t, "bob"), inst.NewUser(t, "carol")
		ctx := context.Background()
		post := postStatus(t, inst, bob.Account.ID, "bob speaks")
		postStatus(t, inst, alice.Account.ID, "alice speaks")
		act(t, inst, alice.Token, "follow", bob.Account.ID, nil)
		act(t, inst, bob.Token, "follow", alice.Account.ID, nil)
		if feedAuthors(t, inst, alice.Account.ID)[bob.Account.ID] == 0 || feedAuthors(t, inst, bob.Account.ID)[alice.Account.ID] == 0 {
			t.Fatal("follows did not fill the feeds")
		}

		// A favourite notification from bob too: the block must clear every kind.
		err := inst.Store.InTx(ctx, func(tx *store.Store) error {
			return tx.InsertNotification(ctx, &model.Notification{ID: ids.New(), AccountID: alice.Account.ID,
				FromAccountID: bob.Account.ID, Type: model.NotifyFavourite, StatusID: post.ID, GroupKey: "g", CreatedAt: time.Now()})
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := notificationsOf(t, inst, alice.Account.ID); len(n) != 2 {
			t.Fatalf("alice's notifications before the block = %v", n)
		}
		rel, err := inst.Client(alice.Token).AccountBlock(ctx, mastodon.ID(itoa(bob.Account.ID)))
		if err != nil {
			t.Fatal(err)
		}
		if !rel.Blocking || rel.Following || rel.FollowedBy {
			t.Errorf("block relationship = %+v", rel)
		}
		if rel := relationshipWith(t, inst, bob.Token, alice.Account.ID); !rel.BlockedBy || rel.Following || rel.FollowedBy {
			t.Errorf("bob's view after the block = %+v", rel)
		}
		for _, id := range []int64{alice.Account.ID, bob.Account.ID} {
			if f, g := counts(t, inst, id); f != 0 || g != 0 {
				t.Errorf("counts of %d after block = %d/%d", id, f, g)
			}
		}
		if feedAuthors(t, inst, alice.Account.ID)[bob.Account.ID] != 0 || feedAuthors(t, inst, bob.Account.ID)[alice.Account.ID] != 0 {
			t.Error("block left posts in the feeds")
		}
		if n := notificationsOf(t, inst, alice.Account.ID); len(n) != 0 {
			t.Errorf("bob's notifications to alice survived the block: %v", n)
		}
		vis, err := inst.Core.VisibleStatuses(ctx, alice.Account.ID, []*model.Status{post}, core.InThread)
		if err != nil || len(vis) != 0 {
			t.Errorf("alice still sees bob's status (%v)", err)
		}

		// Following is refused either way while the block stands.
		for _, c := range []struct {
			token  string
			target int64
		}{{alice.Token, bob.Account.ID}, {bob.Token, alice.Account.ID}} {
			r := inst.Expect(t, 403, "POST", fmt.Sprintf("/api/v1/accounts/%d/follow", c.target), c.token, nil)
			var e struct{ Error string }
			r.JSON(t, &e)
			if e.Error != "This action is not allowed" {
				t.Errorf("follow across a block: %q", e.Error)
			}
		}

		// The blocked see none of the blocker's collections, nor the blocker in search.
		act(t, inst, carol.Token, "follow", alice.Account.ID, nil)
		r := inst.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/accounts/%d/followers", alice.Account.ID), bob.Token, nil)
		if ids := accountIDs(t, r.Body); len(ids) != 0 {
			t.Errorf("blocked viewer sees followers %v", ids)
		}
		r = inst.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/accounts/%d/followers", alice.Account.ID), carol.Token, nil)
		if ids := accountIDs(t, r.Body); !slices.Equal(ids, []string{itoa(carol.Account.ID)}) {
			t.Errorf("carol sees followers %v", ids)
		}
		found, err := inst.Client(bob.Token).AccountsSearch(ctx, "ali", 10)
		if err != nil || len(found) != 0 {
			t.Errorf("blocked bob finds %v (%v)", found, err)
		}

		blocks, err := inst.Client(alice.Token).GetBlocks(ctx, nil)
		if err != nil || len(blocks) != 1 || string(blocks[0].ID) != itoa(bob.Account.ID) {
			t.Errorf("blocks = %v (%v)", blocks, err)
		}
		r = inst.Expect(t, 200, "GET", "/api/v1/blocks", alice.Token, nil)
		apischema.MustMatchArray(t, "Account", r.Body)
		if r.Header.Get("Link") == "" {
			t.Error("blocks without a Link header")
		}

		if rel := act(t, inst, alice.Token, "unblock", bob.Account.ID, nil); rel.Blocking {
			t.Errorf("unblock relationship = %+v", rel)
		}
		if blocks, _ := inst.Client(alice.Token).GetBlocks(ctx, nil); len(blocks) != 0 {
			t.Errorf("blocks after unblock = %v", blocks)
		}
		act(t, inst, bob.Token, "follow", alice.Account.ID, nil)
		// Blocking yourself does nothing, as Mastodon's BlockService.
		if rel := act(t, inst, alice.Token, "block", alice.Account.ID, nil); rel.Blocking {
			t.Errorf("self block = %+v", rel)
		}
		inst.Expect(t, 404, "POST", "/api/v1/accounts/42/block", alice.Token, nil)
	})
}

func TestMuteWithDuration(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		ctx := context.Background()
		postStatus(t, inst, bob.Account.ID, "noise")
		act(t, inst, alice.Token, "follow", bob.Account.ID, nil)

		rel := act(t, inst, alice.Token, "mute", bob.Account.ID, url.Values{"duration": {"3600"}})
		if !rel.Muting || !rel.MutingNotifications || rel.MutingExpiresAt == nil || !rel.Following {
			t.Errorf("timed mute = %+v", rel)
		}
		exp, err := time.Parse(time.RFC3339, *rel.MutingExpiresAt)
		if err != nil || exp.Before(time.Now().Add(59*time.Minute)) || exp.After(time.Now().Add(61*time.Minute)) {
			t.Errorf("muting_expires_at = %s", *rel.MutingExpiresAt)
		}
		if len(feedAuthors(t, inst, alice.Account.ID)) != 0 {
			t.Error("mute left bob's posts in alice's feed")
		}
		r := inst.Expect(t, 200, "GET", "/api/v1/mutes", alice.Token, nil)
		apischema.MustMatchArray(t, "MutedAccount", r.Body)
		var muted []struct {
			ID            string  `json:"id"`
			MuteExpiresAt *string `json:"mute_expires_at"`
		}
		r.JSON(t, &muted)
		if len(muted) != 1 || muted[0].ID != itoa(bob.Account.ID) || muted[0].MuteExpiresAt == nil {
			t.Errorf("mutes = %s", r.Body)
		}

		// Muting again edits the mute: notifications off, no end.
		rel = act(t, inst, alice.Token, "mute", bob.Account.ID, map[string]any{"notifications": false})
		if !rel.Muting || rel.MutingNotifications || rel.MutingExpiresAt != nil {
			t.Errorf("edited mute = %+v", rel)
		}

		// Once its time is up the mute is over everywhere.
		past := time.Now().Add(-time.Second)
		err = inst.Store.InTx(ctx, func(tx *store.Store) error {
			return tx.SetMuteExpiry(ctx, alice.Account.ID, bob.Account.ID, &past)
		})
		if err != nil {
			t.Fatal(err)
		}
		if rel := relationshipWith(t, inst, alice.Token, bob.Account.ID); rel.Muting {
			t.Errorf("expired mute still counts: %+v", rel)
		}
		if mutes, err := inst.Client(alice.Token).GetMutes(ctx, nil); err != nil || len(mutes) != 0 {
			t.Errorf("mutes after expiry = %v (%v)", mutes, err)
		}

		// A 1-second mute lapses on its own. (Judged by the answer to the
		// mute itself: a later read could come after the second on a busy
		// machine.)
		rel = act(t, inst, alice.Token, "mute", bob.Account.ID, url.Values{"duration": {"1"}})
		if !rel.Muting || rel.MutingExpiresAt == nil {
			t.Fatalf("1-second mute not in force: %+v", rel)
		}
		end, err := time.Parse(time.RFC3339, *rel.MutingExpiresAt)
		if err != nil {
			t.Fatal(err)
		}
		// Expiry is judged by the wall clock, which no test can move: let
		// the second pass.
		time.Sleep(time.Until(end) + 10*time.Millisecond)
		if rel := relationshipWith(t, inst, alice.Token, bob.Account.ID); rel.Muting {
			t.Error("1-second mute outlived its second")
		}

		if _, err := inst.Client(alice.Token).AccountMute(ctx, mastodon.ID(itoa(bob.Account.ID))); err != nil {
			t.Fatal(err)
		}
		rel = act(t, inst, alice.Token, "unmute", bob.Account.ID, nil)
		if rel.Muting {
			t.Errorf("unmute = %+v", rel)
		}
		if feedAuthors(t, inst, alice.Account.ID)[bob.Account.ID] == 0 {
			t.Error("unmute did not bring a followed account's posts back")
		}
	})
}

func TestRelationshipScopes(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		id := alice.Account.ID
		target := func(action string) string { return fmt.Sprintf("/api/v1/accounts/%d/%s", bob.Account.ID, action) }
		cases := []struct {
			scopes []string
			method string
			path   string
			want   int
		}{
			{[]string{"read"}, "POST", target("follow"), 403},
			{[]string{"write:follows"}, "POST", target("follow"), 200},
			{[]string{"follow"}, "POST", target("follow"), 200}, // deprecated scope still covers it
			{[]string{"write"}, "POST", target("unfollow"), 200},
			{[]string{"write:follows"}, "POST", target("block"), 403},
			{[]string{"write:blocks"}, "POST", target("block"), 200},
			{[]string{"follow"}, "POST", target("unblock"), 200},
			{[]string{"write:blocks"}, "POST", target("mute"), 403},
			{[]string{"write:mutes"}, "POST", target("mute"), 200},
			{[]string{"follow"}, "POST", target("note"), 403},
			{[]string{"write:accounts"}, "POST", target("note"), 200},
			{[]string{"write"}, "GET", "/api/v1/accounts/relationships?id[]=1", 403},
			{[]string{"read:follows"}, "GET", "/api/v1/accounts/relationships?id[]=1", 200},
			{[]string{"read:follows"}, "GET", "/api/v1/blocks", 403},
			{[]string{"read:blocks"}, "GET", "/api/v1/blocks", 200},
			{[]string{"follow"}, "GET", "/api/v1/mutes", 200},
			{[]string{"read:mutes"}, "GET", "/api/v1/follow_requests", 403},
			{[]string{"read:follows"}, "GET", "/api/v1/follow_requests", 200},
			{[]string{"read:follows"}, "GET", "/api/v1/accounts/familiar_followers?id[]=1", 200},
			{[]string{"read:statuses"}, "GET", "/api/v1/accounts/search?q=a", 403},
			{[]string{"read:accounts"}, "GET", "/api/v1/accounts/search?q=a", 200},
		}
		for _, c := range cases {
			tok := inst.Token(t, id, c.scopes...)
			if r := inst.Do(t, c.method, c.path, tok, nil); r.Status != c.want {
				t.Errorf("%s %s with %v = %d, want %d: %s", c.method, c.path, c.scopes, r.Status, c.want, r.Body)
			}
		}
		appOnly := inst.Token(t, 0, "read", "write", "follow")
		inst.Expect(t, 403, "POST", target("follow"), appOnly, nil)
		inst.Expect(t, 403, "GET", "/api/v1/blocks", appOnly, nil)
		inst.Expect(t, 401, "POST", target("follow"), "", nil)
		inst.Expect(t, 401, "GET", "/api/v1/mutes", "", nil)
	})
}
