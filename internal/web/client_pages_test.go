package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"herd/internal/ids"
	"herd/internal/testrig"
)

// TestNotificationsPage: a favourite, a boost, a mention and a follow
// show on the notifications page with who did it and the post; the
// mentions tab shows only mentions.
func TestNotificationsPage(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		bob := inst.NewUser(t, "bob")
		inst.Expect(t, http.StatusOK, http.MethodPatch, "/api/v1/accounts/update_credentials", bob.Token, url.Values{"display_name": {"Bob Builder"}})
		s := post(t, inst, alice, map[string]any{"status": "worth a star"})
		inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/statuses/"+s.ID+"/favourite", bob.Token, nil)
		inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/statuses/"+s.ID+"/reblog", bob.Token, nil)
		post(t, inst, bob, map[string]any{"status": "@alice hello there"})
		inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/accounts/"+ids.Format(alice.Account.ID)+"/follow", bob.Token, nil)
		br := newBrowser(t, inst)
		br.signIn(alice)
		p := br.do(http.MethodGet, "/notifications", nil)
		if p.Status != http.StatusOK {
			t.Fatalf("notifications: %d", p.Status)
		}
		for _, want := range []string{"Bob Builder</a> favourited your post", "Bob Builder</a> boosted your post",
			"Bob Builder</a> mentioned you", "Bob Builder</a> followed you", "worth a star", "hello there"} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("notifications lack %q", want)
			}
		}
		p = br.do(http.MethodGet, "/notifications?filter=mentions", nil)
		if !strings.Contains(p.Body, "hello there") || strings.Contains(p.Body, "favourited your post") {
			t.Errorf("mentions tab: %s", p.Body)
		}
		if p := newBrowser(t, inst).do(http.MethodGet, "/notifications", nil); !strings.HasPrefix(p.Path, "/auth/sign_in") {
			t.Errorf("visitor's notifications led to %s", p.Path)
		}
	})
}

// TestSavedPages: bookmarks and favourites list what the user saved,
// newest first, a page at a time.
func TestSavedPages(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		bob := inst.NewUser(t, "bob")
		var last string
		for i := 0; i < 21; i++ {
			s := post(t, inst, bob, map[string]any{"status": fmt.Sprintf("post number %d.", i)})
			inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/statuses/"+s.ID+"/bookmark", alice.Token, nil)
			last = s.ID
		}
		inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/statuses/"+last+"/favourite", alice.Token, nil)
		br := newBrowser(t, inst)
		br.signIn(alice)
		p := br.do(http.MethodGet, "/bookmarks", nil)
		if n := strings.Count(p.Body, `class="status h-entry`); n != 20 || !strings.Contains(p.Body, "post number 20.") ||
			strings.Contains(p.Body, "post number 0.") || !strings.Contains(p.Body, `action="/statuses/`+last+`/unbookmark"`) {
			t.Fatalf("bookmarks: %d statuses", n)
		}
		older := regexpFind(p.Body, `href="(/bookmarks\?max_id=\d+)" rel="next"`)
		if older == "" {
			t.Fatal("no link to older bookmarks")
		}
		p = br.do(http.MethodGet, strings.ReplaceAll(older, "&amp;", "&"), nil)
		if n := strings.Count(p.Body, `class="status h-entry`); n != 1 || !strings.Contains(p.Body, "post number 0.") {
			t.Errorf("older bookmarks: %d statuses", n)
		}
		p = br.do(http.MethodGet, "/favourites", nil)
		if n := strings.Count(p.Body, `class="status h-entry`); n != 1 || !strings.Contains(p.Body, "post number 20.") {
			t.Errorf("favourites: %d statuses", n)
		}
	})
}

// TestSearchPage: search finds accounts (a remote one by its address,
// looked up on its server), hashtags and posts.
func TestSearchPage(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		insts := testrig.StartNetwork(t, db, "a.test", "b.test")
		a, b := insts[0], insts[1]
		alice := a.NewUser(t, "alice")
		bobby := a.NewUser(t, "bobby")
		b.NewUser(t, "carol")
		post(t, a, bobby, map[string]any{"status": "gardening with #tomatoes today"})
		br := newBrowser(t, a)
		br.signIn(alice)
		p := br.do(http.MethodGet, "/search?q=bobby", nil)
		if p.Status != http.StatusOK || !strings.Contains(p.Body, `href="/@bobby"`) {
			t.Errorf("search for an account: %d %s", p.Status, p.Body)
		}
		p = br.do(http.MethodGet, "/search?q=carol@b.test", nil)
		if !strings.Contains(p.Body, `href="/@carol@b.test"`) {
			t.Errorf("remote address not resolved: %s", p.Body)
		}
		p = br.do(http.MethodGet, "/search?q=%23tomatoes", nil)
		if !strings.Contains(p.Body, `href="/tags/tomatoes"`) {
			t.Errorf("hashtag not found: %s", p.Body)
		}
		p = br.do(http.MethodGet, "/search?q=gardening&type=statuses", nil)
		if !strings.Contains(p.Body, "gardening with") {
			t.Errorf("post not found: %s", p.Body)
		}
	})
}

// regexpFind is the first submatch of expr in s, "" without one.
func regexpFind(s, expr string) string {
	if m := regexp.MustCompile(expr).FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

// TestTimelinePolling: the first page of a timeline tells poll.js where
// to ask and from which post; asked with the script's header, the server
// answers only the newer posts' HTML and the newest id, or 204.
func TestTimelinePolling(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		bob := inst.NewUser(t, "bob")
		inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/accounts/"+ids.Format(bob.Account.ID)+"/follow", alice.Token, nil)
		first := post(t, inst, bob, map[string]any{"status": "first"})
		br := newBrowser(t, inst)
		br.signIn(alice)
		for _, path := range []string{"/home", "/public/local"} {
			p := br.do(http.MethodGet, path, nil)
			if !strings.Contains(p.Body, `data-poll="`+path+`" data-newest="`+first.ID+`"`) {
				t.Fatalf("%s lacks the poll attributes: %s", path, p.Body)
			}
		}
		if p := br.do(http.MethodGet, "/home?max_id="+first.ID, nil); strings.Contains(p.Body, "data-poll") {
			t.Error("an older page polls")
		}
		poll := func(path, since string) (int, http.Header, string) {
			req, _ := http.NewRequest(http.MethodGet, inst.URL+path+"?since_id="+since, nil)
			req.Header.Set("X-Requested-With", "fetch")
			resp, err := br.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var b strings.Builder
			_, _ = io.Copy(&b, resp.Body)
			return resp.StatusCode, resp.Header, b.String()
		}
		if code, _, _ := poll("/home", first.ID); code != http.StatusNoContent {
			t.Errorf("nothing new: %d", code)
		}
		second := post(t, inst, bob, map[string]any{"status": "second"})
		third := post(t, inst, bob, map[string]any{"status": "third"})
		// Home gets them through the fan-out job: wait for it.
		inst.WaitJobs(t)
		var home []struct{ ID string }
		inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/timelines/home?since_id="+first.ID, alice.Token, nil).JSON(t, &home)
		if len(home) != 2 {
			t.Fatalf("home never got both posts: %v", home)
		}
		for _, path := range []string{"/home", "/public/local"} {
			code, hd, body := poll(path, first.ID)
			if code != http.StatusOK || hd.Get("X-Newest-ID") != third.ID || strings.Contains(body, "<html") ||
				strings.Count(body, `class="status h-entry`) != 2 || strings.Index(body, `id="s-`+third.ID) > strings.Index(body, `id="s-`+second.ID) ||
				!strings.Contains(body, `action="/statuses/`+third.ID+`/favourite"`) || !strings.Contains(body, `name="authenticity_token" value="`) {
				t.Errorf("%s newer: %d %v %s", path, code, hd, body)
			}
		}
	})
}
