package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"herd/internal/core/federation"
	"herd/internal/core/files"
	"herd/internal/ids"
	"herd/internal/media/mediatest"
	"herd/internal/model"
	"herd/internal/testrig"
)

// TestRemoteEditChangesMedia: a remote Update whose Note drops one
// attachment, keeps another (new alt text, same cached file) and adds a
// third: the status shows kept and added in the Note's order, the added
// one fetched and cached, the dropped one gone from the status but still
// in the history's first version; a repeat of the Update changes nothing.
func TestRemoteEditChangesMedia(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		ctx := context.Background()
		r := newRemoteMediaRig(t, db, map[string]fileAnswer{
			"/a.png": {"image/png", mediatest.PNG(30, 20)}, "/b.png": {"image/png", mediatest.PNG(40, 20)},
			"/c.png": {"image/png", mediatest.PNG(50, 20)}}, true)
		note := federation.RemoteNote{URI: "http://remote.test/users/ann/statuses/e", Content: "<p>two pictures</p>",
			Visibility: model.Public, Published: time.Now().Add(-time.Minute), Media: []files.RemoteMedia{
				{URL: "http://remote.test/a.png", MediaType: "image/png", Description: "a"},
				{URL: "http://remote.test/b.png", MediaType: "image/png", Description: "b"}}}
		st, err := r.inst.Core.Federation.ReceiveNote(ctx, r.ann, note)
		if err != nil {
			t.Fatal(err)
		}
		r.waitJobs(t)
		id := ids.Format(st.ID)
		first := r.media(t, id)
		if len(first) != 2 || !strings.HasPrefix(first[1].URL, r.inst.Core.BaseURL()+"/system/") {
			t.Fatalf("before the edit: %+v", first)
		}

		note.Content, note.Updated = "<p>other pictures</p>", time.Now()
		note.Media = []files.RemoteMedia{{URL: "http://remote.test/c.png", MediaType: "image/png", Description: "c"},
			{URL: "http://remote.test/b.png", MediaType: "image/png", Description: "b, described better"}}
		for range 2 { // the second time is a repeat
			if err := r.inst.Core.Federation.ReceiveNoteUpdate(ctx, r.ann, note); err != nil {
				t.Fatal(err)
			}
			r.waitJobs(t)
		}
		now := r.media(t, id)
		if len(now) != 2 || now[0].RemoteURL == nil || *now[0].RemoteURL != "http://remote.test/c.png" ||
			now[1].ID != first[1].ID || now[1].URL != first[1].URL || *now[1].Description != "b, described better" {
			t.Fatalf("after the edit: %+v; want c (new) then b (kept, same file, new alt text)", now)
		}
		if !strings.HasPrefix(now[0].URL, r.inst.Core.BaseURL()+"/system/") || now[0].Meta.Original.Width != 50 {
			t.Fatalf("added attachment not cached: %+v", now[0])
		}
		if r.files.count("/b.png") != 1 || r.files.count("/c.png") != 1 {
			t.Fatalf("fetched b %d and c %d times, want once each", r.files.count("/b.png"), r.files.count("/c.png"))
		}
		var history []struct {
			Content          string
			MediaAttachments []remoteMediaJSON `json:"media_attachments"`
		}
		r.inst.Expect(t, http.StatusOK, "GET", "/api/v1/statuses/"+id+"/history", "", nil).JSON(t, &history)
		if len(history) != 2 {
			t.Fatalf("%d versions, want 2 (the repeat adds none)", len(history))
		}
		urls := func(list []remoteMediaJSON) (out []string) {
			for _, m := range list {
				out = append(out, *m.RemoteURL)
			}
			return out
		}
		if got := strings.Join(urls(history[0].MediaAttachments), " "); got != "http://remote.test/a.png http://remote.test/b.png" {
			t.Fatalf("first version's media: %s", got)
		}
		if got := strings.Join(urls(history[1].MediaAttachments), " "); got != "http://remote.test/c.png http://remote.test/b.png" {
			t.Fatalf("second version's media: %s", got)
		}
		if code, _, _ := get(t, history[0].MediaAttachments[0].URL); code != http.StatusOK {
			t.Fatalf("the dropped attachment's file in the history: %d", code)
		}

		// An edit removing every attachment leaves none.
		note.Content, note.Updated, note.Media = "<p>no pictures</p>", time.Now(), nil
		if err := r.inst.Core.Federation.ReceiveNoteUpdate(ctx, r.ann, note); err != nil {
			t.Fatal(err)
		}
		if now := r.media(t, id); len(now) != 0 {
			t.Fatalf("after removing all: %+v", now)
		}
	})
}
