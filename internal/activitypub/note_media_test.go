package activitypub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mattn/go-mastodon"

	"herd/internal/media/mediatest"
	"herd/internal/testrig"
)

// A status's attachments travel in its Note as Mastodon sends them:
// Document with mediaType, url, alt text as name, blurhash, focalPoint,
// width and height.
func TestNoteCarriesAttachments(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		ctx := context.Background()
		c := inst.Client(alice.Token)
		att, err := c.UploadMediaFromMedia(ctx, &mastodon.Media{File: bytes.NewReader(mediatest.JPEGWithEXIF(90, 30, 1)),
			Description: "stripes", Focus: "0.25,0.5"})
		if err != nil {
			t.Fatal(err)
		}
		st, err := c.PostStatus(ctx, &mastodon.Toot{Status: "look", MediaIDs: []mastodon.ID{att.ID}, Sensitive: true})
		if err != nil {
			t.Fatal(err)
		}
		note := fetchDoc(t, inst, statusPath("alice", string(st.ID)))
		list := note.list("attachment")
		if len(list) != 1 {
			t.Fatalf("attachment = %v", list)
		}
		d := doc(list[0].(map[string]any))
		if d.str("type") != "Document" || d.str("mediaType") != "image/jpeg" || d.str("url") != att.URL ||
			d.str("name") != "stripes" || d.str("blurhash") != att.BlurHash || d["width"] != 90.0 || d["height"] != 30.0 {
			t.Fatalf("document = %v", d)
		}
		if fp := d.list("focalPoint"); len(fp) != 2 || fp[0] != 0.25 || fp[1] != 0.5 {
			t.Fatalf("focalPoint = %v", fp)
		}
		if note["sensitive"] != true {
			t.Fatalf("sensitive = %v", note["sensitive"])
		}
	})
}

// Video and audio travel as Documents too: video/mp4 with its size and
// blurhash, audio/mpeg without either.
func TestNoteCarriesVideoAndAudio(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		var ids []string
		for name, data := range map[string][]byte{"clip.mp4": mediatest.MP4(t), "song.wav": mediatest.Audio(t, "a.wav")} {
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			fw, _ := mw.CreateFormFile("file", name)
			fw.Write(data)
			mw.Close()
			req, _ := http.NewRequest("POST", inst.URL+"/api/v1/media", &body)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("Authorization", "Bearer "+alice.Token)
			resp, err := inst.HTTP.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var att struct{ ID string }
			json.NewDecoder(resp.Body).Decode(&att)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d", name, resp.StatusCode)
			}
			ids = append(ids, att.ID)
		}
		var st struct{ ID string }
		inst.Expect(t, 200, "POST", "/api/v1/statuses", alice.Token, url.Values{"status": {"listen"}, "media_ids[]": ids}).JSON(t, &st)
		byType := map[string]doc{}
		for _, item := range fetchDoc(t, inst, statusPath("alice", st.ID)).list("attachment") {
			d := doc(item.(map[string]any))
			byType[d.str("mediaType")] = d
		}
		v, a := byType["video/mp4"], byType["audio/mpeg"]
		if v == nil || v.str("type") != "Document" || v["width"] != 160.0 || v["height"] != 120.0 || v.str("blurhash") == "" ||
			!strings.HasSuffix(v.str("url"), ".mp4") {
			t.Fatalf("video document = %v", v)
		}
		if a == nil || a.str("type") != "Document" || a["width"] != nil || a["blurhash"] != nil || !strings.HasSuffix(a.str("url"), ".mp3") {
			t.Fatalf("audio document = %v", a)
		}
	})
}
