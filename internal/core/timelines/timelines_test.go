package timelines_test

import (
	"context"
	"net/http"
	"testing"

	"herd/internal/core/timelines"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/testrig"
)

// TestTimelines: a post reaches an active follower's home feed through the
// fan-out job (the home feed was read before it, so no rebuild brings it),
// and shows in the public, hashtag and account timelines, in the hashtag's
// use of today and, once bookmarked, in the bookmarks.
func TestTimelines(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		ctx := context.Background()
		tl := inst.Core.Timelines
		bv := &model.Viewer{Account: bob.Account}
		inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/accounts/"+ids.Format(alice.Account.ID)+"/follow", bob.Token, nil)
		inst.WaitJobs(t)
		if _, err := tl.HomeTimeline(ctx, bv, model.Page{Limit: 20}); err != nil { // bob is active now
			t.Fatal(err)
		}
		var posted struct{ ID string }
		inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/statuses", alice.Token,
			map[string]any{"status": "hello #herdtest"}).JSON(t, &posted)
		inst.WaitJobs(t)
		id, _ := ids.Parse(posted.ID)
		has := func(what string, sp *timelines.StatusPage, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if len(sp.Statuses) != 1 || sp.Statuses[0].Status.ID != id || sp.NewestID != id {
				t.Fatalf("%s: %d statuses (newest %d), want only %d", what, len(sp.Statuses), sp.NewestID, id)
			}
		}
		sp, err := tl.HomeTimeline(ctx, bv, model.Page{Limit: 20})
		has("home", sp, err)
		sp, err = tl.PublicTimeline(ctx, bv, timelines.PublicFilter{Local: true}, model.Page{Limit: 20})
		has("public", sp, err)
		sp, err = tl.TagTimeline(ctx, nil, timelines.TagQuery{Tag: "HerdTest"}, timelines.PublicFilter{}, model.Page{Limit: 20})
		has("tag", sp, err)
		sp, err = tl.AccountStatuses(ctx, bv, alice.Account.ID, timelines.AccountStatusFilter{Tagged: "herdtest"}, model.Page{Limit: 20})
		has("account", sp, err)
		sp, err = tl.TagTimeline(ctx, nil, timelines.TagQuery{Tag: "herdtest", None: []string{"herdtest"}}, timelines.PublicFilter{}, model.Page{Limit: 20})
		if err != nil || len(sp.Statuses) != 0 {
			t.Fatalf("tag with none[] of itself: %v, %v", sp, err)
		}

		tag, err := tl.Tag(ctx, "#herdtest")
		if err != nil {
			t.Fatal(err)
		}
		if tag.Tag.ID == 0 || len(tag.History) != 7 || tag.History[0].Uses != 1 || tag.History[0].Accounts != 1 {
			t.Fatalf("tag %+v", tag)
		}
		if unused, err := tl.Tag(ctx, "nobodyuses"); err != nil || unused.Tag.ID != 0 || len(unused.History) != 7 {
			t.Fatalf("unused tag %+v, %v", unused, err)
		}

		inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/statuses/"+posted.ID+"/bookmark", bob.Token, nil)
		saved, err := tl.Bookmarks(ctx, bv, model.Page{Limit: 20})
		if err != nil || len(saved.Statuses) != 1 || saved.Statuses[0].Status.ID != id || !saved.Statuses[0].Bookmarked {
			t.Fatalf("bookmarks %+v, %v", saved, err)
		}
		if favs, err := tl.Favourites(ctx, bv, model.Page{Limit: 20}); err != nil || len(favs.Statuses) != 0 {
			t.Fatalf("favourites %+v, %v", favs, err)
		}
	})
}
