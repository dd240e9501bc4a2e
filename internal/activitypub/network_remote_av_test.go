package activitypub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/mattn/go-mastodon"

	"herd/internal/config"
	"herd/internal/media/mediatest"
	"herd/internal/testrig"
)

// uploadV1 uploads a file through POST /api/v1/media (processed before
// the answer, video too) and answers the attachment's id and URL.
func uploadV1(t *testing.T, inst *testrig.Instance, token, name string, data []byte) (id, fileURL string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", inst.URL+"/api/v1/media", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := inst.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var att struct{ ID, URL string }
	if err := json.NewDecoder(resp.Body).Decode(&att); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("upload %s: %d, %v", name, resp.StatusCode, err)
	}
	return att.ID, att.URL
}

// TestNetworkRemoteVideo: alice on a posts a video; bob on b, her
// follower, sees it cached on b (an MP4 on b's storage, with its
// preview), remote_url naming a's file.
func TestNetworkRemoteVideo(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		ctx := context.Background()
		insts := testrig.StartNetworkWith(t, db, func(name string, c *config.Config) { c.RemoteMediaSpread = -1 },
			"a.herd.test", "b.herd.test")
		a, b := insts[0], insts[1]
		alice := a.NewUser(t, "alice")
		ac := a.Client(alice.Token)
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
		id, fileURL := uploadV1(t, a, alice.Token, "clip.webm", mediatest.WebM(t))
		if _, err := ac.PostStatus(ctx, &mastodon.Toot{Status: "a clip for bob", MediaIDs: []mastodon.ID{mastodon.ID(id)},
			Visibility: "public"}); err != nil {
			t.Fatal(err)
		}
		var seen *mastodon.Attachment
		testrig.Eventually(t, "bob sees the video cached on b", func() bool {
			home, err := bc.GetTimelineHome(ctx, nil)
			st := withText(home, "a clip for bob")
			if err != nil || st == nil || len(st.MediaAttachments) != 1 {
				return false
			}
			seen = &st.MediaAttachments[0]
			return strings.HasPrefix(seen.URL, "http://b.herd.test/system/media_attachments/")
		})
		if seen.Type != "video" || seen.RemoteURL != fileURL || !strings.HasSuffix(seen.URL, ".mp4") ||
			!strings.HasPrefix(seen.PreviewURL, "http://b.herd.test/system/") || seen.Meta.Original.Width != 160 {
			t.Fatalf("bob's copy %+v; want a 160x120 video on b with its preview, remote_url %s", seen, fileURL)
		}
		resp, err := b.HTTP.Client().Get(b.URL + strings.TrimPrefix(seen.URL, "http://b.herd.test"))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || len(body) < 8 || string(body[4:8]) != "ftyp" {
			t.Fatalf("b's stored video: %d, %d bytes; want an MP4", resp.StatusCode, len(body))
		}
	})
}

// TestNetworkRemoteEditMedia: alice on a edits a post, swapping its
// picture for another; bob on b sees the new picture, cached on b, and
// the history shows each version with its own picture.
func TestNetworkRemoteEditMedia(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		ctx := context.Background()
		insts := testrig.StartNetworkWith(t, db, func(name string, c *config.Config) { c.RemoteMediaSpread = -1 },
			"a.herd.test", "b.herd.test")
		a, b := insts[0], insts[1]
		alice := a.NewUser(t, "alice")
		ac := a.Client(alice.Token)
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
		firstID, firstURL := uploadV1(t, a, alice.Token, "first.png", mediatest.PNG(300, 200))
		st, err := ac.PostStatus(ctx, &mastodon.Toot{Status: "before", MediaIDs: []mastodon.ID{mastodon.ID(firstID)},
			Visibility: "public"})
		if err != nil {
			t.Fatal(err)
		}
		var onB *mastodon.Status
		testrig.Eventually(t, "bob sees the first picture cached", func() bool {
			home, err := bc.GetTimelineHome(ctx, nil)
			onB = withText(home, "before")
			return err == nil && onB != nil && len(onB.MediaAttachments) == 1 &&
				strings.HasPrefix(onB.MediaAttachments[0].URL, "http://b.herd.test/system/")
		})
		secondID, secondURL := uploadV1(t, a, alice.Token, "second.png", mediatest.PNG(500, 100))
		if _, err := ac.UpdateStatus(ctx, &mastodon.Toot{Status: "after", MediaIDs: []mastodon.ID{mastodon.ID(secondID)}},
			st.ID); err != nil {
			t.Fatal(err)
		}
		var now *mastodon.Status
		testrig.Eventually(t, "bob sees the edit with the second picture cached on b", func() bool {
			now, err = bc.GetStatus(ctx, onB.ID)
			return err == nil && len(now.MediaAttachments) == 1 && now.MediaAttachments[0].RemoteURL == secondURL &&
				strings.HasPrefix(now.MediaAttachments[0].URL, "http://b.herd.test/system/")
		})
		if m := now.MediaAttachments[0]; m.Meta.Original.Width != 500 || m.Meta.Original.Height != 100 {
			t.Fatalf("second picture on b: %+v", m.Meta.Original)
		}
		history, err := bc.GetStatusHistory(ctx, onB.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(history) != 2 || len(history[0].MediaAttachments) != 1 || len(history[1].MediaAttachments) != 1 ||
			history[0].MediaAttachments[0].RemoteURL != firstURL || history[1].MediaAttachments[0].RemoteURL != secondURL {
			t.Fatalf("history on b: %+v; want the first picture, then the second", history)
		}
	})
}
