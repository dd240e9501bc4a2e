package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mattn/go-mastodon"

	"herd/internal/apischema"
	"herd/internal/model"
	"herd/internal/testrig"
)

func TestBookmarksAndFavouritesPageBySavedRow(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob, carol := inst.NewUser(t, "alice"), inst.NewUser(t, "bob"), inst.NewUser(t, "carol")
		a := alice.Account.ID
		s1 := seedStatus(t, inst, bob.Account.ID, "one", model.Public)
		s2 := seedStatus(t, inst, bob.Account.ID, "two", model.Public)
		s3 := seedStatus(t, inst, bob.Account.ID, "three", model.Public)
		hidden := seedStatus(t, inst, carol.Account.ID, "followers only", model.Private)

		for _, tc := range []struct {
			path string
			save func(*model.Status) int64
			get  func(context.Context, *mastodon.Pagination) ([]*mastodon.Status, error)
		}{
			{"/api/v1/bookmarks", func(st *model.Status) int64 { return seedBookmark(t, inst, a, st) }, inst.Client(alice.Token).GetBookmarks},
			{"/api/v1/favourites", func(st *model.Status) int64 { return seedFavourite(t, inst, a, st) }, inst.Client(alice.Token).GetFavourites},
		} {
			// Saved in another order than posted: the list follows the saving.
			saved3 := tc.save(s3)
			tc.save(hidden)
			saved1 := tc.save(s1)
			tc.save(s2)
			r := inst.Expect(t, 200, "GET", tc.path, alice.Token, nil)
			apischema.MustMatchArray(t, "Status", r.Body)
			if got := statusIDsOf(t, r.Body); got != joinIDs(s2.ID, s1.ID, s3.ID) {
				t.Fatalf("%s = %s, want %s (a status the viewer cannot see is left out)", tc.path, got, joinIDs(s2.ID, s1.ID, s3.ID))
			}
			r = inst.Expect(t, 200, "GET", tc.path+"?limit=2", alice.Token, nil)
			next := linkRel(t, r.Header.Get("Link"), "next", inst.URL)
			if next != tc.path+"?limit=2&max_id="+itoa(saved1) {
				t.Fatalf("%s next = %q, want the saved row's id %d", tc.path, next, saved1)
			}
			// The page below s1's row holds the hidden status's row (left out) and s3.
			r = inst.Expect(t, 200, "GET", next, alice.Token, nil)
			if got := statusIDsOf(t, r.Body); got != itoa(s3.ID) {
				t.Errorf("%s page 2 = %s", tc.path, got)
			}
			if next := linkRel(t, r.Header.Get("Link"), "next", inst.URL); !strings.HasSuffix(next, "max_id="+itoa(saved3)) {
				t.Errorf("%s page 2 next = %q", tc.path, next)
			}
			pg := &mastodon.Pagination{Limit: 1}
			list, err := tc.get(context.Background(), pg)
			if err != nil || len(list) != 1 || string(list[0].ID) != itoa(s2.ID) {
				t.Errorf("%s via client = %v, %v", tc.path, list, err)
			}
			inst.Expect(t, 401, "GET", tc.path, "", nil)
		}
		inst.Expect(t, 403, "GET", "/api/v1/bookmarks", inst.Token(t, a, "read:favourites"), nil)
		inst.Expect(t, 200, "GET", "/api/v1/favourites", inst.Token(t, a, "read:favourites"), nil)
	})
}
