package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/mattn/go-mastodon"

	"herd/internal/apischema"
	"herd/internal/testrig"
)

func TestFavouriteReblogBookmark(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		ctx := context.Background()
		bc := inst.Client(bob.Token)
		st := post(t, inst, alice, mastodon.Toot{Status: "like me"})

		fav, err := bc.Favourite(ctx, st.ID)
		if err != nil || !fav.Favourited.(bool) || fav.FavouritesCount != 1 {
			t.Fatalf("favourite = %+v, %v", fav, err)
		}
		if fav, _ = bc.Favourite(ctx, st.ID); fav.FavouritesCount != 1 {
			t.Errorf("favouriting twice counted twice: %d", fav.FavouritesCount)
		}
		accts, err := inst.Client("").GetFavouritedBy(ctx, st.ID, nil)
		if err != nil || len(accts) != 1 || accts[0].Username != "bob" {
			t.Errorf("favourited_by = %+v, %v", accts, err)
		}
		r := inst.Expect(t, 200, "GET", "/api/v1/statuses/"+string(st.ID)+"/favourited_by", "", nil)
		apischema.MustMatchArray(t, "Account", r.Body)
		if !strings.Contains(r.Header.Get("Link"), "max_id=") {
			t.Errorf("favourited_by Link = %q", r.Header.Get("Link"))
		}
		notes, _ := inst.Client(alice.Token).GetNotifications(ctx, nil)
		if len(notes) != 1 || notes[0].Type != "favourite" {
			t.Errorf("notifications = %+v", notes)
		}
		if fav, _ = bc.Unfavourite(ctx, st.ID); fav.Favourited.(bool) || fav.FavouritesCount != 0 {
			t.Errorf("unfavourite = %+v", fav)
		}
		if notes, _ = inst.Client(alice.Token).GetNotifications(ctx, nil); len(notes) != 0 {
			t.Errorf("unfavourite left its notification: %+v", notes)
		}

		boost, err := bc.Reblog(ctx, st.ID)
		if err != nil || boost.Reblog == nil || !boost.Reblog.Reblogged.(bool) || boost.Reblog.ReblogsCount != 1 {
			t.Fatalf("reblog = %+v, %v", boost, err)
		}
		again, _ := bc.Reblog(ctx, st.ID)
		if again.ID != boost.ID {
			t.Errorf("boosting twice made a second boost %s (first %s)", again.ID, boost.ID)
		}
		r = inst.Expect(t, 200, "GET", "/api/v1/statuses/"+string(boost.ID), bob.Token, nil)
		apischema.MustMatch(t, "Status", r.Body)
		by, _ := inst.Client("").GetRebloggedBy(ctx, st.ID, nil)
		if len(by) != 1 || by[0].Username != "bob" {
			t.Errorf("reblogged_by = %+v", by)
		}
		orig, err := bc.Unreblog(ctx, st.ID)
		if err != nil || orig.ID != st.ID || orig.Reblogged.(bool) || orig.ReblogsCount != 0 {
			t.Errorf("unreblog = %+v, %v", orig, err)
		}
		inst.Expect(t, 404, "GET", "/api/v1/statuses/"+string(boost.ID), bob.Token, nil)

		// Boost visibility, and what cannot be boosted.
		var unl map[string]any
		inst.Expect(t, 200, "POST", "/api/v1/statuses/"+string(st.ID)+"/reblog", bob.Token,
			url.Values{"visibility": {"unlisted"}}).JSON(t, &unl)
		if unl["visibility"] != "unlisted" {
			t.Errorf("boost visibility = %v", unl["visibility"])
		}
		follow(t, inst, bob, alice)
		private := post(t, inst, alice, mastodon.Toot{Status: "followers only", Visibility: "private"})
		inst.Expect(t, 403, "POST", "/api/v1/statuses/"+string(private.ID)+"/reblog", bob.Token, nil)
		own, _ := inst.Client(alice.Token).Reblog(ctx, private.ID)
		if own == nil || own.Visibility != "private" {
			t.Errorf("own private boost = %+v", own)
		}
		direct := post(t, inst, alice, mastodon.Toot{Status: "@bob psst", Visibility: "direct"})
		inst.Expect(t, 403, "POST", "/api/v1/statuses/"+string(direct.ID)+"/reblog", bob.Token, nil)

		bm, err := bc.Bookmark(ctx, st.ID)
		if err != nil || bm.Bookmarked != true {
			t.Errorf("bookmark = %+v, %v", bm, err)
		}
		if list, _ := bc.GetBookmarks(ctx, nil); len(list) != 1 || list[0].ID != st.ID {
			t.Errorf("bookmarks = %v", statusIDs(list))
		}
		if bm, _ = bc.Unbookmark(ctx, st.ID); bm.Bookmarked != false {
			t.Errorf("unbookmark = %+v", bm)
		}
		// Interactions need the status to be visible.
		stranger := inst.NewUser(t, "stranger")
		for _, action := range []string{"favourite", "reblog", "bookmark", "pin", "mute"} {
			inst.Expect(t, 404, "POST", "/api/v1/statuses/"+string(private.ID)+"/"+action, stranger.Token, nil)
		}
		inst.Expect(t, 404, "GET", "/api/v1/statuses/"+string(private.ID)+"/favourited_by", stranger.Token, nil)
	})
}

func TestPinAndMuteConversation(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		var pinned map[string]any
		first := post(t, inst, alice, mastodon.Toot{Status: "pin me"})
		inst.Expect(t, 200, "POST", "/api/v1/statuses/"+string(first.ID)+"/pin", alice.Token, nil).JSON(t, &pinned)
		if pinned["pinned"] != true {
			t.Errorf("pin = %v", pinned["pinned"])
		}
		for i := 0; i < 4; i++ {
			st := post(t, inst, alice, mastodon.Toot{Status: fmt.Sprint("pin ", i), Visibility: "private"})
			inst.Expect(t, 200, "POST", "/api/v1/statuses/"+string(st.ID)+"/pin", alice.Token, nil)
		}
		sixth := post(t, inst, alice, mastodon.Toot{Status: "one too many"})
		r := inst.Expect(t, 422, "POST", "/api/v1/statuses/"+string(sixth.ID)+"/pin", alice.Token, nil)
		if !strings.Contains(string(r.Body), "maximum number") {
			t.Errorf("sixth pin = %s", r.Body)
		}
		inst.Expect(t, 200, "POST", "/api/v1/statuses/"+string(first.ID)+"/pin", alice.Token, nil) // already pinned
		inst.Expect(t, 422, "POST", "/api/v1/statuses/"+string(sixth.ID)+"/pin", bob.Token, nil)   // not bob's
		direct := post(t, inst, alice, mastodon.Toot{Status: "direct", Visibility: "direct"})
		inst.Expect(t, 422, "POST", "/api/v1/statuses/"+string(direct.ID)+"/pin", alice.Token, nil)
		inst.Expect(t, 200, "POST", "/api/v1/statuses/"+string(first.ID)+"/unpin", alice.Token, nil).JSON(t, &pinned)
		if pinned["pinned"] != false {
			t.Errorf("unpin = %v", pinned["pinned"])
		}

		// A muted thread stops mention notifications.
		var muted map[string]any
		inst.Expect(t, 200, "POST", "/api/v1/statuses/"+string(first.ID)+"/mute", alice.Token, nil).JSON(t, &muted)
		if muted["muted"] != true {
			t.Errorf("mute = %v", muted["muted"])
		}
		post(t, inst, bob, mastodon.Toot{Status: "@alice in a muted thread", InReplyToID: first.ID})
		if notes, _ := inst.Client(alice.Token).GetNotifications(context.Background(), nil); len(notes) != 0 {
			t.Errorf("muted thread notified: %+v", notes)
		}
		inst.Expect(t, 200, "POST", "/api/v1/statuses/"+string(first.ID)+"/unmute", alice.Token, nil).JSON(t, &muted)
		post(t, inst, bob, mastodon.Toot{Status: "@alice after unmute", InReplyToID: first.ID})
		if notes, _ := inst.Client(alice.Token).GetNotifications(context.Background(), nil); len(notes) != 1 || notes[0].Type != "mention" {
			t.Errorf("notifications after unmute = %+v", notes)
		}
	})
}

func TestEditHistoryAndSource(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		ctx := context.Background()
		st := post(t, inst, alice, mastodon.Toot{Status: "first #one"})
		if _, err := inst.Client(bob.Token).Reblog(ctx, st.ID); err != nil {
			t.Fatal(err)
		}
		r := inst.Expect(t, 200, "GET", "/api/v1/statuses/"+string(st.ID)+"/history", "", nil)
		apischema.MustMatchArray(t, "StatusEdit", r.Body)
		var hist []map[string]any
		if r.JSON(t, &hist); len(hist) != 1 {
			t.Errorf("history of an unedited status = %s", r.Body)
		}

		edited, err := inst.Client(alice.Token).UpdateStatus(ctx, &mastodon.Toot{Status: "second #two", SpoilerText: "cw"}, st.ID)
		if err != nil || edited.EditedAt.IsZero() || !strings.Contains(edited.Content, "second") || len(edited.Tags) != 1 ||
			edited.Tags[0].Name != "two" || !edited.Sensitive {
			t.Fatalf("edit = %+v, %v", edited, err)
		}
		inst.Client(alice.Token).UpdateStatus(ctx, &mastodon.Toot{Status: "third"}, st.ID)
		r = inst.Expect(t, 200, "GET", "/api/v1/statuses/"+string(st.ID)+"/history", "", nil)
		apischema.MustMatchArray(t, "StatusEdit", r.Body)
		r.JSON(t, &hist)
		if len(hist) != 3 || !strings.Contains(hist[0]["content"].(string), "first") ||
			!strings.Contains(hist[2]["content"].(string), "third") || hist[1]["spoiler_text"] != "cw" {
			t.Errorf("history = %s", r.Body)
		}
		r = inst.Expect(t, 200, "GET", "/api/v1/statuses/"+string(st.ID)+"/source", alice.Token, nil)
		apischema.MustMatch(t, "StatusSource", r.Body)
		var src map[string]string
		if r.JSON(t, &src); src["text"] != "third" || src["id"] != string(st.ID) {
			t.Errorf("source = %s", r.Body)
		}
		notes, _ := inst.Client(bob.Token).GetNotifications(ctx, nil)
		if len(notes) == 0 || notes[0].Type != "update" {
			t.Errorf("booster's notifications = %+v", notes)
		}
		inst.Expect(t, 404, "PUT", "/api/v1/statuses/"+string(st.ID), bob.Token, url.Values{"status": {"hijack"}})
		inst.Expect(t, 422, "PUT", "/api/v1/statuses/"+string(st.ID), alice.Token, url.Values{"status": {strings.Repeat("x", 501)}})
	})
}

func TestIdempotencyKey(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		send := func(token, key, text string) string {
			req, _ := http.NewRequest("POST", inst.URL+"/api/v1/statuses", strings.NewReader(url.Values{"status": {text}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Idempotency-Key", key)
			resp, err := inst.HTTP.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var st struct{ ID string }
			if err := jsonDecode(resp, &st); err != nil || resp.StatusCode != 200 {
				t.Fatalf("post = %d, %v", resp.StatusCode, err)
			}
			return st.ID
		}
		a := send(alice.Token, "k1", "once")
		if b := send(alice.Token, "k1", "once"); b != a {
			t.Errorf("same key posted twice: %s, %s", a, b)
		}
		if c := send(alice.Token, "k2", "once"); c == a {
			t.Errorf("another key returned the first status")
		}
		if d := send(bob.Token, "k1", "once"); d == a {
			t.Errorf("another account's key returned alice's status")
		}
		// The same key sent concurrently still posts once.
		ids := make([]string, 8)
		var wg sync.WaitGroup
		for i := range ids {
			wg.Add(1)
			go func() { defer wg.Done(); ids[i] = send(alice.Token, "k3", "racing") }()
		}
		wg.Wait()
		for _, id := range ids {
			if id != ids[0] {
				t.Errorf("concurrent requests with one key posted %v", ids)
				break
			}
		}
		me, _ := inst.Client(alice.Token).GetAccountCurrentUser(context.Background())
		if me.StatusesCount != 3 {
			t.Errorf("statuses_count = %d, want 3", me.StatusesCount)
		}
	})
}

// TestConcurrentFavourites checks counters are exact under concurrent
// writers: 20 users favourite one status at once.
func TestConcurrentFavourites(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		st := post(t, inst, alice, mastodon.Toot{Status: "popular"})
		users := make([]*testrig.User, 20)
		for i := range users {
			users[i] = inst.NewUser(t, fmt.Sprintf("fan%d", i))
		}
		var wg sync.WaitGroup
		for _, u := range users {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := inst.Client(u.Token).Favourite(context.Background(), st.ID); err != nil {
					t.Error(err)
				}
				if _, err := inst.Client(u.Token).Reblog(context.Background(), st.ID); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		got, err := inst.Client(alice.Token).GetStatus(context.Background(), st.ID)
		if err != nil || got.FavouritesCount != 20 || got.ReblogsCount != 20 {
			t.Errorf("counts = %d favourites, %d reblogs, %v; want 20, 20", got.FavouritesCount, got.ReblogsCount, err)
		}
	})
}
