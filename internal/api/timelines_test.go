package api_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-mastodon"

	"herd/internal/apischema"
	"herd/internal/testrig"
)

func TestHomeTimelineFanout(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob, carol := inst.NewUser(t, "alice"), inst.NewUser(t, "bob"), inst.NewUser(t, "carol")
		homeIDs(t, inst, alice) // alice becomes active, so fan-out writes her feed
		follow(t, inst, alice, bob)
		follow(t, inst, bob, carol)

		own := post(t, inst, alice, mastodon.Toot{Status: "mine"})
		if ids := homeIDs(t, inst, alice); len(ids) == 0 || ids[0] != string(own.ID) {
			t.Fatalf("own post not at once in home: %v", ids)
		}
		fromBob := post(t, inst, bob, mastodon.Toot{Status: "from bob"})
		eventuallyHome(t, inst, alice, string(fromBob.ID), true)
		fromCarol := post(t, inst, carol, mastodon.Toot{Status: "from carol, not followed"})
		eventuallyHome(t, inst, alice, string(fromCarol.ID), false)

		// bob boosts carol: alice (following bob) gets the boost.
		boost, err := inst.Client(bob.Token).Reblog(context.Background(), fromCarol.ID)
		if err != nil || boost.Reblog == nil || boost.Reblog.ID != fromCarol.ID {
			t.Fatalf("reblog = %+v, %v", boost, err)
		}
		eventuallyHome(t, inst, alice, string(boost.ID), true)

		r := inst.Expect(t, 200, "GET", "/api/v1/timelines/home", alice.Token, nil)
		apischema.MustMatchArray(t, "Status", r.Body)

		// Muting carol hides the boost of her post; muting bob hides bob.
		inst.Expect(t, 200, "POST", "/api/v1/accounts/"+itoa(carol.Account.ID)+"/mute", alice.Token, url.Values{})
		if ids := homeIDs(t, inst, alice); contains(ids, string(boost.ID)) {
			t.Errorf("boost of a muted account's post still in home: %v", ids)
		}
		inst.Expect(t, 200, "POST", "/api/v1/accounts/"+itoa(bob.Account.ID)+"/mute", alice.Token, url.Values{})
		if ids := homeIDs(t, inst, alice); contains(ids, string(fromBob.ID)) {
			t.Errorf("muted account's post still in home: %v", ids)
		}
		inst.Expect(t, 200, "POST", "/api/v1/accounts/"+itoa(bob.Account.ID)+"/unmute", alice.Token, url.Values{})
		inst.Expect(t, 200, "POST", "/api/v1/accounts/"+itoa(carol.Account.ID)+"/unmute", alice.Token, url.Values{})
		eventuallyHome(t, inst, alice, string(fromBob.ID), true)

		// Posts of a muted (or blocked) author are not fanned out at all.
		inst.Expect(t, 200, "POST", "/api/v1/accounts/"+itoa(bob.Account.ID)+"/mute", alice.Token, url.Values{})
		whileMuted := post(t, inst, bob, mastodon.Toot{Status: "while muted"})
		eventuallyHome(t, inst, alice, string(whileMuted.ID), false)
		inst.Expect(t, 200, "POST", "/api/v1/accounts/"+itoa(bob.Account.ID)+"/unmute", alice.Token, url.Values{})

		// bob blocks alice: the block undoes the follow and hides bob's posts.
		inst.Expect(t, 200, "POST", "/api/v1/accounts/"+itoa(alice.Account.ID)+"/block", bob.Token, url.Values{})
		if ids := homeIDs(t, inst, alice); contains(ids, string(fromBob.ID)) {
			t.Errorf("blocking author's post still in home: %v", ids)
		}

		// Deleting a status removes it from feeds.
		follow(t, inst, alice, carol)
		gone := post(t, inst, carol, mastodon.Toot{Status: "soon gone"})
		eventuallyHome(t, inst, alice, string(gone.ID), true)
		inst.Expect(t, 200, "DELETE", "/api/v1/statuses/"+string(gone.ID), carol.Token, nil)
		if ids := homeIDs(t, inst, alice); contains(ids, string(gone.ID)) {
			t.Errorf("deleted status still in home: %v", ids)
		}
	})
}

func TestHomeTimelineRebuiltForInactiveUser(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		follow(t, inst, alice, bob)
		// alice has been away for a month: fan-out skips her...
		if _, err := inst.Store.DB.Write.Exec("UPDATE users SET last_active_at = $1 WHERE account_id = $2",
			time.Now().Add(-30*24*time.Hour).UnixMilli(), alice.Account.ID); err != nil {
			t.Fatal(err)
		}
		st := post(t, inst, bob, mastodon.Toot{Status: "while alice was away"})
		fanoutDone(t, inst)
		var n int
		if err := inst.Store.DB.Read.QueryRow("SELECT COUNT(*) FROM home_feed WHERE account_id = $1 AND status_id = $2",
			alice.Account.ID, mustID(t, string(st.ID))).Scan(&n); err != nil || n != 0 {
			t.Fatalf("inactive user's feed written: %d, %v", n, err)
		}
		// ...and her first read rebuilds it.
		if ids := homeIDs(t, inst, alice); !contains(ids, string(st.ID)) {
			t.Errorf("home after coming back = %v", ids)
		}
	})
}

func TestTimelinePagination(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		var posted []string // oldest first
		for i := 0; i < 5; i++ {
			posted = append(posted, string(post(t, inst, alice, mastodon.Toot{Status: "n #paging"}).ID))
		}
		for _, path := range []string{"/api/v1/timelines/home", "/api/v1/timelines/public", "/api/v1/timelines/tag/paging"} {
			var page []struct{ ID string }
			r := inst.Expect(t, 200, "GET", path+"?limit=2", alice.Token, nil)
			r.JSON(t, &page)
			if len(page) != 2 || page[0].ID != posted[4] || page[1].ID != posted[3] {
				t.Fatalf("%s first page = %s", path, r.Body)
			}
			link := r.Header.Get("Link")
			if !strings.Contains(link, "max_id="+posted[3]) || !strings.Contains(link, "min_id="+posted[4]) {
				t.Errorf("%s Link = %s", path, link)
			}
			inst.Expect(t, 200, "GET", path+"?limit=2&max_id="+posted[3], alice.Token, nil).JSON(t, &page)
			if len(page) != 2 || page[0].ID != posted[2] || page[1].ID != posted[1] {
				t.Errorf("%s max_id page = %+v", path, page)
			}
			inst.Expect(t, 200, "GET", path+"?limit=2&min_id="+posted[0], alice.Token, nil).JSON(t, &page)
			if len(page) != 2 || page[0].ID != posted[2] || page[1].ID != posted[1] {
				t.Errorf("%s min_id page = %+v", path, page)
			}
			inst.Expect(t, 200, "GET", path+"?limit=2&since_id="+posted[0], alice.Token, nil).JSON(t, &page)
			if len(page) != 2 || page[0].ID != posted[4] {
				t.Errorf("%s since_id page = %+v", path, page)
			}
			r = inst.Expect(t, 200, "GET", path+"?max_id="+posted[0], alice.Token, nil)
			if string(r.Body) != "[]\n" || r.Header.Get("Link") != "" {
				t.Errorf("%s past the end = %s, Link %q", path, r.Body, r.Header.Get("Link"))
			}
		}
	})
}

func TestPublicAndHashtagTimelines(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		ctx := context.Background()
		cats := post(t, inst, alice, mastodon.Toot{Status: "#cats only"})
		both := post(t, inst, alice, mastodon.Toot{Status: "#cats and #dogs"})
		dogs := post(t, inst, bob, mastodon.Toot{Status: "#Dogs only"})
		unlisted := post(t, inst, alice, mastodon.Toot{Status: "#cats unlisted", Visibility: "unlisted"})
		reply := post(t, inst, bob, mastodon.Toot{Status: "reply to alice", InReplyToID: cats.ID})

		pub, err := inst.Client("").GetTimelinePublic(ctx, false, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids := statusIDs(pub)
		if !contains(ids, string(cats.ID)) || contains(ids, string(unlisted.ID)) || contains(ids, string(reply.ID)) {
			t.Errorf("public = %v", ids)
		}
		local, _ := inst.Client(bob.Token).GetTimelinePublic(ctx, true, nil)
		if len(local) != len(pub) {
			t.Errorf("local = %d statuses, public %d", len(local), len(pub))
		}
		var remote []any
		inst.Expect(t, 200, "GET", "/api/v1/timelines/public?remote=true", "", nil).JSON(t, &remote)
		if len(remote) != 0 {
			t.Errorf("remote = %v", remote)
		}
		var media []any
		inst.Expect(t, 200, "GET", "/api/v1/timelines/public?only_media=true", "", nil).JSON(t, &media)
		if len(media) != 0 {
			t.Errorf("only_media = %v", media)
		}

		tagged, err := inst.Client(bob.Token).GetTimelineHashtag(ctx, "CATS", false, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := statusIDs(tagged); len(got) != 2 || got[0] != string(both.ID) || got[1] != string(cats.ID) {
			t.Errorf("#cats = %v", got)
		}
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"cats?any[]=dogs", []string{string(dogs.ID), string(both.ID), string(cats.ID)}},
			{"cats?all[]=dogs", []string{string(both.ID)}},
			{"cats?none[]=dogs", []string{string(cats.ID)}},
			{"nothing", nil},
			{"cats?all[]=unused", nil},
		} {
			var got []struct{ ID string }
			r := inst.Expect(t, 200, "GET", "/api/v1/timelines/tag/"+tc.query, "", nil)
			apischema.MustMatchArray(t, "Status", r.Body)
			r.JSON(t, &got)
			if len(got) != len(tc.want) {
				t.Errorf("%s = %s", tc.query, r.Body)
				continue
			}
			for i := range got {
				if got[i].ID != tc.want[i] {
					t.Errorf("%s = %s", tc.query, r.Body)
				}
			}
		}
		// Blocking hides an author from a viewer's public timelines.
		inst.Expect(t, 200, "POST", "/api/v1/accounts/"+itoa(bob.Account.ID)+"/block", alice.Token, url.Values{})
		var got []struct{ ID string }
		inst.Expect(t, 200, "GET", "/api/v1/timelines/tag/dogs", alice.Token, nil).JSON(t, &got)
		if len(got) != 1 || got[0].ID != string(both.ID) {
			t.Errorf("#dogs for a blocker = %+v", got)
		}
	})
}

func TestHomeTimelineRepliesAndStatusNotifications(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob, carol := inst.NewUser(t, "alice"), inst.NewUser(t, "bob"), inst.NewUser(t, "carol")
		homeIDs(t, inst, alice)
		inst.Expect(t, 200, "POST", "/api/v1/accounts/"+itoa(bob.Account.ID)+"/follow", alice.Token,
			map[string]any{"notify": true})
		carolPost := post(t, inst, carol, mastodon.Toot{Status: "carol speaks"})
		alicePost := post(t, inst, alice, mastodon.Toot{Status: "alice speaks"})
		toCarol := post(t, inst, bob, mastodon.Toot{Status: "@carol a reply alice need not see", InReplyToID: carolPost.ID})
		toAlice := post(t, inst, bob, mastodon.Toot{Status: "@alice a reply to alice", InReplyToID: alicePost.ID})
		eventuallyHome(t, inst, alice, string(toAlice.ID), true)
		eventuallyHome(t, inst, alice, string(toCarol.ID), false)

		// notify=true: a `status` notification for bob's posts (not replies to others).
		plain := post(t, inst, bob, mastodon.Toot{Status: "news"})
		notes, err := inst.Client(alice.Token).GetNotifications(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		var types []string
		for _, n := range notes {
			types = append(types, n.Type+":"+string(n.Status.ID))
		}
		want := []string{"status:" + string(plain.ID), "mention:" + string(toAlice.ID)}
		if strings.Join(types, ",") != strings.Join(want, ",") {
			t.Errorf("notifications = %v, want %v", types, want)
		}
	})
}
