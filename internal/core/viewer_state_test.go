package core_test

import (
	"context"
	"encoding/json"
	"testing"

	"herd/internal/core"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/testrig"
)

// viewerFlags is what the viewer-state tests read of a Status entity.
type viewerFlags struct {
	Favourited, Reblogged, Bookmarked, Muted bool
}

// flagsOf reads bob's flags on a status through GET /api/v1/statuses?id[]=,
// which renders from the cached viewer state; ok is false when the status
// is hidden from the viewer.
func flagsOf(t *testing.T, inst *testrig.Instance, token string, id int64) (f viewerFlags, ok bool) {
	t.Helper()
	r := inst.Expect(t, 200, "GET", "/api/v1/statuses?id[]="+ids.Format(id), token, nil)
	var list []viewerFlags
	if err := json.Unmarshal(r.Body, &list); err != nil {
		t.Fatalf("decode: %v: %s", err, r.Body)
	}
	if len(list) == 0 {
		return f, false
	}
	return list[0], true
}

// TestViewerStateSameNode: once a viewer's state is cached, each of its own
// actions shows on the next read from the same node.
func TestViewerStateSameNode(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		ctx := context.Background()
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		av, _ := inst.Core.Accounts.Authenticate(ctx, alice.Token)
		st, err := inst.Core.PostStatus(ctx, av, core.NewStatus{Text: "hello"})
		if err != nil {
			t.Fatal(err)
		}
		private, err := inst.Core.PostStatus(ctx, av, core.NewStatus{Text: "followers only", Visibility: model.Private})
		if err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/statuses/" + ids.Format(st.ID)
		if f, _ := flagsOf(t, inst, bob.Token, st.ID); f != (viewerFlags{}) { // caches bob's state
			t.Fatalf("fresh flags %+v", f)
		}
		for _, step := range []struct {
			action string
			want   viewerFlags
		}{
			{"/favourite", viewerFlags{Favourited: true}},
			{"/bookmark", viewerFlags{Favourited: true, Bookmarked: true}},
			{"/reblog", viewerFlags{Favourited: true, Bookmarked: true, Reblogged: true}},
			{"/mute", viewerFlags{Favourited: true, Bookmarked: true, Reblogged: true, Muted: true}},
			{"/unfavourite", viewerFlags{Bookmarked: true, Reblogged: true, Muted: true}},
			{"/unreblog", viewerFlags{Bookmarked: true, Muted: true}},
			{"/unbookmark", viewerFlags{Muted: true}},
			{"/unmute", viewerFlags{}},
		} {
			inst.Expect(t, 200, "POST", path+step.action, bob.Token, nil)
			if f, _ := flagsOf(t, inst, bob.Token, st.ID); f != step.want {
				t.Errorf("after %s: flags %+v, want %+v", step.action, f, step.want)
			}
		}

		if _, ok := flagsOf(t, inst, bob.Token, private.ID); ok {
			t.Fatal("a followers-only status is visible to a non-follower")
		}
		inst.Expect(t, 200, "POST", "/api/v1/accounts/"+ids.Format(alice.Account.ID)+"/follow", bob.Token, nil)
		if _, ok := flagsOf(t, inst, bob.Token, private.ID); !ok {
			t.Error("after following, the followers-only status is still hidden")
		}
		// Alice blocks bob: bob's cached state (blocked by alice) must change too.
		inst.Expect(t, 200, "POST", "/api/v1/accounts/"+ids.Format(bob.Account.ID)+"/block", alice.Token, nil)
		if _, ok := flagsOf(t, inst, bob.Token, st.ID); ok {
			t.Error("after alice blocked bob, bob still sees her status")
		}
	})
}

// TestViewerStateOtherNode: a viewer's action on another node (a second
// core on the same database) reaches this node's cached state through the
// events log.
func TestViewerStateOtherNode(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		ctx := context.Background()
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		other := core.New(core.Deps{Store: inst.Store, Config: inst.Core.Config}) // takes over the store's commit hook
		av, _ := other.Accounts.Authenticate(ctx, alice.Token)
		bv, _ := other.Accounts.Authenticate(ctx, bob.Token)
		st, err := other.PostStatus(ctx, av, core.NewStatus{Text: "hello"})
		if err != nil {
			t.Fatal(err)
		}
		if f, ok := flagsOf(t, inst, bob.Token, st.ID); !ok || f.Favourited {
			t.Fatalf("first read: %+v, visible %v", f, ok)
		}
		if _, err := other.Favourite(ctx, bv, st.ID); err != nil {
			t.Fatal(err)
		}
		inst.WaitEvents(t)
		if f, _ := flagsOf(t, inst, bob.Token, st.ID); !f.Favourited {
			t.Fatal("a favourite made on another node not shown once its events were read")
		}
	})
}
