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

	"herd/internal/media/mediatest"
	"herd/internal/testrig"
)

// TestNetworkAvatarChangeFederates: a follower's server sees a new avatar
// (a picture it can fetch, 400×400) and its removal, through the
// Update:Person the profile change sends.
func TestNetworkAvatarChangeFederates(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		ctx := context.Background()
		insts := testrig.StartNetwork(t, db, "a.herd.test", "b.herd.test")
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
		eventually(t, "alice has bob as a follower", func() bool {
			me, err := ac.GetAccountCurrentUser(ctx)
			return err == nil && me.FollowersCount == 1
		})
		avatarOnB := func() string {
			acct, err := bc.GetAccount(ctx, aliceOnB.ID)
			if err != nil {
				return ""
			}
			return acct.Avatar
		}
		const missing = "/avatars/original/missing.png"
		if !strings.HasSuffix(avatarOnB(), missing) {
			t.Fatalf("alice starts with avatar %q on b", avatarOnB())
		}

		pic := mediatest.JPEGWithEXIF(900, 600, 1)
		if _, err := ac.AccountUpdate(ctx, &mastodon.Profile{
			Avatar: "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(pic)}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the new avatar reaches b", func() bool {
			u := avatarOnB()
			return u != "" && !strings.HasSuffix(u, missing)
		})
		// Wherever b shows it from (alice's server, or a copy of its own),
		// the picture is there and is alice's 400×400 avatar.
		u := avatarOnB()
		for _, inst := range insts {
			u = strings.Replace(u, "http://"+inst.Domain, inst.URL, 1)
		}
		resp, err := a.HTTP.Client().Get(u)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		cfg, _, err := image.DecodeConfig(bytes.NewReader(body))
		if resp.StatusCode != http.StatusOK || err != nil || cfg.Width != 400 || cfg.Height != 400 {
			t.Fatalf("GET %s: %d, %+v, %v", u, resp.StatusCode, cfg, err)
		}

		a.Expect(t, http.StatusOK, http.MethodDelete, "/api/v1/profile/avatar", alice.Token, nil)
		eventually(t, "the removal reaches b", func() bool { return strings.HasSuffix(avatarOnB(), missing) })
	})
}
