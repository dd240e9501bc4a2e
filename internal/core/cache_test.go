package core_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"herd/internal/core"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/testrig"
)

// cachedView is the part of a Status entity the cache tests look at.
type cachedView struct {
	ID              string `json:"id"`
	Content         string `json:"content"`
	FavouritesCount int64  `json:"favourites_count"`
	RepliesCount    int64  `json:"replies_count"`
	Account         struct {
		DisplayName    string `json:"display_name"`
		StatusesCount  int64  `json:"statuses_count"`
		FollowersCount int64  `json:"followers_count"`
	} `json:"account"`
}

// readByID reads a status through GET /api/v1/statuses?id[]=, the path
// served from the entity caches (no row query of its own); nil when it is
// gone or hidden.
func readByID(t *testing.T, inst *testrig.Instance, token string, id int64) *cachedView {
	t.Helper()
	r := inst.Expect(t, 200, "GET", "/api/v1/statuses?id[]="+ids.Format(id), token, nil)
	var list []cachedView
	if err := json.Unmarshal(r.Body, &list); err != nil {
		t.Fatalf("decode: %v: %s", err, r.Body)
	}
	if len(list) == 0 {
		return nil
	}
	return &list[0]
}

// TestCacheSameNode: a status and its author, once cached, reflect every
// kind of change at once on the node that made it.
func TestCacheSameNode(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		ctx := context.Background()
		alice, bob, carol := inst.NewUser(t, "alice"), inst.NewUser(t, "bob"), inst.NewUser(t, "carol")
		av, _ := inst.Core.Accounts.Authenticate(ctx, alice.Token)
		st, err := inst.Core.PostStatus(ctx, av, core.NewStatus{Text: "hello"})
		if err != nil {
			t.Fatal(err)
		}
		v := readByID(t, inst, bob.Token, st.ID) // warms the caches
		if v == nil || !strings.Contains(v.Content, "hello") || v.Account.StatusesCount != 1 {
			t.Fatalf("first read: %+v", v)
		}

		inst.Expect(t, 200, "PATCH", "/api/v1/accounts/update_credentials", alice.Token, map[string]any{"display_name": "Alice A"})
		if v = readByID(t, inst, bob.Token, st.ID); v.Account.DisplayName != "Alice A" {
			t.Errorf("after update_credentials display_name = %q", v.Account.DisplayName)
		}

		inst.Expect(t, 200, "POST", "/api/v1/statuses/"+ids.Format(st.ID)+"/favourite", carol.Token, nil)
		inst.Expect(t, 200, "POST", "/api/v1/accounts/"+ids.Format(alice.Account.ID)+"/follow", carol.Token, nil)
		inst.Expect(t, 200, "POST", "/api/v1/statuses", carol.Token, map[string]any{
			"status": "@alice hi", "in_reply_to_id": ids.Format(st.ID)})
		v = readByID(t, inst, bob.Token, st.ID)
		if v.FavouritesCount != 1 || v.RepliesCount != 1 || v.Account.FollowersCount != 1 {
			t.Errorf("counters after favourite, reply, follow: %+v", v)
		}
		if _, err := inst.Core.PostStatus(ctx, av, core.NewStatus{Text: "second"}); err != nil {
			t.Fatal(err)
		}
		if v = readByID(t, inst, bob.Token, st.ID); v.Account.StatusesCount != 2 {
			t.Errorf("statuses_count after a second post = %d", v.Account.StatusesCount)
		}

		inst.Expect(t, 200, "PUT", "/api/v1/statuses/"+ids.Format(st.ID), alice.Token, map[string]any{"status": "edited"})
		if v = readByID(t, inst, bob.Token, st.ID); !strings.Contains(v.Content, "edited") {
			t.Errorf("after edit content = %q", v.Content)
		}

		other, err := inst.Core.PostStatus(ctx, av, core.NewStatus{Text: "to delete"})
		if err != nil {
			t.Fatal(err)
		}
		if readByID(t, inst, bob.Token, other.ID) == nil {
			t.Fatal("new status not readable")
		}
		inst.Expect(t, 200, "DELETE", "/api/v1/statuses/"+ids.Format(other.ID), alice.Token, nil)
		if v := readByID(t, inst, bob.Token, other.ID); v != nil {
			t.Errorf("deleted status still served: %+v", v)
		}

		if err := inst.Core.Accounts.SuspendAccount(ctx, alice.Account.ID, true); err != nil {
			t.Fatal(err)
		}
		if v := readByID(t, inst, bob.Token, st.ID); v != nil {
			t.Errorf("suspended author's status still served: %+v", v)
		}
	})
}

// TestCacheOtherNode: a change made by another node (here a second core on
// the same database, as the admin CLI or a second server would be) reaches
// this node's caches through the events log.
func TestCacheOtherNode(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		ctx := context.Background()
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		other := core.New(core.Deps{Store: inst.Store, Config: inst.Core.Config})
		av, err := other.Accounts.Authenticate(ctx, alice.Token)
		if err != nil {
			t.Fatal(err)
		}
		st, err := other.PostStatus(ctx, av, core.NewStatus{Text: "hello"})
		if err != nil {
			t.Fatal(err)
		}
		gone, err := other.PostStatus(ctx, av, core.NewStatus{Text: "to delete"})
		if err != nil {
			t.Fatal(err)
		}
		if readByID(t, inst, bob.Token, st.ID) == nil || readByID(t, inst, bob.Token, gone.ID) == nil {
			t.Fatal("statuses not readable")
		}

		name := "Alice B"
		if _, err := other.UpdateCredentials(ctx, av, core.ProfileUpdate{DisplayName: &name}); err != nil {
			t.Fatal(err)
		}
		if _, err := other.EditStatus(ctx, av, st.ID, core.StatusEditRequest{Text: "edited elsewhere"}); err != nil {
			t.Fatal(err)
		}
		if _, err := other.DeleteStatus(ctx, av, gone.ID); err != nil {
			t.Fatal(err)
		}
		inst.WaitEvents(t)
		v := readByID(t, inst, bob.Token, st.ID)
		if v == nil || v.Account.DisplayName != name || !strings.Contains(v.Content, "edited elsewhere") {
			t.Fatalf("other node's changes not seen once its events were read: %+v", v)
		}
		if readByID(t, inst, bob.Token, gone.ID) != nil {
			t.Fatal("other node's deletion not seen once its events were read")
		}
	})
}

// TestPostedStatusPrimedAsStored: the entry a post puts in its node's
// cache (so the answer reads nothing back) matches what a node reading it
// from the database builds: mentions in the stored order, the app.
func TestPostedStatusPrimedAsStored(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		ctx := context.Background()
		alice := inst.NewUser(t, "alice")
		zed, bob := inst.NewUser(t, "zed"), inst.NewUser(t, "bob")
		av, err := inst.Core.Accounts.Authenticate(ctx, alice.Token)
		if err != nil {
			t.Fatal(err)
		}
		st, err := inst.Core.PostStatus(ctx, av, core.NewStatus{Text: "@zed @bob @zed hi"})
		if err != nil {
			t.Fatal(err)
		}
		primed, err := inst.Core.StatusView(ctx, alice.Account.ID, st)
		if err != nil {
			t.Fatal(err)
		}
		other := core.New(core.Deps{Store: inst.Store, Config: inst.Core.Config}) // empty caches: reads the database
		stored, err := other.StatusView(ctx, alice.Account.ID, st)
		if err != nil {
			t.Fatal(err)
		}
		mentionIDs := func(v *model.StatusView) (out []int64) {
			for _, m := range v.Mentions {
				out = append(out, m.ID)
			}
			return out
		}
		if got, want := mentionIDs(primed), mentionIDs(stored); len(want) != 2 || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("primed mentions %v, stored %v (zed %d, bob %d)", got, want, zed.Account.ID, bob.Account.ID)
		}
		if primed.App == nil || stored.App == nil || primed.App.Name != stored.App.Name {
			t.Errorf("primed app %+v, stored app %+v", primed.App, stored.App)
		}
		if primed.JSON == nil {
			t.Error("the posted status was not served from the cache")
		}
	})
}
