package web_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"herd/internal/ids"
	"herd/internal/testrig"
)

// lacks reports each of wants that body lacks.
func lacks(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// shows reports each of unwanted that body has.
func shows(t *testing.T, what, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("%s shows %q", what, w)
		}
	}
}

func follow(t *testing.T, inst *testrig.Instance, who *testrig.User, whom *testrig.User) {
	t.Helper()
	inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/accounts/"+ids.Format(whom.Account.ID)+"/follow", who.Token, nil)
}

// TestProfilePage: a local profile links its fields for rel="me"
// verification (in the head and on the links), is an h-card, tells link
// previews and feed readers about itself, shows pinned posts marked as
// such, and hides the follower counts when the account hides its lists.
func TestProfilePage(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		inst.Expect(t, http.StatusOK, http.MethodPatch, "/api/v1/accounts/update_credentials", alice.Token, map[string]any{
			"display_name": "Alice W", "note": "I walk.",
			"fields_attributes": map[string]any{
				"0": map[string]string{"name": "Website", "value": "https://alice.example/"},
				"1": map[string]string{"name": "Pronouns", "value": "she/her"},
				"2": map[string]string{"name": "Blog", "value": "see https://blog.example/ too"},
			}})
		pinned := post(t, inst, alice, map[string]any{"status": "the pinned one"})
		post(t, inst, alice, map[string]any{"status": "a later one"})
		inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/statuses/"+pinned.ID+"/pin", alice.Token, nil)
		br := newBrowser(t, inst)

		p := br.do(http.MethodGet, "/@alice", nil)
		head := p.Body[:strings.Index(p.Body, "</head>")]
		base := inst.URL
		lacks(t, "profile head", head, `<link rel="me" href="https://alice.example/">`,
			`<meta property="og:type" content="profile">`, `<meta name="twitter:card" content="summary">`,
			`<meta property="og:title" content="Alice W (@alice@`+inst.Domain+`)">`,
			`<meta property="og:description" content="I walk.">`,
			`<link rel="alternate" type="application/rss+xml" href="`+base+`/@alice.rss">`,
			`<link rel="alternate" type="application/atom+xml" href="`+base+`/@alice.atom">`,
			`<link rel="alternate" type="application/activity+json" href="`+base+`/users/alice">`,
			`<meta property="profile:username" content="alice">`)
		if n := strings.Count(head, `rel="me"`); n != 1 {
			t.Errorf("%d rel=me links in the head, want the one field that is a web address", n)
		}
		lacks(t, "profile", p.Body, `<section class="profile h-card"`, `class="avatar big u-photo"`, `<span class="p-name">Alice W</span>`,
			`class="u-url u-uid" href="`+base+`/@alice" rel="me"`, `<div class="note p-note"><p>I walk.</p></div>`,
			`href="https://alice.example/" target="_blank" rel="me nofollow noopener"`,
			`<strong>2</strong> posts`, `<strong>0</strong> followers`)
		pinnedAt := strings.Index(p.Body, `<section class="pinned"`)
		if pinnedAt < 0 || !strings.Contains(p.Body[pinnedAt:], `<p class="boosted">Pinned</p>`) ||
			strings.Index(p.Body[pinnedAt:], "the pinned one") > strings.Index(p.Body[pinnedAt:], "a later one") {
			t.Errorf("pinned post not first and marked")
		}

		inst.Expect(t, http.StatusOK, http.MethodPatch, "/api/v1/accounts/update_credentials", alice.Token, map[string]any{"hide_collections": true})
		p = br.do(http.MethodGet, "/@alice", nil)
		lacks(t, "profile hiding its lists", p.Body, `<strong>2</strong> posts`)
		shows(t, "profile hiding its lists", p.Body, "followers</span>", "following</span>")
	})
}

// TestProfilePaging: each tab pages by 20 with an "Older posts" link only
// when there is more; replies show under "Posts and replies" and media
// posts under "Media".
func TestProfilePaging(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		bob := inst.NewUser(t, "bob")
		var last posted
		for i := 1; i <= 21; i++ {
			last = post(t, inst, alice, map[string]any{"status": fmt.Sprintf("post number %d.", i)})
		}
		bobs := post(t, inst, bob, map[string]any{"status": "question"})
		post(t, inst, alice, map[string]any{"status": "@bob an answer", "in_reply_to_id": bobs.ID})
		post(t, inst, alice, map[string]any{"status": "a picture", "media_ids": []string{upload(t, inst, alice, "a dot")}})
		br := newBrowser(t, inst)

		p := br.do(http.MethodGet, "/@alice", nil)
		if n := strings.Count(p.Body, `class="status h-entry`); n != 20 || strings.Contains(p.Body, "an answer") {
			t.Errorf("first page: %d statuses", n)
		}
		older := regexp.MustCompile(`<a href="([^"]+)" rel="next">Older posts</a>`).FindStringSubmatch(p.Body)
		if older == nil {
			t.Fatal("no link to older posts")
		}
		p = br.do(http.MethodGet, strings.ReplaceAll(older[1], "&amp;", "&"), nil)
		if n := strings.Count(p.Body, `class="status h-entry`); n != 2 || !strings.Contains(p.Body, "post number 1.") ||
			!strings.Contains(p.Body, "post number 2.") || strings.Contains(p.Body, `rel="next"`) {
			t.Errorf("second page: %d statuses: %s", n, p.Body)
		}
		p = br.do(http.MethodGet, "/@alice/with_replies", nil)
		lacks(t, "replies tab", p.Body, "an answer", `aria-current="page">Posts and replies`, "In reply to @bob")
		p = br.do(http.MethodGet, "/@alice/media", nil)
		if n := strings.Count(p.Body, `class="status h-entry`); n != 1 || !strings.Contains(p.Body, `alt="a dot"`) {
			t.Errorf("media tab: %d statuses", n)
		}
		if p := br.do(http.MethodGet, "/@alice/"+last.ID, nil); strings.Contains(p.Body, `rel="next"`) {
			t.Error("a status page offers older posts")
		}
	})
}

// TestSuspendedProfile: a suspended account's pages answer 410 Gone with
// a word of explanation, and show none of its posts.
func TestSuspendedProfile(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		s := post(t, inst, alice, map[string]any{"status": "before the fall"})
		if err := inst.Core.Accounts.SuspendAccount(context.Background(), alice.Account.ID, true); err != nil {
			t.Fatal(err)
		}
		br := newBrowser(t, inst)
		for _, path := range []string{"/@alice", "/@alice/" + s.ID, "/@alice/media", "/@alice.rss"} {
			p := br.do(http.MethodGet, path, nil)
			if p.Status != http.StatusGone || !strings.Contains(p.Body, "has been suspended") || strings.Contains(p.Body, "before the fall") {
				t.Errorf("%s: %d", path, p.Status)
			}
		}
	})
}

// TestBlockedProfile: an account that blocks a user shows that user none
// of its posts, on its profile or a status page; a user who blocks an
// account is offered to unblock it rather than shown its posts.
func TestBlockedProfile(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		bob := inst.NewUser(t, "bob")
		s := post(t, inst, alice, map[string]any{"status": "not for bob"})
		inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/accounts/"+ids.Format(bob.Account.ID)+"/block", alice.Token, nil)

		br := newBrowser(t, inst)
		br.signIn(bob)
		p := br.do(http.MethodGet, "/@alice", nil)
		if p.Status != http.StatusOK {
			t.Fatalf("profile: %d", p.Status)
		}
		lacks(t, "blocked viewer's profile page", p.Body, "posts are not available to you")
		shows(t, "blocked viewer's profile page", p.Body, "not for bob", `action="/accounts/`+ids.Format(alice.Account.ID)+`/follow"`)
		if p := br.do(http.MethodGet, "/@alice/"+s.ID, nil); p.Status != http.StatusNotFound || strings.Contains(p.Body, "not for bob") {
			t.Errorf("blocked viewer's status page: %d", p.Status)
		}

		br = newBrowser(t, inst)
		br.signIn(alice)
		p = br.do(http.MethodGet, "/@bob", nil)
		lacks(t, "blocker's view", p.Body, "You have blocked this account", `action="/accounts/`+ids.Format(bob.Account.ID)+`/unblock"`)
	})
}

// TestStatusPageMarkup: a status page is an h-entry with its author's
// h-card, its reply target and publication time; link previews get the
// first image of a post (a large card with its alt text) unless the
// media is sensitive, and only the content warning of a post behind one.
func TestStatusPageMarkup(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		bob := inst.NewUser(t, "bob")
		pic := post(t, inst, alice, map[string]any{"status": "look", "media_ids": []string{upload(t, inst, alice, "a red dot")}})
		nsfw := post(t, inst, alice, map[string]any{"status": "careful", "sensitive": true,
			"media_ids": []string{upload(t, inst, alice, "a rash")}})
		cw := post(t, inst, alice, map[string]any{"status": "the butler did it", "spoiler_text": "mystery spoilers"})
		reply := post(t, inst, bob, map[string]any{"status": "@alice nice", "in_reply_to_id": pic.ID})
		br := newBrowser(t, inst)
		headOf := func(body string) string { return body[:strings.Index(body, "</head>")] }

		p := br.do(http.MethodGet, "/@alice/"+pic.ID, nil)
		head := headOf(p.Body)
		lacks(t, "image post's head", head, `<meta property="og:type" content="article">`,
			`<meta name="twitter:card" content="summary_large_image">`, `<meta property="og:image:alt" content="a red dot">`,
			`<meta property="og:description" content="Attached: 1 image. look">`, `<meta property="article:published_time"`,
			`<link rel="alternate" type="application/activity+json" href="`+inst.URL+`/users/alice/statuses/`+pic.ID+`">`)
		if !regexp.MustCompile(`<meta property="og:image" content="http[^"]+/media_attachments/`).MatchString(head) {
			t.Errorf("og:image is not the attachment: %s", head)
		}
		lacks(t, "status page", p.Body, `class="status h-entry focus"`, `class="content e-content"`, `class="dt-published"`,
			`class="when u-url" href="/@alice/`+pic.ID+`"`, `class="author p-author h-card"`, `class="p-name"`, `<p class="detail">`)

		p = br.do(http.MethodGet, "/@bob/"+reply.ID, nil)
		lacks(t, "reply page", p.Body, `<a class="u-in-reply-to" href="`+inst.URL+`/@alice/`+pic.ID+`">In reply to @alice</a>`)

		head = headOf(br.do(http.MethodGet, "/@alice/"+nsfw.ID, nil).Body)
		lacks(t, "sensitive post's head", head, `<meta name="twitter:card" content="summary">`)
		shows(t, "sensitive post's head", head, "media_attachments", "a rash")

		p = br.do(http.MethodGet, "/@alice/"+cw.ID, nil)
		head = headOf(p.Body)
		lacks(t, "content warning's head", head, `<meta property="og:description" content="Content warning: mystery spoilers">`)
		shows(t, "content warning's head", head, "butler")
		lacks(t, "content warning's page", p.Body, `<details class="cw"><summary><span class="p-summary">mystery spoilers</span>`)
	})
}

// TestPrivateStatusPages: followers-only and direct posts are found by
// those they are for (followers, the people mentioned, the author) and
// by no one else, signed in or not.
func TestPrivateStatusPages(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		fan := inst.NewUser(t, "fan")
		friend := inst.NewUser(t, "friend")
		stranger := inst.NewUser(t, "stranger")
		follow(t, inst, fan, alice)
		priv := post(t, inst, alice, map[string]any{"status": "followers hear this", "visibility": "private"})
		dm := post(t, inst, alice, map[string]any{"status": "@friend between us", "visibility": "direct"})

		for _, tc := range []struct {
			who       *testrig.User
			priv, dm  bool
			onProfile bool
		}{
			{who: nil},
			{who: stranger},
			{who: fan, priv: true, onProfile: true},
			{who: friend, dm: true},
			{who: alice, priv: true, dm: true, onProfile: true},
		} {
			br := newBrowser(t, inst)
			name := "visitor"
			if tc.who != nil {
				br.signIn(tc.who)
				name = tc.who.Account.Username
			}
			for _, c := range []struct {
				id   string
				want bool
			}{{priv.ID, tc.priv}, {dm.ID, tc.dm}} {
				p := br.do(http.MethodGet, "/@alice/"+c.id, nil)
				if got := p.Status == http.StatusOK; got != c.want {
					t.Errorf("%s gets %d for status %s", name, p.Status, c.id)
				}
				if p := br.do(http.MethodGet, "/statuses/"+c.id, nil); (p.Status == http.StatusOK) != c.want {
					t.Errorf("%s gets %d for /statuses/%s", name, p.Status, c.id)
				}
			}
			if p := br.do(http.MethodGet, "/@alice", nil); strings.Contains(p.Body, "followers hear this") != tc.onProfile {
				t.Errorf("%s: followers-only post on the profile: %v", name, !tc.onProfile)
			}
		}
	})
}

// TestRemoteProfilePage: a known account of another server has a page
// here at /@name@host, kept out of search engines and pointing to its
// origin; it has no feed here.
func TestRemoteProfilePage(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		insts := testrig.StartNetwork(t, db, "a.test", "b.test")
		a, b := insts[0], insts[1]
		alice := a.NewUser(t, "alice")
		bob := b.NewUser(t, "bob")
		post(t, b, bob, map[string]any{"status": "hello from b"})
		a.Expect(t, http.StatusOK, http.MethodGet, "/api/v2/search?resolve=true&q=bob@b.test", alice.Token, nil)
		br := newBrowser(t, a)

		p := br.do(http.MethodGet, "/@bob@b.test", nil)
		if p.Status != http.StatusOK {
			t.Fatalf("remote profile: %d", p.Status)
		}
		lacks(t, "remote profile", p.Body, "@bob@b.test", `<meta name="robots" content="noindex, noarchive">`,
			`href="http://b.test/@bob" rel="noopener noreferrer">See it on its server`)
		shows(t, "remote profile", p.Body, `rel="me" href=`, "application/rss+xml")
		if p := br.do(http.MethodGet, "/@bob@b.test.rss", nil); p.Status != http.StatusNotFound {
			t.Errorf("remote account's feed: %d", p.Status)
		}
		if p := br.do(http.MethodGet, "/@nobody@b.test", nil); p.Status != http.StatusNotFound {
			t.Errorf("unknown remote account: %d", p.Status)
		}
	})
}
