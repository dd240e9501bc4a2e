package activitypub_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/mattn/go-mastodon"

	"herd/internal/config"
	"herd/internal/media/mediatest"
	"herd/internal/testrig"
)

// TestNetworkCustomEmoji: a's admin adds :blobcat:; alice uses it in her
// display name and in a post. Her actor and Note carry it as an Emoji
// tag, and bob on b sees both with the emoji, its image fetched and
// served from b's own storage, the shortcode left in the text.
func TestNetworkCustomEmoji(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		ctx := context.Background()
		insts := testrig.StartNetworkWith(t, db, func(name string, c *config.Config) { c.RemoteMediaSpread = -1 },
			"a.herd.test", "b.herd.test")
		a, b := insts[0], insts[1]
		if _, err := a.Core.Files.AddCustomEmoji(ctx, "blobcat", mediatest.PNG(64, 64), ""); err != nil {
			t.Fatal(err)
		}
		ac := a.Client(a.NewUser(t, "alice").Token)
		bc := b.Client(b.NewUser(t, "bob").Token)
		name := "Alice :blobcat:"
		if _, err := ac.AccountUpdate(ctx, &mastodon.Profile{DisplayName: &name}); err != nil {
			t.Fatal(err)
		}

		// The actor document names the emoji it uses.
		req, _ := http.NewRequest("GET", a.URL+"/users/alice", nil)
		req.Header.Set("Accept", "application/activity+json")
		resp, err := a.HTTP.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var actor struct {
			Context json.RawMessage `json:"@context"`
			Tag     []struct {
				ID, Type, Name, Updated string
				Icon                    struct{ Type, MediaType, URL string }
			} `json:"tag"`
		}
		json.NewDecoder(resp.Body).Decode(&actor)
		resp.Body.Close()
		if len(actor.Tag) != 1 || actor.Tag[0].Type != "Emoji" || actor.Tag[0].Name != ":blobcat:" ||
			!strings.HasPrefix(actor.Tag[0].ID, "http://a.herd.test/emojis/") || actor.Tag[0].Updated == "" ||
			actor.Tag[0].Icon.Type != "Image" || actor.Tag[0].Icon.MediaType != "image/png" ||
			!strings.Contains(string(actor.Context), `"Emoji":"toot:Emoji"`) {
			t.Fatalf("actor tags %+v, context %s", actor.Tag, actor.Context)
		}
		// Its id is a document of its own.
		req, _ = http.NewRequest("GET", a.URL+strings.TrimPrefix(actor.Tag[0].ID, "http://a.herd.test"), nil)
		req.Header.Set("Accept", "application/activity+json")
		if resp, err := a.HTTP.Client().Do(req); err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %v %v", actor.Tag[0].ID, resp, err)
		}

		aliceOnB, err := bc.AccountLookup(ctx, "alice@a.herd.test")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := bc.AccountFollow(ctx, aliceOnB.ID); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "alice counts bob as a follower", func() bool {
			me, err := ac.GetAccountCurrentUser(ctx)
			return err == nil && me.FollowersCount == 1
		})
		posted, err := ac.PostStatus(ctx, &mastodon.Toot{Status: "hello :blobcat: and :nothere:", Visibility: "public"})
		if err != nil {
			t.Fatal(err)
		}
		// The public pages show the emoji as images, the shortcode as alt
		// text; the window title stays text.
		for _, page := range []struct {
			path   string
			images int // the name's (heading and posts), and the post's
		}{{"/@alice", 3}, {"/@alice/" + string(posted.ID), 2}} {
			resp, err := a.HTTP.Client().Get(a.URL + page.path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			html := string(body)
			n := strings.Count(html, `<img class="custom-emoji" src="http://a.herd.test/system/custom_emojis/`)
			if n != page.images || !strings.Contains(html, `alt=":blobcat:"`) || !strings.Contains(html, "<title>Alice :blobcat:") {
				t.Errorf("GET %s: %d emoji images, want %d:\n%s", page.path, n, page.images, html)
			}
		}
		var seen *mastodon.Status
		testrig.Eventually(t, "bob sees the emoji stored on b", func() bool {
			home, err := bc.GetTimelineHome(ctx, nil)
			if seen = withText(home, "hello"); err != nil || seen == nil || len(seen.Emojis) != 1 {
				return false
			}
			return strings.HasPrefix(seen.Emojis[0].URL, "http://b.herd.test/system/custom_emojis/")
		})
		if e := seen.Emojis[0]; e.ShortCode != "blobcat" || e.StaticURL != e.URL || !strings.Contains(seen.Content, ":blobcat:") {
			t.Errorf("bob's status: %q with %+v", seen.Content, seen.Emojis)
		}
		if len(seen.Account.Emojis) != 1 || seen.Account.Emojis[0].URL != seen.Emojis[0].URL ||
			seen.Account.DisplayName != name {
			t.Errorf("alice on b: %q with %+v", seen.Account.DisplayName, seen.Account.Emojis)
		}
		resp, err = b.HTTP.Client().Get(b.URL + strings.TrimPrefix(seen.Emojis[0].URL, "http://b.herd.test"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
			t.Errorf("b's copy: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		// The remote emoji is not offered in b's picker.
		r := b.Expect(t, 200, "GET", "/api/v1/custom_emojis", "", nil)
		if strings.TrimSpace(string(r.Body)) != "[]" {
			t.Errorf("b lists %s", r.Body)
		}
	})
}
