package api_test

import (
	"testing"

	"github.com/mattn/go-mastodon"

	"herd/internal/testrig"
)

// TestStatusVisibilityMatrix checks who may read a status of each
// visibility, directly, in its thread and in the public timeline.
func TestStatusVisibilityMatrix(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		author, follower := inst.NewUser(t, "author"), inst.NewUser(t, "follower")
		stranger, mentioned := inst.NewUser(t, "stranger"), inst.NewUser(t, "mentioned")
		follow(t, inst, follower, author)
		root := post(t, inst, author, mastodon.Toot{Status: "root"})

		viewers := []struct {
			name  string
			token string
		}{{"author", author.Token}, {"follower", follower.Token}, {"stranger", stranger.Token},
			{"mentioned", mentioned.Token}, {"anonymous", ""}}
		for _, tc := range []struct {
			visibility string
			sees       map[string]bool
			public     bool // shown in the public timeline
		}{
			{"public", map[string]bool{"author": true, "follower": true, "stranger": true, "mentioned": true, "anonymous": true}, true},
			{"unlisted", map[string]bool{"author": true, "follower": true, "stranger": true, "mentioned": true, "anonymous": true}, false},
			{"private", map[string]bool{"author": true, "follower": true, "mentioned": true}, false},
			{"direct", map[string]bool{"author": true, "mentioned": true}, false},
		} {
			st := post(t, inst, author, mastodon.Toot{Status: "@mentioned " + tc.visibility, Visibility: tc.visibility,
				InReplyToID: root.ID})
			for _, v := range viewers {
				want := 404
				if tc.sees[v.name] {
					want = 200
				}
				if r := inst.Do(t, "GET", "/api/v1/statuses/"+string(st.ID), v.token, nil); r.Status != want {
					t.Errorf("%s status, %s: GET = %d, want %d", tc.visibility, v.name, r.Status, want)
				}
				var tc2 struct {
					Descendants []struct{ ID string } `json:"descendants"`
				}
				inst.Expect(t, 200, "GET", "/api/v1/statuses/"+string(root.ID)+"/context", v.token, nil).JSON(t, &tc2)
				inThread := false
				for _, d := range tc2.Descendants {
					inThread = inThread || d.ID == string(st.ID)
				}
				if inThread != tc.sees[v.name] {
					t.Errorf("%s status, %s: in context = %v", tc.visibility, v.name, inThread)
				}
				var pub []struct{ ID string }
				inst.Expect(t, 200, "GET", "/api/v1/timelines/public", v.token, nil).JSON(t, &pub)
				inPublic := false
				for _, p := range pub {
					inPublic = inPublic || p.ID == string(st.ID)
				}
				// Self-replies stay in the public timeline (Mastodon's without_replies).
				if inPublic != tc.public {
					t.Errorf("%s status, %s: in public timeline = %v", tc.visibility, v.name, inPublic)
				}
			}
			// Home timelines: the follower sees what followers may; the mentioned
			// gets private and direct posts; the stranger gets nothing.
			eventuallyHome(t, inst, follower, string(st.ID), tc.visibility != "direct")
			eventuallyHome(t, inst, mentioned, string(st.ID), tc.visibility == "private" || tc.visibility == "direct")
			eventuallyHome(t, inst, stranger, string(st.ID), false)
			eventuallyHome(t, inst, author, string(st.ID), true)
		}
		// A reply to a status the poster cannot see is a 404.
		hidden := post(t, inst, author, mastodon.Toot{Status: "secret", Visibility: "private"})
		inst.Expect(t, 404, "POST", "/api/v1/statuses", stranger.Token, map[string]any{"status": "hi", "in_reply_to_id": string(hidden.ID)})
	})
}
