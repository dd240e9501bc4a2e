package browser

import (
	"net/http"
	"testing"

	"herd/internal/ids"
	"herd/internal/testrig"
)

// signedInTab opens a tab signed in as user, at /home.
func signedInTab(t *testing.T, inst *testrig.Instance, user *testrig.User, js bool) *Tab {
	t.Helper()
	b := openTab(t, inst, js)
	b.Visit("/home")
	b.signIn(user.Email, testrig.Password())
	b.WantPath("/home")
	return b
}

// actor returns the way a tab clicks an action button: in place when
// herd.js runs (a reload would mean its request failed), by loading the
// form's answer otherwise.
func actor(b *Tab, js bool) func(sel, until string) {
	if js {
		return b.ActInPlace
	}
	return b.Act
}

// TestStatusActions: under a post in home, boost, bookmark, favourite and
// unfavourite change the buttons and reach the server, and the author
// finds the favourite and the boost in their notifications. With
// JavaScript (in place) and without (forms).
func TestStatusActions(t *testing.T) {
	for _, js := range []bool{true, false} {
		t.Run(jsName(js), func(t *testing.T) {
			testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
				inst := testrig.Start(t, db)
				bob := inst.NewUser(t, "bob")
				dana := inst.NewUser(t, "dana")
				follow(t, inst, dana, bob)
				id := post(t, inst, bob, map[string]any{"status": "Sourdough out of the oven"})
				inHome(t, inst, dana, id)

				b := signedInTab(t, inst, dana, js)
				act := actor(b, js)
				s := statusSel(id)
				b.WantText(s, "Sourdough out of the oven")
				boost, bookmark, fav := s+` button[aria-label=Boost]`, s+` button[aria-label=Bookmark]`, s+` button[aria-label=Favourite]`
				act(boost, boost+`[aria-pressed=true]`)
				act(bookmark, bookmark+`[aria-pressed=true]`)
				act(fav, fav+`[aria-pressed=true]`)
				act(fav, fav+`[aria-pressed=false]`)
				act(fav, fav+`[aria-pressed=true]`)

				var got struct{ Favourited, Reblogged, Bookmarked bool }
				inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/statuses/"+id, dana.Token, nil).JSON(t, &got)
				if !got.Favourited || !got.Reblogged || !got.Bookmarked {
					t.Fatalf("after the clicks the server has %+v, want all three", got)
				}

				n := signedInTab(t, inst, bob, js)
				n.Poll("/notifications", `li.n-favourite`)
				n.WantText(`li.n-favourite`, "dana", "Sourdough out of the oven")
				n.WantText(`li.n-reblog`, "dana")
			})
		})
	}
}

// TestFollowRequest: following a locked account asks; the account
// accepts in its notifications; the follower then follows.
func TestFollowRequest(t *testing.T) {
	for _, js := range []bool{true, false} {
		t.Run(jsName(js), func(t *testing.T) {
			testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
				inst := testrig.Start(t, db)
				carol := inst.NewUser(t, "carol")
				dana := inst.NewUser(t, "dana")
				inst.Expect(t, http.StatusOK, http.MethodPatch, "/api/v1/accounts/update_credentials", carol.Token,
					map[string]any{"locked": true})

				d := signedInTab(t, inst, dana, js)
				d.Visit("/@carol")
				actor(d, js)(`form[action$="/follow"] button[type=submit]`, `form[action$="/unfollow"]`)
				d.WantText(`form[action$="/unfollow"] button`, "Cancel follow request")

				c := signedInTab(t, inst, carol, js)
				c.Visit("/notifications")
				accept := `form[action$="/authorize"] button`
				c.WantText(`.requests`, "dana")
				actor(c, js)(accept, `//main[not(.//form[contains(@action, "/authorize")])]`)

				var rel []struct{ Following, Requested bool }
				inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/accounts/relationships?id[]="+ids.Format(carol.Account.ID),
					dana.Token, nil).JSON(t, &rel)
				if len(rel) != 1 || !rel[0].Following || rel[0].Requested {
					t.Fatalf("after carol accepted, dana's relationship is %+v", rel)
				}
				d.Visit("/@carol")
				d.WantText(`form[action$="/unfollow"] button`, "Unfollow")
			})
		})
	}
}
