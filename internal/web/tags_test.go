package web_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"herd/internal/testrig"
)

// TestTagPage: /tags/NAME shows the public posts with the hashtag, whoever
// wrote them, in pages of 20, never unlisted, followers-only or direct
// ones, and points feed readers to its feeds; the feeds carry the same
// posts.
func TestTagPage(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		bob := inst.NewUser(t, "bob")
		for i := 1; i <= 20; i++ {
			post(t, inst, alice, map[string]any{"status": fmt.Sprintf("walk number %d. #Walking", i)})
		}
		post(t, inst, bob, map[string]any{"status": "bob walks too #walking"})
		post(t, inst, bob, map[string]any{"status": "quiet walk #walking", "visibility": "unlisted"})
		post(t, inst, bob, map[string]any{"status": "secret walk #walking", "visibility": "private"})
		post(t, inst, bob, map[string]any{"status": "@alice direct walk #walking", "visibility": "direct"})
		post(t, inst, bob, map[string]any{"status": "untagged"})
		br := newBrowser(t, inst)

		p := br.do(http.MethodGet, "/tags/walking", nil)
		if p.Status != http.StatusOK {
			t.Fatalf("tag page: %d", p.Status)
		}
		if n := strings.Count(p.Body, `class="status h-entry`); n != 20 {
			t.Errorf("first page: %d statuses", n)
		}
		lacks(t, "tag page", p.Body, "<h1>#Walking</h1>", "bob walks too", `<title>#Walking · Herd test</title>`,
			`<link rel="alternate" type="application/rss+xml" href="`+inst.URL+`/tags/Walking.rss">`,
			`<link rel="alternate" type="application/atom+xml" href="`+inst.URL+`/tags/Walking.atom">`,
			`<link rel="canonical" href="`+inst.URL+`/tags/walking">`)
		shows(t, "tag page", p.Body, "quiet walk", "secret walk", "direct walk", "untagged", "walk number 1.")
		older := regexp.MustCompile(`<a href="([^"]+)" rel="next">Older posts</a>`).FindStringSubmatch(p.Body)
		if older == nil {
			t.Fatal("no link to older posts")
		}
		p = br.do(http.MethodGet, strings.ReplaceAll(older[1], "&amp;", "&"), nil)
		if n := strings.Count(p.Body, `class="status h-entry`); n != 1 || !strings.Contains(p.Body, "walk number 1.") || strings.Contains(p.Body, `rel="next"`) {
			t.Errorf("second page: %d statuses", n)
		}
		if p := br.do(http.MethodGet, "/tags/walking?local=1", nil); strings.Count(p.Body, `class="status h-entry`) != 20 ||
			!strings.Contains(p.Body, `href="/tags/Walking?local=1" aria-current="page">This server`) {
			t.Errorf("local tag page: %d", p.Status)
		}
		if p := br.do(http.MethodGet, "/tags/nobodyusesthis", nil); p.Status != http.StatusOK || !strings.Contains(p.Body, "No public posts with this hashtag yet.") {
			t.Errorf("unused tag: %d", p.Status)
		}
		if p := br.do(http.MethodGet, "/tags/not-a-tag!", nil); p.Status != http.StatusNotFound {
			t.Errorf("invalid tag: %d", p.Status)
		}

		var rss rssFeed
		raw := fetchFeed(t, inst, "/tags/walking.rss", "application/rss+xml", &rss)
		link, self := rss.link()
		if rss.Channel.Title != "#Walking" || link != inst.URL+"/tags/walking" || self != inst.URL+"/tags/walking.rss" ||
			len(rss.Channel.Items) != 20 || !strings.Contains(raw, "bob walks too") {
			t.Errorf("tag feed: %q %q %q %d items", rss.Channel.Title, link, self, len(rss.Channel.Items))
		}
		for _, hidden := range []string{"quiet walk", "secret walk", "direct walk"} {
			if strings.Contains(raw, hidden) {
				t.Errorf("tag feed shows %q", hidden)
			}
		}
		var atom atomFeed
		fetchFeed(t, inst, "/tags/walking.atom?limit=2", "application/atom+xml", &atom)
		if len(atom.Entries) != 2 || atom.Entries[0].Author.Name != "bob" {
			t.Errorf("tag atom feed: %+v", atom.Entries)
		}
	})
}
