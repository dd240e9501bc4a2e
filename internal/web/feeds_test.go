package web_test

import (
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"herd/internal/testrig"
)

// The feeds as a reader parses them.
type rssFeed struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	Channel struct {
		Title       string `xml:"title"`
		Description string `xml:"description"`
		// <link> and <atom:link>, told apart by namespace: encoding/xml
		// matches a field named without one to both.
		Links []struct {
			XMLName xml.Name
			Href    string `xml:"href,attr"`
			Text    string `xml:",chardata"`
		} `xml:"link"`
		Image struct {
			URL string `xml:"url"`
		} `xml:"image"`
		Items []rssEntry `xml:"item"`
	} `xml:"channel"`
}

// link is the channel's <link>; self its <atom:link rel="self">.
func (f *rssFeed) link() (link, self string) {
	for _, l := range f.Channel.Links {
		if l.XMLName.Space == "http://www.w3.org/2005/Atom" {
			self = l.Href
		} else {
			link = l.Text
		}
	}
	return link, self
}

type rssEntry struct {
	GUID        string `xml:"guid"`
	Link        string `xml:"link"`
	PubDate     string `xml:"pubDate"`
	Description string `xml:"description"`
	Enclosure   *struct {
		URL  string `xml:"url,attr"`
		Type string `xml:"type,attr"`
	} `xml:"enclosure"`
	Media []struct {
		URL         string `xml:"url,attr"`
		Type        string `xml:"type,attr"`
		Medium      string `xml:"medium,attr"`
		Rating      string `xml:"http://search.yahoo.com/mrss/ rating"`
		Description string `xml:"http://search.yahoo.com/mrss/ description"`
	} `xml:"http://search.yahoo.com/mrss/ content"`
	Categories []string `xml:"category"`
}

type atomFeed struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Links   []struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr"`
	} `xml:"link"`
	Entries []struct {
		ID        string `xml:"id"`
		Title     string `xml:"title"`
		Published string `xml:"published"`
		Updated   string `xml:"updated"`
		Author    struct {
			Name string `xml:"name"`
		} `xml:"author"`
		Links []struct {
			Href string `xml:"href,attr"`
			Rel  string `xml:"rel,attr"`
			Type string `xml:"type,attr"`
		} `xml:"link"`
		Content struct {
			Type string `xml:"type,attr"`
			Text string `xml:",chardata"`
		} `xml:"http://www.w3.org/2005/Atom content"`
		Categories []struct {
			Term string `xml:"term,attr"`
		} `xml:"category"`
	} `xml:"entry"`
}

// fetchFeed GETs a feed, checking its type and caching headers, and
// parses it into v.
func fetchFeed(t *testing.T, inst *testrig.Instance, path, contentType string, v any) string {
	t.Helper()
	resp, err := inst.HTTP.Client().Get(inst.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != contentType+"; charset=utf-8" {
		t.Errorf("%s: Content-Type %q", path, ct)
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "public") || !strings.Contains(cc, "max-age=") {
		t.Errorf("%s: Cache-Control %q", path, cc)
	}
	if !strings.HasPrefix(string(body), `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Errorf("%s: no XML declaration: %.80s", path, body)
	}
	if err := xml.Unmarshal(body, v); err != nil {
		t.Fatalf("%s: %v\n%s", path, err, body)
	}
	return string(body)
}

// TestAccountFeeds: /@NAME.rss and .atom carry an account's public and
// unlisted posts, as Mastodon's, newest first, without boosts, replies to
// others (except in with_replies) or anything followers-only or direct;
// the HTML escaped, a content warning before the text, media as Media
// RSS elements and an enclosure, hashtags as categories.
func TestAccountFeeds(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		bob := inst.NewUser(t, "bob")
		inst.Expect(t, http.StatusOK, http.MethodPatch, "/api/v1/accounts/update_credentials", alice.Token,
			map[string]any{"display_name": "Alice <W>", "note": "I walk & talk."})
		bobs := post(t, inst, bob, map[string]any{"status": "bob's post"})
		inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/statuses/"+bobs.ID+"/reblog", alice.Token, nil)
		post(t, inst, alice, map[string]any{"status": "@bob an answer", "in_reply_to_id": bobs.ID})
		post(t, inst, alice, map[string]any{"status": "followers only", "visibility": "private"})
		post(t, inst, alice, map[string]any{"status": "@bob direct", "visibility": "direct"})
		unl := post(t, inst, alice, map[string]any{"status": "quietly unlisted", "visibility": "unlisted"})
		cw := post(t, inst, alice, map[string]any{"status": "the butler", "spoiler_text": "spoilers"})
		pic := post(t, inst, alice, map[string]any{"status": "a <b>bold</b> claim #Herd", "sensitive": true,
			"media_ids": []string{upload(t, inst, alice, "a red dot")}})

		var rss rssFeed
		raw := fetchFeed(t, inst, "/@alice.rss", "application/rss+xml", &rss)
		ch := rss.Channel
		link, self := rss.link()
		if rss.Version != "2.0" || ch.Title != "Alice <W>" || link != inst.URL+"/@alice" || ch.Description != "I walk & talk." ||
			self != inst.URL+"/@alice.rss" || !strings.HasPrefix(ch.Image.URL, "http") {
			t.Errorf("channel: %q %q %+v", link, self, ch)
		}
		if len(ch.Items) != 3 {
			t.Fatalf("%d items, want the image post, the content warning and the unlisted post: %s", len(ch.Items), raw)
		}
		for i, want := range []posted{pic, cw, unl} {
			it := ch.Items[i]
			if it.Link != inst.URL+"/@alice/"+want.ID || it.GUID != it.Link {
				t.Errorf("item %d: link %q guid %q", i, it.Link, it.GUID)
			}
			if _, err := time.Parse(time.RFC1123Z, it.PubDate); err != nil {
				t.Errorf("item %d: pubDate %q: %v", i, it.PubDate, err)
			}
		}
		it := ch.Items[0]
		if !strings.Contains(it.Description, "a &lt;b&gt;bold&lt;/b&gt; claim") || !strings.Contains(raw, "&lt;p&gt;a &amp;lt;b&amp;gt;bold") {
			t.Errorf("content not HTML escaped once more: %q", it.Description)
		}
		if len(it.Media) != 1 || !strings.HasPrefix(it.Media[0].URL, "http") || it.Media[0].Type != "image/png" ||
			it.Media[0].Medium != "image" || it.Media[0].Rating != "adult" || it.Media[0].Description != "a red dot" {
			t.Errorf("media: %+v", it.Media)
		}
		if it.Enclosure == nil || it.Enclosure.URL != it.Media[0].URL || it.Enclosure.Type != "image/png" {
			t.Errorf("enclosure: %+v", it.Enclosure)
		}
		if len(it.Categories) != 1 || !strings.EqualFold(it.Categories[0], "herd") {
			t.Errorf("categories: %v", it.Categories)
		}
		if d := ch.Items[1].Description; !strings.HasPrefix(d, "<p><strong>Content warning:</strong> spoilers</p>") || !strings.Contains(d, "the butler") {
			t.Errorf("content warning item: %q", d)
		}
		for _, hidden := range []string{"followers only", "direct", "an answer", "bob&#39;s post", "bob's post"} {
			if strings.Contains(raw, hidden) {
				t.Errorf("feed shows %q", hidden)
			}
		}

		rss = rssFeed{}
		raw = fetchFeed(t, inst, "/@alice/with_replies.rss", "application/rss+xml", &rss)
		if !strings.Contains(raw, "an answer") || strings.Contains(raw, "bob&#39;s post") {
			t.Errorf("with_replies feed: %s", raw)
		}
		rss = rssFeed{}
		fetchFeed(t, inst, "/@alice/media.rss", "application/rss+xml", &rss)
		if len(rss.Channel.Items) != 1 {
			t.Errorf("media feed: %d items", len(rss.Channel.Items))
		}
		rss = rssFeed{}
		fetchFeed(t, inst, "/@alice.rss?limit=1", "application/rss+xml", &rss)
		if len(rss.Channel.Items) != 1 {
			t.Errorf("limit=1: %d items", len(rss.Channel.Items))
		}
		rss = rssFeed{}
		fetchFeed(t, inst, "/@alice.rss?tag=herd", "application/rss+xml", &rss)
		if len(rss.Channel.Items) != 1 || rss.Channel.Items[0].Link != inst.URL+"/@alice/"+pic.ID {
			t.Errorf("tag=herd: %d items", len(rss.Channel.Items))
		}

		var atom atomFeed
		raw = fetchFeed(t, inst, "/@alice.atom", "application/atom+xml", &atom)
		if atom.ID != inst.URL+"/@alice" || atom.Title != "Alice <W>" || len(atom.Entries) != 3 {
			t.Fatalf("atom feed: %+v", atom)
		}
		if _, err := time.Parse(time.RFC3339, atom.Updated); err != nil {
			t.Errorf("updated %q", atom.Updated)
		}
		hasSelf := false
		for _, l := range atom.Links {
			hasSelf = hasSelf || (l.Rel == "self" && l.Href == inst.URL+"/@alice.atom")
		}
		if !hasSelf {
			t.Errorf("atom links: %+v", atom.Links)
		}
		e := atom.Entries[0]
		enclosure := false
		for _, l := range e.Links {
			enclosure = enclosure || (l.Rel == "enclosure" && l.Type == "image/png")
		}
		if e.ID != inst.URL+"/users/alice/statuses/"+pic.ID || e.Title != "a <b>bold</b> claim #Herd" || e.Content.Type != "html" ||
			!strings.Contains(e.Content.Text, "a &lt;b&gt;bold") || e.Author.Name != "Alice <W>" || !enclosure ||
			len(e.Categories) != 1 {
			t.Errorf("atom entry: %+v", e)
		}
		if _, err := time.Parse(time.RFC3339, e.Published); err != nil {
			t.Errorf("published %q", e.Published)
		}
		if atom.Entries[1].Title != "spoilers" {
			t.Errorf("a content warning's entry is titled %q", atom.Entries[1].Title)
		}

		for _, path := range []string{"/@nobody.rss", "/@alice/" + pic.ID + ".rss", "/@alice.json"} {
			if p := newBrowser(t, inst).do(http.MethodGet, path, nil); p.Status != http.StatusNotFound {
				t.Errorf("%s: %d", path, p.Status)
			}
		}
	})
}

// TestFeedNotModified: a reader that has the newest version gets 304.
func TestFeedNotModified(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite)
	alice := inst.NewUser(t, "alice")
	post(t, inst, alice, map[string]any{"status": "one"})
	get := func(since string) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, inst.URL+"/@alice.rss", nil)
		if since != "" {
			req.Header.Set("If-Modified-Since", since)
		}
		resp, err := inst.HTTP.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	last := get("").Header.Get("Last-Modified")
	if resp := get(last); resp.StatusCode != http.StatusNotModified {
		t.Errorf("same version: %d", resp.StatusCode)
	}
	// Last-Modified counts whole seconds, taken from the clock when a post
	// is made (no clock to move): the next post must come a second later.
	lastTime, err := http.ParseTime(last)
	if err != nil {
		t.Fatalf("Last-Modified %q: %v", last, err)
	}
	time.Sleep(time.Until(lastTime.Add(time.Second)))
	post(t, inst, alice, map[string]any{"status": "two"})
	if resp := get(last); resp.StatusCode != http.StatusOK {
		t.Errorf("after a new post: %d", resp.StatusCode)
	}
}
