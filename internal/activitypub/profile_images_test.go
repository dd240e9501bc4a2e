package activitypub_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	_ "image/jpeg"
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

// TestNetworkAvatarChangeFederates: a follower's server sees a new avatar
// and header through the Update:Person the profile change sends, cached
// in its own storage (400×400 and 1500×500, as alice's server made
// them), and the avatar's removal.
func TestNetworkAvatarChangeFederates(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		ctx := context.Background()
		insts := testrig.StartNetworkWith(t, db, func(name string, c *config.Config) { c.RemoteMediaSpread = -1 },
			"a.herd.test", "b.herd.test")
		a, b := insts[0], insts[1]
		alice := a.NewUser(t, "alice")
		ac := a.Client(alice.Token)
		bob := b.NewUser(t, "bob")
		bc := b.Client(bob.Token)
		aliceOnB, err := bc.AccountLookup(ctx, "alice@a.herd.test")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := bc.AccountFollow(ctx, aliceOnB.ID); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "alice has bob as a follower", func() bool {
			me, err := ac.GetAccountCurrentUser(ctx)
			return err == nil && me.FollowersCount == 1
		})
		picturesOnB := func() (string, string) {
			acct, err := bc.GetAccount(ctx, aliceOnB.ID)
			if err != nil {
				return "", ""
			}
			return acct.Avatar, acct.Header
		}
		avatarOnB := func() string { a, _ := picturesOnB(); return a }
		const missing = "/avatars/original/missing.png"
		if !strings.HasSuffix(avatarOnB(), missing) {
			t.Fatalf("alice starts with avatar %q on b", avatarOnB())
		}

		pic := mediatest.JPEGWithEXIF(900, 600, 1)
		if _, err := ac.AccountUpdate(ctx, &mastodon.Profile{
			Avatar: "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(pic),
			Header: "data:image/png;base64," + base64.StdEncoding.EncodeToString(mediatest.PNG(2000, 900))}); err != nil {
			t.Fatal(err)
		}
		testrig.Eventually(t, "the new avatar and header reach b, cached in b's storage", func() bool {
			av, hd := picturesOnB()
			return strings.HasPrefix(av, "http://b.herd.test/system/avatars/") && strings.HasPrefix(hd, "http://b.herd.test/system/headers/")
		})
		av, hd := picturesOnB()
		for _, c := range []struct {
			url  string
			w, h int
		}{{av, 400, 400}, {hd, 1500, 500}} {
			u := strings.Replace(c.url, "http://b.herd.test", b.URL, 1)
			resp, err := b.HTTP.Client().Get(u)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			cfg, _, err := image.DecodeConfig(bytes.NewReader(body))
			if resp.StatusCode != http.StatusOK || err != nil || cfg.Width != c.w || cfg.Height != c.h {
				t.Fatalf("GET %s: %d, %+v, %v; want a %dx%d image", u, resp.StatusCode, cfg, err, c.w, c.h)
			}
		}

		a.Expect(t, http.StatusOK, http.MethodDelete, "/api/v1/profile/avatar", alice.Token, nil)
		testrig.Eventually(t, "the removal reaches b", func() bool { return strings.HasSuffix(avatarOnB(), missing) })
	})
}
