package social_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"herd/internal/core"
	"herd/internal/core/fault"
	"herd/internal/core/notifications"
	"herd/internal/core/social"
	"herd/internal/model"
	"herd/internal/testrig"
)

// users makes local accounts on inst and authenticates them as viewers.
func users(t *testing.T, inst *testrig.Instance, names ...string) []*model.Viewer {
	t.Helper()
	out := make([]*model.Viewer, len(names))
	for i, name := range names {
		u := inst.NewUser(t, name)
		v, err := inst.Core.Accounts.Authenticate(context.Background(), u.Token)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = v
	}
	return out
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// status fails the test unless err is a fault with the HTTP status want.
func status(t *testing.T, err error, want int) {
	t.Helper()
	f, ok := fault.As(err)
	if !ok || f.Status != want {
		t.Fatalf("err = %v, want a %d", err, want)
	}
}

// counts reloads an account's follow counters from the database.
func counts(t *testing.T, inst *testrig.Instance, id int64) (followers, following int64) {
	t.Helper()
	a, err := inst.Store.AccountByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a.FollowersCount, a.FollowingCount
}

// notified lists the types of the viewer's notifications, newest first.
func notified(t *testing.T, inst *testrig.Instance, v *model.Viewer) []string {
	t.Helper()
	page := must[*notifications.NotificationPage](t)(inst.Core.Notifications.Notifications(context.Background(), v,
		notifications.NotificationQuery{Page: model.Page{Limit: 40}}))
	var types []string
	for _, n := range page.Items {
		types = append(types, n.Notification.Type)
	}
	return types
}

func listedIDs(list []social.ListedAccount) []int64 {
	var out []int64
	for _, l := range list {
		out = append(out, l.Account.ID)
	}
	return out
}

// A follow of an unlocked account takes at once: both counters move, the
// target is notified, the lists show it; unfollowing undoes all of it.
func TestFollowAndUnfollow(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		ctx := context.Background()
		vs := users(t, inst, "alice", "bob")
		alice, bob := vs[0], vs[1]
		s := inst.Core.Social

		rel := must[*model.Relationship](t)(s.Follow(ctx, alice, bob.AccountID(), social.FollowOptions{}))
		if !rel.Following || !rel.ShowingReblogs || rel.Notifying {
			t.Fatalf("after follow: %+v", rel)
		}
		if f, _ := counts(t, inst, bob.AccountID()); f != 1 {
			t.Errorf("bob's followers_count = %d, want 1", f)
		}
		if _, f := counts(t, inst, alice.AccountID()); f != 1 {
			t.Errorf("alice's following_count = %d, want 1", f)
		}
		if got := notified(t, inst, bob); len(got) != 1 || got[0] != model.NotifyFollow {
			t.Errorf("bob's notifications = %v, want one follow", got)
		}
		// Following again only changes the options.
		notify := true
		rel = must[*model.Relationship](t)(s.Follow(ctx, alice, bob.AccountID(), social.FollowOptions{Notify: &notify}))
		if !rel.Following || !rel.Notifying {
			t.Fatalf("after second follow: %+v", rel)
		}
		if f, _ := counts(t, inst, bob.AccountID()); f != 1 {
			t.Errorf("bob's followers_count = %d after a second follow, want 1", f)
		}
		followers := must[[]social.ListedAccount](t)(s.Followers(ctx, bob, bob.AccountID(), model.Page{Limit: 40}))
		if ids := listedIDs(followers); len(ids) != 1 || ids[0] != alice.AccountID() {
			t.Errorf("bob's followers = %v, want alice", ids)
		}
		following := must[[]social.ListedAccount](t)(s.Following(ctx, bob, alice.AccountID(), model.Page{Limit: 40}))
		if ids := listedIDs(following); len(ids) != 1 || ids[0] != bob.AccountID() {
			t.Errorf("alice's following = %v, want bob", ids)
		}
		rels := must[[]*model.Relationship](t)(s.Relationships(ctx, bob, []int64{alice.AccountID(), alice.AccountID(), 999}, false))
		if len(rels) != 1 || !rels[0].FollowedBy {
			t.Errorf("bob's relationships = %+v, want one, followed by alice", rels)
		}

		rel = must[*model.Relationship](t)(s.Unfollow(ctx, alice, bob.AccountID()))
		if rel.Following {
			t.Fatalf("after unfollow: %+v", rel)
		}
		if f, _ := counts(t, inst, bob.AccountID()); f != 0 {
			t.Errorf("bob's followers_count = %d after unfollow, want 0", f)
		}
		if got := notified(t, inst, bob); len(got) != 0 {
			t.Errorf("bob's notifications after unfollow = %v, want none", got)
		}

		// Oneself, or an account that does not exist, is a 404.
		_, err := s.Follow(ctx, alice, alice.AccountID(), social.FollowOptions{})
		status(t, err, http.StatusNotFound)
		_, err = s.Follow(ctx, alice, 12345, social.FollowOptions{})
		status(t, err, http.StatusNotFound)
	})
}

// A locked account is asked; authorizing turns the request into a follow,
// rejecting drops it, and unlocking the account accepts those waiting.
func TestFollowRequests(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		ctx := context.Background()
		vs := users(t, inst, "lucy", "ann", "ben", "cat")
		lucy, ann, ben, cat := vs[0], vs[1], vs[2], vs[3]
		s := inst.Core.Social
		locked := true
		lucy = must[*model.Viewer](t)(inst.Core.UpdateCredentials(ctx, lucy, core.ProfileUpdate{Locked: &locked}))

		for _, v := range []*model.Viewer{ann, ben, cat} {
			rel := must[*model.Relationship](t)(s.Follow(ctx, v, lucy.AccountID(), social.FollowOptions{}))
			if rel.Following || !rel.Requested {
				t.Fatalf("%s asking lucy: %+v", v.Account.Username, rel)
			}
		}
		if n := must[int64](t)(s.CountFollowRequests(ctx, lucy)); n != 3 {
			t.Errorf("CountFollowRequests = %d, want 3", n)
		}
		reqs := must[[]social.ListedAccount](t)(s.FollowRequests(ctx, lucy, model.Page{Limit: 40}))
		if len(reqs) != 3 {
			t.Errorf("FollowRequests = %v, want three", listedIDs(reqs))
		}

		rel := must[*model.Relationship](t)(s.AuthorizeFollowRequest(ctx, lucy, ann.AccountID()))
		if !rel.FollowedBy || rel.RequestedBy {
			t.Errorf("after authorize: %+v", rel)
		}
		rel = must[*model.Relationship](t)(s.RejectFollowRequest(ctx, lucy, ben.AccountID()))
		if rel.FollowedBy || rel.RequestedBy {
			t.Errorf("after reject: %+v", rel)
		}
		_, err := s.RejectFollowRequest(ctx, lucy, ben.AccountID())
		status(t, err, http.StatusNotFound)

		// Unlocking accepts cat's request, which core's profile update
		// asks of the social area inside its own transaction.
		locked = false
		lucy = must[*model.Viewer](t)(inst.Core.UpdateCredentials(ctx, lucy, core.ProfileUpdate{Locked: &locked}))
		rels := must[[]*model.Relationship](t)(s.Relationships(ctx, lucy, []int64{ann.AccountID(), ben.AccountID(), cat.AccountID()}, false))
		if !rels[0].FollowedBy || rels[1].FollowedBy || !rels[2].FollowedBy || rels[2].RequestedBy {
			t.Errorf("after unlocking: ann %+v, ben %+v, cat %+v", rels[0], rels[1], rels[2])
		}
		if f, _ := counts(t, inst, lucy.AccountID()); f != 2 {
			t.Errorf("lucy's followers_count = %d, want 2", f)
		}

		rel = must[*model.Relationship](t)(s.RemoveFromFollowers(ctx, lucy, ann.AccountID()))
		if rel.FollowedBy {
			t.Errorf("after remove from followers: %+v", rel)
		}
	})
}

// A block ends follows both ways and forbids following again; unblocking
// lifts it. Mutes list with their expiry and go away when lifted.
func TestBlocksAndMutes(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		ctx := context.Background()
		vs := users(t, inst, "alice", "bob", "carol")
		alice, bob, carol := vs[0], vs[1], vs[2]
		s := inst.Core.Social

		must[*model.Relationship](t)(s.Follow(ctx, alice, bob.AccountID(), social.FollowOptions{}))
		must[*model.Relationship](t)(s.Follow(ctx, bob, alice.AccountID(), social.FollowOptions{}))
		rel := must[*model.Relationship](t)(s.Block(ctx, alice, bob.AccountID()))
		if !rel.Blocking || rel.Following || rel.FollowedBy {
			t.Fatalf("after block: %+v", rel)
		}
		for _, v := range []*model.Viewer{alice, bob} {
			if followers, following := counts(t, inst, v.AccountID()); followers != 0 || following != 0 {
				t.Errorf("%s's counts after block = %d/%d, want 0/0", v.Account.Username, followers, following)
			}
		}
		_, err := s.Follow(ctx, bob, alice.AccountID(), social.FollowOptions{})
		status(t, err, http.StatusForbidden)
		// Alice's lists are hidden from the account she blocks.
		if list := must[[]social.ListedAccount](t)(s.Following(ctx, bob, alice.AccountID(), model.Page{Limit: 40})); len(list) != 0 {
			t.Errorf("alice's following as bob sees it = %v, want none", listedIDs(list))
		}
		blocks := must[[]social.ListedAccount](t)(s.Blocks(ctx, alice, model.Page{Limit: 40}))
		if ids := listedIDs(blocks); len(ids) != 1 || ids[0] != bob.AccountID() {
			t.Errorf("alice's blocks = %v, want bob", ids)
		}
		rel = must[*model.Relationship](t)(s.Unblock(ctx, alice, bob.AccountID()))
		if rel.Blocking {
			t.Errorf("after unblock: %+v", rel)
		}

		rel = must[*model.Relationship](t)(s.Mute(ctx, alice, carol.AccountID(), social.MuteOptions{Notifications: true, Duration: time.Hour}))
		if !rel.Muting || !rel.MutingNotifications || rel.MutingExpiresAt == nil {
			t.Fatalf("after mute: %+v", rel)
		}
		mutes := must[[]social.ListedAccount](t)(s.Mutes(ctx, alice, model.Page{Limit: 40}))
		if len(mutes) != 1 || mutes[0].Account.ID != carol.AccountID() || mutes[0].MuteExpiresAt == nil {
			t.Errorf("alice's mutes = %+v, want carol until an hour from now", mutes)
		}
		rel = must[*model.Relationship](t)(s.Unmute(ctx, alice, carol.AccountID()))
		if rel.Muting {
			t.Errorf("after unmute: %+v", rel)
		}
	})
}

// A private note is kept and shown in the relationship; a blank one
// removes it and one over Mastodon's limit is refused.
func TestAccountNote(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite)
	ctx := context.Background()
	vs := users(t, inst, "alice", "bob")
	alice, bob := vs[0], vs[1]
	s := inst.Core.Social
	rel := must[*model.Relationship](t)(s.SetAccountNote(ctx, alice, bob.AccountID(), "met at the fair"))
	if rel.Note != "met at the fair" {
		t.Errorf("note = %q", rel.Note)
	}
	rel = must[*model.Relationship](t)(s.SetAccountNote(ctx, alice, bob.AccountID(), "  "))
	if rel.Note != "" {
		t.Errorf("note after blank = %q, want none", rel.Note)
	}
	_, err := s.SetAccountNote(ctx, alice, bob.AccountID(), strings.Repeat("x", 2001))
	status(t, err, http.StatusUnprocessableEntity)
	_, err = s.SetAccountNote(ctx, alice, 12345, "who?")
	status(t, err, http.StatusNotFound)
}

// Familiar followers of an account are those the viewer follows who
// follow it too.
func TestFamiliarFollowers(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite)
	ctx := context.Background()
	vs := users(t, inst, "alice", "bob", "carol")
	alice, bob, carol := vs[0], vs[1], vs[2]
	s := inst.Core.Social
	must[*model.Relationship](t)(s.Follow(ctx, alice, bob.AccountID(), social.FollowOptions{}))
	must[*model.Relationship](t)(s.Follow(ctx, bob, carol.AccountID(), social.FollowOptions{}))
	got := must[[]social.FamiliarFollowers](t)(s.FamiliarFollowersOf(ctx, alice, []int64{carol.AccountID()}))
	if len(got) != 1 || got[0].ID != carol.AccountID() || len(got[0].Accounts) != 1 || got[0].Accounts[0].ID != bob.AccountID() {
		t.Errorf("familiar followers of carol for alice = %+v, want bob", got)
	}
}
