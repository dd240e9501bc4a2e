package browser

import (
	"net/http"
	"testing"

	"herd/internal/ids"
	"herd/internal/testrig"
)

// post publishes a status through the API and returns its id.
func post(t testing.TB, inst *testrig.Instance, user *testrig.User, fields map[string]any) string {
	t.Helper()
	var s struct{ ID string }
	inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/statuses", user.Token, fields).JSON(t, &s)
	return s.ID
}

// inHome waits until status id is in user's home timeline: posts reach
// followers' home feeds through a background job, a moment after they
// are published.
func inHome(t testing.TB, inst *testrig.Instance, user *testrig.User, id string) {
	t.Helper()
	testrig.Eventually(t, "status "+id+" in "+user.Account.Username+"'s home", func() bool {
		var home []struct{ ID string }
		inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/timelines/home?limit=40", user.Token, nil).JSON(t, &home)
		for _, s := range home {
			if s.ID == id {
				return true
			}
		}
		return false
	})
}

// follow makes user follow target through the API.
func follow(t testing.TB, inst *testrig.Instance, user, target *testrig.User) {
	t.Helper()
	inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/accounts/"+ids.Format(target.Account.ID)+"/follow", user.Token, nil)
}

// statusSel is the article of status id.
func statusSel(id string) string { return "#s-" + id }

// withText is an XPath for a status article whose text contains text
// (text must not hold a double quote).
func withText(text string) string {
	return `//article[contains(concat(" ", @class, " "), " status ")][contains(., "` + text + `")]`
}

// TestPageScreenshots saves screenshots of the main pages, as a visitor
// and signed in, at phone and desktop widths in light and dark (see
// Screenshots for what each also checks). SQLite only: the pictures do
// not depend on the database, and the flows test both.
func TestPageScreenshots(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite)
	alice := inst.NewUser(t, "alice")
	bob := inst.NewUser(t, "bob")
	follow(t, inst, bob, alice)
	post(t, inst, alice, map[string]any{"status": "Good morning, #herd! Fresh bread at https://bakery.example/today 🍞"})
	post(t, inst, alice, map[string]any{"status": "The ending was a surprise.", "spoiler_text": "Film spoilers"})
	first := post(t, inst, bob, map[string]any{"status": "@alice how was the film?"})
	reply := post(t, inst, alice, map[string]any{"status": "@bob worth seeing twice", "in_reply_to_id": first})
	follow(t, inst, alice, bob)
	inHome(t, inst, bob, reply)
	inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/statuses/"+first+"/favourite", alice.Token, nil)

	visitor := newTab(t, inst)
	visitor.Screenshots("landing", "/")
	visitor.Screenshots("about", "/about")
	visitor.Screenshots("sign-in", "/auth/sign_in")
	visitor.Screenshots("sign-up", "/auth/sign_up")
	visitor.Screenshots("profile", "/@alice")
	visitor.Screenshots("status", "/@alice/"+reply)
	visitor.Screenshots("tag", "/tags/herd")

	b := newTab(t, inst)
	b.Visit("/auth/sign_in")
	b.signIn(bob.Email, testrig.Password())
	b.Screenshots("home", "/home")
	b.Screenshots("local", "/public/local")
	b.Screenshots("profile-signed-in", "/@alice")
	b.Screenshots("status-signed-in", "/@bob/"+first)
	b.Screenshots("compose-edit", "/statuses/"+first+"/edit")
	b.Screenshots("notifications", "/notifications")
	b.Screenshots("settings-profile", "/settings/profile")
	b.Screenshots("settings-preferences", "/settings/preferences")
	b.Screenshots("settings-account", "/settings/account")
}
