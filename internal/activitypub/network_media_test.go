package activitypub_test

import (
	"bytes"
	"context"
	"image"
	_ "image/png"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/mattn/go-mastodon"

	"herd/internal/config"
	"herd/internal/media/mediatest"
	"herd/internal/testrig"
)

// TestNetworkMedia: alice on a uploads an image with alt text and a focal
// point through a Mastodon client and posts it; bob on b, who follows
// her, sees the status with the attachment stored on b itself (same
// dimensions), and the alt text, blurhash and focal point carried over;
// remote_url names the file on a.
func TestNetworkMedia(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		ctx := context.Background()
		insts := testrig.StartNetworkWith(t, db, func(name string, c *config.Config) { c.RemoteMediaSpread = -1 },
			"a.herd.test", "b.herd.test")
		a, b := insts[0], insts[1]
		ac := a.Client(a.NewUser(t, "alice").Token)
		bc := b.Client(b.NewUser(t, "bob").Token)
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

		up, err := ac.UploadMediaFromMedia(ctx, &mastodon.Media{File: bytes.NewReader(mediatest.PNG(900, 500)),
			Description: "a gradient, for bob", Focus: "0.3,-0.6"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ac.PostStatus(ctx, &mastodon.Toot{Status: "a picture for bob", MediaIDs: []mastodon.ID{up.ID},
			Visibility: "public"}); err != nil {
			t.Fatal(err)
		}
		var seen *mastodon.Attachment
		testrig.Eventually(t, "bob sees the picture stored on b", func() bool {
			home, err := bc.GetTimelineHome(ctx, nil)
			st := withText(home, "a picture for bob")
			if err != nil || st == nil || len(st.MediaAttachments) != 1 {
				return false
			}
			seen = &st.MediaAttachments[0]
			return strings.HasPrefix(seen.URL, "http://b.herd.test/system/")
		})
		if seen.RemoteURL != up.URL || seen.Description != up.Description || seen.BlurHash != up.BlurHash ||
			seen.Meta.Focus.X != 0.3 || seen.Meta.Focus.Y != -0.6 || seen.Type != "image" {
			t.Fatalf("bob's copy %+v; want alt text %q, blurhash %q, focus 0.3,-0.6 and remote_url %q",
				seen, up.Description, up.BlurHash, up.URL)
		}
		resp, err := b.HTTP.Client().Get(b.URL + strings.TrimPrefix(seen.URL, "http://b.herd.test"))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		cfg, _, err := image.DecodeConfig(bytes.NewReader(body))
		if resp.StatusCode != http.StatusOK || err != nil || cfg.Width != 900 || cfg.Height != 500 {
			t.Fatalf("b's stored file: %d, %v, %dx%d; want a 900x500 image", resp.StatusCode, err, cfg.Width, cfg.Height)
		}
	})
}
