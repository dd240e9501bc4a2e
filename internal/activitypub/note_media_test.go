package activitypub_test

import (
	"bytes"
	"context"
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
