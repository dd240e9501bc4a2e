package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mattn/go-mastodon"

	"herd/internal/apischema"
	"herd/internal/core/fault"
	"herd/internal/media/mediatest"
	"herd/internal/testrig"
)

// TestCustomEmojis: emoji an admin added are listed for the pickers, and
// a status or profile naming ":shortcode:" keeps the text and carries the
// emoji in its emojis array, through a real Mastodon client.
func TestCustomEmojis(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		ctx := context.Background()
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")

		r := inst.Expect(t, 200, "GET", "/api/v1/custom_emojis", "", nil)
		if strings.TrimSpace(string(r.Body)) != "[]" {
			t.Fatalf("no emoji yet: %s", r.Body)
		}
		if _, err := inst.Core.Files.AddCustomEmoji(ctx, "blobcat", mediatest.PNG(300, 200), "Blobs"); err != nil {
			t.Fatal(err)
		}
		if _, err := inst.Core.Files.AddCustomEmoji(ctx, "party_parrot", mediatest.GIF(40, 40), ""); err != nil {
			t.Fatal(err)
		}
		if _, err := inst.Core.Files.AddCustomEmoji(ctx, "blobcat", mediatest.PNG(10, 10), ""); err == nil {
			t.Error("a taken shortcode was added again")
		}
		for _, bad := range [][]byte{[]byte("<svg xmlns='http://www.w3.org/2000/svg'/>"), mediatest.PixelBomb(),
			mediatest.Truncated(), append(mediatest.PNG(10, 10), make([]byte, 256<<10)...)} {
			_, err := inst.Core.Files.AddCustomEmoji(ctx, "bad", bad, "")
			if e, ok := fault.As(err); !ok || e.Status != 422 {
				t.Errorf("bad image: err %v, want 422", err)
			}
		}

		r = inst.Expect(t, 200, "GET", "/api/v1/custom_emojis", "", nil)
		apischema.MustMatchArray(t, "CustomEmoji", r.Body)
		var list []struct {
			mastodon.Emoji
			Category *string `json:"category"`
		}
		r.JSON(t, &list)
		if len(list) != 2 {
			t.Fatalf("listed %d emoji, want 2: %s", len(list), r.Body)
		}
		var blob mastodon.Emoji
		for _, e := range list {
			if e.ShortCode == "blobcat" {
				blob = e.Emoji
				if e.Category == nil || *e.Category != "Blobs" || !e.VisibleInPicker || e.URL != e.StaticURL {
					t.Errorf("blobcat = %+v", e)
				}
			} else if e.Category != nil {
				t.Errorf("%s has category %q, want null", e.ShortCode, *e.Category)
			}
		}
		if w, h := servedImageSize(t, inst, blob.URL); w != 128 || h != 85 {
			t.Errorf("emoji image %dx%d, want scaled down to 128x85", w, h)
		}

		client := inst.Client(alice.Token)
		st, err := client.PostStatus(ctx, &mastodon.Toot{Status: "hi :blobcat: and :nope: and a:party_parrot:",
			SpoilerText: ":party_parrot:"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(st.Content, ":blobcat:") {
			t.Errorf("content lost the shortcode: %s", st.Content)
		}
		got, err := client.GetStatus(ctx, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Emojis) != 2 || got.Emojis[0].ShortCode != "blobcat" || got.Emojis[0].URL != blob.URL ||
			got.Emojis[1].ShortCode != "party_parrot" {
			t.Errorf("status emojis = %+v", got.Emojis)
		}
		r = inst.Expect(t, 200, "GET", "/api/v1/statuses/"+string(st.ID), alice.Token, nil)
		apischema.MustMatch(t, "Status", r.Body)
		tl, err := client.GetTimelineHome(ctx, nil)
		if err != nil || len(tl) != 1 || len(tl[0].Emojis) != 2 {
			t.Errorf("home timeline = %+v, %v", tl, err)
		}

		// Each version of the edit history carries the emoji it named.
		inst.Expect(t, 200, "PUT", "/api/v1/statuses/"+string(st.ID), alice.Token,
			map[string]any{"status": "now only :party_parrot:"})
		var history []struct {
			Emojis []mastodon.Emoji `json:"emojis"`
		}
		r = inst.Expect(t, 200, "GET", "/api/v1/statuses/"+string(st.ID)+"/history", alice.Token, nil)
		apischema.MustMatchArray(t, "StatusEdit", r.Body)
		r.JSON(t, &history)
		if len(history) != 2 || len(history[0].Emojis) != 2 || len(history[1].Emojis) != 1 ||
			history[1].Emojis[0].ShortCode != "party_parrot" {
			t.Errorf("history emojis = %+v", history)
		}

		name := "Alice :blobcat:"
		acct, err := client.AccountUpdate(ctx, &mastodon.Profile{DisplayName: &name})
		if err != nil {
			t.Fatal(err)
		}
		if acct.DisplayName != name || len(acct.Emojis) != 1 || acct.Emojis[0].ShortCode != "blobcat" {
			t.Errorf("profile = %q %+v", acct.DisplayName, acct.Emojis)
		}
		r = inst.Expect(t, 200, "GET", "/api/v1/accounts/"+itoa(alice.Account.ID), "", nil)
		apischema.MustMatch(t, "Account", r.Body)

		// A removed emoji is text again, at once.
		if err := inst.Core.Files.RemoveCustomEmoji(ctx, "blobcat"); err != nil {
			t.Fatal(err)
		}
		if got, err = client.GetStatus(ctx, st.ID); err != nil || len(got.Emojis) != 1 || got.Emojis[0].ShortCode != "party_parrot" {
			t.Errorf("after removal: %+v, %v", got.Emojis, err)
		}
		if r := fetch(t, inst, blob.URL, nil); r.Status != 404 {
			t.Errorf("removed emoji's image: %d", r.Status)
		}
	})
}
