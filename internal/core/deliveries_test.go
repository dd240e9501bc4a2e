package core_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"herd/internal/core"
	"herd/internal/core/accounts"
	"herd/internal/core/federation"
	"herd/internal/core/social"
	"herd/internal/db"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
	"herd/internal/testrig"
)

// deliveryRig is one instance's core without job workers, so the delivery
// jobs a use case queues stay in the table for the test to read. alice
// acts; fan follows her; other follows no one. In the federated rig fan
// and other are remote accounts, in the local one they are local, and
// nothing may be queued at all.
type deliveryRig struct {
	c           *core.Core
	store       *store.Store
	remote      bool
	alice       *model.Viewer
	fan, other  *model.Account
	fanViewer   *model.Viewer // local rig only
	otherViewer *model.Viewer // local rig only
	notes       int
}

// forEachRig runs fn on a federated and on a purely local rig, on each
// database.
func forEachRig(t *testing.T, fn func(t *testing.T, r *deliveryRig)) {
	testrig.ForEachDB(t, func(t *testing.T, tdb testrig.DB) {
		for _, remote := range []bool{true, false} {
			name := map[bool]string{true: "federated", false: "local-only"}[remote]
			t.Run(name, func(t *testing.T) { fn(t, newDeliveryRig(t, tdb, remote)) })
		}
	})
}

func newDeliveryRig(t *testing.T, tdb testrig.DB, remote bool) *deliveryRig {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, tdb.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	st := store.New(d)
	r := &deliveryRig{c: core.New(core.Deps{Store: st, Config: core.Config{Domain: "herd.test", Protocol: "https"}}), store: st, remote: remote}
	r.alice = r.localUser(t, "alice")
	if remote {
		r.fan, r.other = r.remoteUser(t, "fan"), r.remoteUser(t, "other")
		if err := r.c.Federation.ReceiveFollow(ctx, r.fan, r.alice.Account, r.fan.URI+"#follow-1"); err != nil {
			t.Fatal(err)
		}
	} else {
		r.fanViewer, r.otherViewer = r.localUser(t, "fan"), r.localUser(t, "other")
		r.fan, r.other = r.fanViewer.Account, r.otherViewer.Account
		if _, err := r.c.Social.Follow(ctx, r.fanViewer, r.alice.AccountID(), social.FollowOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	r.take(t) // the Accept of fan's follow
	return r
}

func (r *deliveryRig) localUser(t *testing.T, name string) *model.Viewer {
	t.Helper()
	a, u, err := r.c.Accounts.CreateAccount(context.Background(), accounts.NewAccount{Username: name, Email: name + "@example.com",
		Password: "correct horse battery", Approved: true})
	if err != nil {
		t.Fatal(err)
	}
	return &model.Viewer{Account: a, User: u}
}

func (r *deliveryRig) remoteUser(t *testing.T, name string) *model.Account {
	t.Helper()
	now := time.Now()
	uri := "https://remote.test/users/" + name
	a := &model.Account{ID: ids.New(), Username: name, Domain: "remote.test", URI: uri, URL: uri,
		InboxURL: uri + "/inbox", SharedInboxURL: "https://remote.test/inbox", CreatedAt: now, UpdatedAt: now}
	err := r.store.InTx(context.Background(), func(tx *store.Store) error { return tx.InsertRemoteAccount(context.Background(), a, now) })
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// otherStatus is a public status by other: received from its server in
// the federated rig, posted in the local one.
func (r *deliveryRig) otherStatus(t *testing.T) *model.Status {
	t.Helper()
	ctx := context.Background()
	r.notes++
	var st *model.Status
	var err error
	if r.remote {
		st, err = r.c.Federation.ReceiveNote(ctx, r.other, federation.RemoteNote{URI: fmt.Sprintf("%s/statuses/%d", r.other.URI, r.notes),
			Content: "<p>a note</p>", Visibility: model.Public, Published: time.Now()})
	} else {
		st, err = r.c.PostStatus(ctx, r.otherViewer, core.NewStatus{Text: "a note"})
	}
	if err != nil {
		t.Fatal(err)
	}
	r.take(t)
	return st
}

// post posts as alice.
func (r *deliveryRig) post(t *testing.T, n core.NewStatus) *model.Status {
	t.Helper()
	st, err := r.c.PostStatus(context.Background(), r.alice, n)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// take reads and removes the queued delivery jobs.
func (r *deliveryRig) take(t *testing.T) []core.Delivery {
	t.Helper()
	ctx := context.Background()
	payloads, err := r.store.QueuedPayloads(ctx, core.QueueDelivery)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.store.DB.Write.ExecContext(ctx, "DELETE FROM jobs WHERE queue = $1", core.QueueDelivery); err != nil {
		t.Fatal(err)
	}
	var out []core.Delivery
	for _, p := range payloads {
		var d core.Delivery
		if err := json.Unmarshal([]byte(p), &d); err != nil {
			t.Fatalf("payload %s: %v", p, err)
		}
		out = append(out, d)
	}
	return out
}

// expect checks that exactly want was queued since the last take, in the
// federated rig; in the local one, that nothing was.
func (r *deliveryRig) expect(t *testing.T, step string, want ...core.Delivery) {
	t.Helper()
	got := r.take(t)
	if !r.remote {
		want = nil
	}
	for i := range want {
		if want[i].ActorID == 0 {
			want[i].ActorID = r.alice.AccountID()
		}
	}
	byKind := func(a, b core.Delivery) int {
		if a.Kind != b.Kind {
			if a.Kind < b.Kind {
				return -1
			}
			return 1
		}
		return int(a.TargetID - b.TargetID)
	}
	slices.SortFunc(got, byKind)
	slices.SortFunc(want, byKind)
	if len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
		t.Errorf("%s: queued %+v, want %+v", step, got, want)
	}
}

func (r *deliveryRig) aliceURI() string { return "https://herd.test/users/alice" }

func sortedIDs(list ...int64) []int64 {
	slices.Sort(list)
	return list
}

func must[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// TestDeliveryOfNewStatuses: a post reaches the author's followers unless
// direct, the mentioned, and the author of a public or unlisted status it
// answers; a post nobody remote receives queues nothing.
func TestDeliveryOfNewStatuses(t *testing.T) {
	forEachRig(t, func(t *testing.T, r *deliveryRig) {
		st := r.post(t, core.NewStatus{Text: "hello"})
		r.expect(t, "public post", core.Delivery{Kind: "Create", ObjectID: st.ID, Followers: true})

		st = r.post(t, core.NewStatus{Text: "for followers", Visibility: model.Private})
		r.expect(t, "private post", core.Delivery{Kind: "Create", ObjectID: st.ID, Followers: true})

		r.post(t, core.NewStatus{Text: "to nobody", Visibility: model.Direct})
		r.expect(t, "direct post without mentions")

		st = r.post(t, core.NewStatus{Text: "psst @" + r.other.Acct(), Visibility: model.Direct})
		r.expect(t, "direct mention", core.Delivery{Kind: "Create", ObjectID: st.ID, AccountIDs: []int64{r.other.ID}})

		parent := r.otherStatus(t)
		st = r.post(t, core.NewStatus{Text: "a reply", InReplyToID: parent.ID})
		r.expect(t, "public reply", core.Delivery{Kind: "Create", ObjectID: st.ID, Followers: true, AccountIDs: []int64{r.other.ID}})

		// As Mastodon's StatusReachFinder: a followers-only reply reaches
		// the replied-to author only when it mentions them.
		st = r.post(t, core.NewStatus{Text: "a private reply", InReplyToID: parent.ID, Visibility: model.Private})
		r.expect(t, "private reply", core.Delivery{Kind: "Create", ObjectID: st.ID, Followers: true})
	})
}

// TestDeliveryOfNoFollowersNoMentions: an author nobody remote follows
// queues nothing for a post, even on an instance with remote accounts.
func TestDeliveryOfNoFollowersNoMentions(t *testing.T) {
	forEachRig(t, func(t *testing.T, r *deliveryRig) {
		if !r.remote {
			return
		}
		lonely := r.localUser(t, "lonely")
		if _, err := r.c.PostStatus(context.Background(), lonely, core.NewStatus{Text: "anyone?"}); err != nil {
			t.Fatal(err)
		}
		if got := r.take(t); len(got) != 0 {
			t.Errorf("a post with no remote audience queued %+v", got)
		}
	})
}

// TestDeliveryOfEditsAndDeletes: an edit reaches who the post reached; a
// deletion also reaches whoever interacted with it, named before the rows
// go, with the status's id carried in the job.
func TestDeliveryOfEditsAndDeletes(t *testing.T) {
	forEachRig(t, func(t *testing.T, r *deliveryRig) {
		ctx := context.Background()
		st := r.post(t, core.NewStatus{Text: "hi @" + r.other.Acct()})
		r.take(t)
		if _, err := r.c.EditStatus(ctx, r.alice, st.ID, core.StatusEditRequest{Text: "hello @" + r.other.Acct()}); err != nil {
			t.Fatal(err)
		}
		r.expect(t, "edit", core.Delivery{Kind: "Update", ObjectID: st.ID, Followers: true, AccountIDs: []int64{r.other.ID}})

		if r.remote {
			if err := r.c.Federation.ReceiveLike(ctx, r.fan, st); err != nil {
				t.Fatal(err)
			}
		} else if _, err := r.c.Favourite(ctx, r.fanViewer, st.ID); err != nil {
			t.Fatal(err)
		}
		r.take(t)
		if _, err := r.c.DeleteStatus(ctx, r.alice, st.ID); err != nil {
			t.Fatal(err)
		}
		r.expect(t, "delete", core.Delivery{Kind: "Delete", ObjectID: st.ID, URI: st.URI, Followers: true,
			AccountIDs: sortedIDs(r.fan.ID, r.other.ID)})

		direct := r.post(t, core.NewStatus{Text: "psst @" + r.other.Acct(), Visibility: model.Direct})
		r.take(t)
		if _, err := r.c.DeleteStatus(ctx, r.alice, direct.ID); err != nil {
			t.Fatal(err)
		}
		r.expect(t, "delete direct", core.Delivery{Kind: "Delete", ObjectID: direct.ID, URI: direct.URI,
			AccountIDs: []int64{r.other.ID}})
	})
}

// TestDeliveryOfBoosts: a boost is announced to the booster's followers
// and the boosted author; unboosting, or deleting the boost, undoes it by
// the boost's id.
func TestDeliveryOfBoosts(t *testing.T) {
	forEachRig(t, func(t *testing.T, r *deliveryRig) {
		ctx := context.Background()
		orig := r.otherStatus(t)
		boost := must[*model.StatusView](t)(r.c.Reblog(ctx, r.alice, orig.ID, ""))
		r.expect(t, "boost", core.Delivery{Kind: "Announce", ObjectID: boost.Status.ID, Followers: true, AccountIDs: []int64{r.other.ID}})
		must[*model.StatusView](t)(r.c.Unreblog(ctx, r.alice, orig.ID))
		r.expect(t, "unboost", core.Delivery{Kind: "Undo:Announce", ObjectID: boost.Status.ID, URI: orig.URI,
			Followers: true, AccountIDs: []int64{r.other.ID}})

		boost = must[*model.StatusView](t)(r.c.Reblog(ctx, r.alice, orig.ID, ""))
		r.take(t)
		must[*model.StatusView](t)(r.c.DeleteStatus(ctx, r.alice, boost.Status.ID))
		r.expect(t, "delete boost", core.Delivery{Kind: "Undo:Announce", ObjectID: boost.Status.ID, URI: orig.URI,
			Followers: true, AccountIDs: []int64{r.other.ID}})

		own := r.post(t, core.NewStatus{Text: "mine"})
		r.take(t)
		boost = must[*model.StatusView](t)(r.c.Reblog(ctx, r.alice, own.ID, ""))
		r.expect(t, "boost own", core.Delivery{Kind: "Announce", ObjectID: boost.Status.ID, Followers: true})
	})
}

// TestDeliveryOfFavourites: a Like goes to the status's author only, and
// its Undo names the same favourite (whose id names the Like).
func TestDeliveryOfFavourites(t *testing.T) {
	forEachRig(t, func(t *testing.T, r *deliveryRig) {
		ctx := context.Background()
		st := r.otherStatus(t)
		must[*model.StatusView](t)(r.c.Favourite(ctx, r.alice, st.ID))
		favID := must[int64](t)(r.store.FavouriteID(ctx, r.alice.AccountID(), st.ID))
		r.expect(t, "favourite", core.Delivery{Kind: "Like", ObjectID: favID, TargetID: r.other.ID, URI: st.URI})
		must[*model.StatusView](t)(r.c.Favourite(ctx, r.alice, st.ID))
		r.expect(t, "favourite again")
		must[*model.StatusView](t)(r.c.Unfavourite(ctx, r.alice, st.ID))
		r.expect(t, "unfavourite", core.Delivery{Kind: "Undo:Like", ObjectID: favID, TargetID: r.other.ID, URI: st.URI})
		must[*model.StatusView](t)(r.c.Unfavourite(ctx, r.alice, st.ID))
		r.expect(t, "unfavourite again")

		own := r.post(t, core.NewStatus{Text: "mine"})
		r.take(t)
		must[*model.StatusView](t)(r.c.Favourite(ctx, r.alice, own.ID))
		r.expect(t, "favourite of a local status")
	})
}

// TestDeliveryOfFollows: following a remote account sends a Follow whose
// id is stored with the request, so the remote's Accept naming it turns
// the request into a follow; unfollowing (or withdrawing the request)
// sends the Undo of that same id.
func TestDeliveryOfFollows(t *testing.T) {
	forEachRig(t, func(t *testing.T, r *deliveryRig) {
		ctx := context.Background()
		me, them := r.alice.AccountID(), r.other.ID
		must[*model.Relationship](t)(r.c.Social.Follow(ctx, r.alice, them, social.FollowOptions{}))
		if !r.remote {
			r.expect(t, "follow local")
			must[*model.Relationship](t)(r.c.Social.Unfollow(ctx, r.alice, them))
			r.expect(t, "unfollow local")
			return
		}
		req := must[*model.Follow](t)(r.store.FollowRequestBetween(ctx, me, them))
		uri := r.aliceURI() + "#follows/" + ids.Format(req.ID)
		if req.URI != uri {
			t.Fatalf("request uri %q, want %q", req.URI, uri)
		}
		r.expect(t, "follow", core.Delivery{Kind: "Follow", ObjectID: req.ID, TargetID: them, URI: uri})

		// The remote's Accept names the Follow by that id.
		found := must[*model.Follow](t)(r.c.Federation.FollowRequestByURI(ctx, uri))
		if found.AccountID != me || found.TargetAccountID != them {
			t.Fatalf("FollowRequestByURI found %+v", found)
		}
		if err := r.c.Federation.ReceiveFollowAnswer(ctx, r.other, r.alice.Account, true); err != nil {
			t.Fatal(err)
		}
		f := must[*model.Follow](t)(r.store.FollowBetween(ctx, me, them))
		if f.URI != uri {
			t.Errorf("accepted follow uri %q, want %q", f.URI, uri)
		}
		r.expect(t, "accept received")

		must[*model.Relationship](t)(r.c.Social.Unfollow(ctx, r.alice, them))
		r.expect(t, "unfollow", core.Delivery{Kind: "Undo:Follow", ObjectID: f.ID, TargetID: them, URI: uri})
		must[*model.Relationship](t)(r.c.Social.Unfollow(ctx, r.alice, them))
		r.expect(t, "unfollow again")

		must[*model.Relationship](t)(r.c.Social.Follow(ctx, r.alice, them, social.FollowOptions{}))
		req = must[*model.Follow](t)(r.store.FollowRequestBetween(ctx, me, them))
		r.take(t)
		must[*model.Relationship](t)(r.c.Social.Unfollow(ctx, r.alice, them))
		r.expect(t, "withdraw request", core.Delivery{Kind: "Undo:Follow", ObjectID: req.ID, TargetID: them, URI: req.URI})
	})
}

// TestDeliveryOfFollowAnswers: a locked account's answers to a remote
// request are sent, with the request's own Follow id; removing a remote
// follower rejects its follow; unlocking accepts every request.
func TestDeliveryOfFollowAnswers(t *testing.T) {
	forEachRig(t, func(t *testing.T, r *deliveryRig) {
		ctx := context.Background()
		locked := true
		r.alice = must[*model.Viewer](t)(r.c.UpdateCredentials(ctx, r.alice, core.ProfileUpdate{Locked: &locked}))
		r.take(t)
		them := r.other.ID
		request := func() string {
			t.Helper()
			r.notes++
			uri := fmt.Sprintf("%s#follow-%d", r.other.URI, r.notes)
			if r.remote {
				if err := r.c.Federation.ReceiveFollow(ctx, r.other, r.alice.Account, uri); err != nil {
					t.Fatal(err)
				}
			} else {
				must[*model.Relationship](t)(r.c.Social.Follow(ctx, r.otherViewer, r.alice.AccountID(), social.FollowOptions{}))
				uri = ""
			}
			r.expect(t, "request received")
			return uri
		}

		uri := request()
		must[*model.Relationship](t)(r.c.Social.AuthorizeFollowRequest(ctx, r.alice, them))
		f := must[*model.Follow](t)(r.store.FollowBetween(ctx, them, r.alice.AccountID()))
		r.expect(t, "authorize", core.Delivery{Kind: "Accept", ObjectID: f.ID, TargetID: them, URI: uri})
		must[*model.Relationship](t)(r.c.Social.RemoveFromFollowers(ctx, r.alice, them))
		r.expect(t, "remove from followers", core.Delivery{Kind: "Reject", ObjectID: f.ID, TargetID: them, URI: uri})

		uri = request()
		req := must[*model.Follow](t)(r.store.FollowRequestBetween(ctx, them, r.alice.AccountID()))
		must[*model.Relationship](t)(r.c.Social.RejectFollowRequest(ctx, r.alice, them))
		r.expect(t, "reject", core.Delivery{Kind: "Reject", ObjectID: req.ID, TargetID: them, URI: uri})

		uri = request()
		unlocked := false
		r.alice = must[*model.Viewer](t)(r.c.UpdateCredentials(ctx, r.alice, core.ProfileUpdate{Locked: &unlocked}))
		f = must[*model.Follow](t)(r.store.FollowBetween(ctx, them, r.alice.AccountID()))
		r.expect(t, "unlock", core.Delivery{Kind: "Accept", ObjectID: f.ID, TargetID: them, URI: uri},
			core.Delivery{Kind: "Update:Person", Followers: true})
	})
}

// TestDeliveryOfBlocks: a Block goes to the blocked remote account, after
// the Reject of its follow or the Undo of the blocker's (Mastodon's
// BlockService ends them through UnfollowService, which tells the
// remote), and its Undo names the same block; mutes are never sent, and a
// remote actor's block is not echoed.
func TestDeliveryOfBlocks(t *testing.T) {
	forEachRig(t, func(t *testing.T, r *deliveryRig) {
		ctx := context.Background()
		me := r.alice.AccountID()
		fanFollow := must[*model.Follow](t)(r.store.FollowBetween(ctx, r.fan.ID, me))
		must[*model.Relationship](t)(r.c.Social.Block(ctx, r.alice, r.fan.ID))
		blockID := must[int64](t)(r.store.BlockID(ctx, me, r.fan.ID))
		r.expect(t, "block a follower",
			core.Delivery{Kind: "Reject", ObjectID: fanFollow.ID, TargetID: r.fan.ID, URI: fanFollow.URI},
			core.Delivery{Kind: "Block", ObjectID: blockID, TargetID: r.fan.ID})
		must[*model.Relationship](t)(r.c.Social.Unblock(ctx, r.alice, r.fan.ID))
		r.expect(t, "unblock", core.Delivery{Kind: "Undo:Block", ObjectID: blockID, TargetID: r.fan.ID})
		must[*model.Relationship](t)(r.c.Social.Unblock(ctx, r.alice, r.fan.ID))
		r.expect(t, "unblock again")

		must[*model.Relationship](t)(r.c.Social.Follow(ctx, r.alice, r.other.ID, social.FollowOptions{}))
		r.take(t)
		var followed *model.Follow
		if r.remote {
			followed = must[*model.Follow](t)(r.store.FollowRequestBetween(ctx, me, r.other.ID))
		}
		must[*model.Relationship](t)(r.c.Social.Block(ctx, r.alice, r.other.ID))
		if r.remote {
			blockID = must[int64](t)(r.store.BlockID(ctx, me, r.other.ID))
			r.expect(t, "block a followed account",
				core.Delivery{Kind: "Undo:Follow", ObjectID: followed.ID, TargetID: r.other.ID, URI: followed.URI},
				core.Delivery{Kind: "Block", ObjectID: blockID, TargetID: r.other.ID})
		} else {
			r.expect(t, "block a followed account")
		}
		must[*model.Relationship](t)(r.c.Social.Unblock(ctx, r.alice, r.other.ID))
		r.take(t)

		must[*model.Relationship](t)(r.c.Social.Mute(ctx, r.alice, r.other.ID, social.MuteOptions{Notifications: true}))
		must[*model.Relationship](t)(r.c.Social.Unmute(ctx, r.alice, r.other.ID))
		r.expect(t, "mute and unmute")

		if r.remote {
			if err := r.c.Federation.ReceiveBlock(ctx, r.other, r.alice.Account); err != nil {
				t.Fatal(err)
			}
			if err := r.c.Federation.ReceiveUndoBlock(ctx, r.other, r.alice.Account); err != nil {
				t.Fatal(err)
			}
			r.expect(t, "remote block received")
		}
	})
}

// TestDeliveryOfProfileAndPins: a profile change and a pin or unpin reach
// the followers.
func TestDeliveryOfProfileAndPins(t *testing.T) {
	forEachRig(t, func(t *testing.T, r *deliveryRig) {
		ctx := context.Background()
		name := "Alice"
		r.alice = must[*model.Viewer](t)(r.c.UpdateCredentials(ctx, r.alice, core.ProfileUpdate{DisplayName: &name}))
		r.expect(t, "profile", core.Delivery{Kind: "Update:Person", Followers: true})

		st := r.post(t, core.NewStatus{Text: "pin me"})
		r.take(t)
		must[*model.StatusView](t)(r.c.Pin(ctx, r.alice, st.ID))
		r.expect(t, "pin", core.Delivery{Kind: "Add", ObjectID: st.ID, Followers: true})
		must[*model.StatusView](t)(r.c.Unpin(ctx, r.alice, st.ID))
		r.expect(t, "unpin", core.Delivery{Kind: "Remove", ObjectID: st.ID, Followers: true})
		must[*model.StatusView](t)(r.c.Unpin(ctx, r.alice, st.ID))
		r.expect(t, "unpin again")
	})
}

// TestDeliveryOfRepliesInLocalThreads: a public reply to a local
// account's post also reaches that account's remote followers (Mastodon's
// StatusReachFinder), even when the replier has none; a followers-only
// reply does not, and the delivery worker's inboxes include them.
func TestDeliveryOfRepliesInLocalThreads(t *testing.T) {
	forEachRig(t, func(t *testing.T, r *deliveryRig) {
		ctx := context.Background()
		root := r.post(t, core.NewStatus{Text: "a thread"})
		r.take(t)
		replier := r.localUser(t, "replier")
		reply, err := r.c.PostStatus(ctx, replier, core.NewStatus{Text: "an answer", InReplyToID: root.ID})
		if err != nil {
			t.Fatal(err)
		}
		want := core.Delivery{Kind: "Create", ActorID: replier.AccountID(), ObjectID: reply.ID, Followers: true,
			ThreadFollowersOf: r.alice.AccountID()}
		r.expect(t, "public reply", want)
		if r.remote {
			inboxes, err := r.c.DeliveryInboxes(ctx, want)
			if err != nil || !slices.Equal(inboxes, []string{r.fan.SharedInboxURL}) {
				t.Errorf("inboxes of the reply %v, %v; want the thread author's follower's", inboxes, err)
			}
		}

		if _, err := r.c.EditStatus(ctx, replier, reply.ID, core.StatusEditRequest{Text: "a better answer"}); err != nil {
			t.Fatal(err)
		}
		want.Kind = "Update"
		r.expect(t, "edited reply", want)

		if _, err := r.c.PostStatus(ctx, replier, core.NewStatus{Text: "an aside", InReplyToID: root.ID, Visibility: model.Private}); err != nil {
			t.Fatal(err)
		}
		r.expect(t, "followers-only reply")

		own := r.post(t, core.NewStatus{Text: "and me", InReplyToID: root.ID})
		r.expect(t, "self-reply", core.Delivery{Kind: "Create", ObjectID: own.ID, Followers: true})
	})
}
