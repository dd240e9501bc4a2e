package search_test

import (
	"context"
	"net/http"
	"testing"

	"herd/internal/core/search"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/testrig"
)

// TestSearch: a signed-in viewer finds a post by its words and its
// author's, the hashtag it carries, the author by name, and the post and
// the author by their local URLs; an anonymous viewer finds no statuses.
func TestSearch(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		ctx := context.Background()
		s := inst.Core.Search
		bv := &model.Viewer{Account: bob.Account}
		var posted struct{ ID, URL string }
		inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/statuses", alice.Token,
			map[string]any{"status": "searching for #herdsearch"}).JSON(t, &posted)
		inst.WaitJobs(t)
		id, _ := ids.Parse(posted.ID)

		res, err := s.Search(ctx, bv, search.Query{Q: "searching from:alice", Type: search.TypeStatuses, Limit: 5})
		if err != nil || len(res.Statuses) != 1 || res.Statuses[0].Status.ID != id {
			t.Fatalf("statuses: %+v, %v", res, err)
		}
		if res, err = s.Search(ctx, &model.Viewer{}, search.Query{Q: "searching", Limit: 5}); err != nil || len(res.Statuses) != 0 {
			t.Fatalf("anonymous statuses: %+v, %v", res, err)
		}
		if res, err = s.Search(ctx, bv, search.Query{Q: "#herdse", Limit: 5}); err != nil || len(res.Hashtags) != 1 ||
			res.Hashtags[0].Tag.Name != "herdsearch" || len(res.Accounts) != 0 {
			t.Fatalf("hashtags: %+v, %v", res, err)
		}
		if res, err = s.Search(ctx, bv, search.Query{Q: "alice", Type: search.TypeAccounts, Limit: 5}); err != nil || len(res.Accounts) != 1 ||
			res.Accounts[0].ID != alice.Account.ID {
			t.Fatalf("accounts: %+v, %v", res, err)
		}
		if res, err = s.Search(ctx, bv, search.Query{Q: posted.URL, Resolve: true, Limit: 5}); err != nil || len(res.Statuses) != 1 ||
			res.Statuses[0].Status.ID != id {
			t.Fatalf("status URL %s: %+v, %v", posted.URL, res, err)
		}
		if res, err = s.Search(ctx, bv, search.Query{Q: inst.URL + "/@alice", Resolve: true, Limit: 5}); err != nil ||
			len(res.Accounts) != 1 || res.Accounts[0].ID != alice.Account.ID {
			t.Fatalf("account URL: %+v, %v", res, err)
		}
	})
}
