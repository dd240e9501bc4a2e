package api_test

import (
	"bytes"
	"context"
	"image"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-mastodon"

	"herd/internal/apischema"
	"herd/internal/config"
	"herd/internal/core/federation"
	"herd/internal/core/files"
	"herd/internal/media/mediatest"
	"herd/internal/media/s3test"
	"herd/internal/model"
	"herd/internal/testrig"
)

// fromS3 GETs a file's public URL from the fake S3 service, as a client
// would, and checks it is the image type expected; it answers the size.
func fromS3(t *testing.T, s3 *s3test.Server, rawURL, contentType string) (int, int) {
	t.Helper()
	resp, err := s3.Client.Get(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != contentType {
		t.Fatalf("GET %s: %d %s", rawURL, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("GET %s: not an image: %v", rawURL, err)
	}
	return cfg.Width, cfg.Height
}

// keyOf is the storage key of a public URL in the bucket.
func keyOf(t *testing.T, s3 *s3test.Server, rawURL string) string {
	t.Helper()
	base := s3.URL + "/" + s3.Bucket + "/"
	if !strings.HasPrefix(rawURL, base) {
		t.Fatalf("%q is not a file of the bucket (%s)", rawURL, base)
	}
	return strings.TrimPrefix(rawURL, base)
}

// TestMediaOnS3: with S3 storage, uploads, avatars and custom emoji are
// objects of the bucket, shown at its public URL and fetched from it (the
// instance serves no /system/ files); removing media removes the objects.
func TestMediaOnS3(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		s3 := s3test.Start(t, "herd-media")
		inst := testrig.Start(t, db, testrig.WithS3(s3))
		alice := inst.NewUser(t, "alice")
		ctx := context.Background()
		ac := inst.Client(alice.Token)

		att, err := ac.UploadMediaFromBytes(ctx, mediatest.PNG(40, 30))
		if err != nil {
			t.Fatal(err)
		}
		file, preview := keyOf(t, s3, att.URL), keyOf(t, s3, att.PreviewURL)
		if !strings.HasPrefix(file, "media_attachments/") {
			t.Fatalf("file key %q", file)
		}
		if w, h := fromS3(t, s3, att.URL, "image/png"); w != 40 || h != 30 {
			t.Fatalf("stored %dx%d, want 40x30", w, h)
		}
		fromS3(t, s3, att.PreviewURL, "image/jpeg")
		if keys := s3.Keys(t); !slices.Equal(keys, sortedOf(file, preview)) {
			t.Fatalf("bucket holds %v", keys)
		}
		if n := mediaFiles(t, inst); n != 0 {
			t.Fatalf("%d files in the local folder", n)
		}
		if r := fetch(t, inst, inst.URL+"/system/"+file, nil); r.Status != 404 {
			t.Fatalf("the instance served /system/ with S3 storage: %d", r.Status)
		}
		// Pages allow pictures from the bucket's public URL.
		if csp := inst.Expect(t, 200, "GET", "/@alice", "", nil).Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' "+s3.URL+" data: blob:;") {
			t.Fatalf("page CSP %q does not allow the bucket %s", csp, s3.URL)
		}

		st, err := ac.PostStatus(ctx, &mastodon.Toot{Status: "from the bucket", MediaIDs: []mastodon.ID{att.ID}})
		if err != nil {
			t.Fatal(err)
		}
		r := inst.Expect(t, 200, "GET", "/api/v1/statuses/"+string(st.ID), alice.Token, nil)
		apischema.MustMatch(t, "Status", r.Body)
		if !strings.Contains(string(r.Body), `"url":"`+att.URL+`"`) {
			t.Fatalf("status: %s", r.Body)
		}

		// Deleting the status gives the upload back (delete and redraft);
		// deleting the upload removes its objects.
		if err := ac.DeleteStatus(ctx, st.ID); err != nil {
			t.Fatal(err)
		}
		inst.Expect(t, 200, "DELETE", "/api/v1/media/"+string(att.ID), alice.Token, nil)
		if keys := s3.Keys(t); len(keys) != 0 {
			t.Fatalf("objects left after deleting the media: %v", keys)
		}

		// An upload left unattached is pruned with its objects.
		stale, err := ac.UploadMediaFromBytes(ctx, mediatest.JPEGWithEXIF(32, 32, 1))
		if err != nil {
			t.Fatal(err)
		}
		fromS3(t, s3, stale.URL, "image/jpeg")
		if n, err := inst.Core.Files.PruneUnattachedMedia(ctx, time.Now().Add(time.Second)); err != nil || n != 1 {
			t.Fatalf("pruned %d, %v", n, err)
		}
		if keys := s3.Keys(t); len(keys) != 0 {
			t.Fatalf("objects left after pruning: %v", keys)
		}

		// Avatars and custom emoji go to the bucket too.
		acct, err := ac.AccountUpdate(ctx, &mastodon.Profile{Avatar: dataURI(mediatest.PNG(500, 500))})
		if err != nil {
			t.Fatal(err)
		}
		if w, _ := fromS3(t, s3, acct.Avatar, "image/png"); w != 400 || !strings.HasPrefix(keyOf(t, s3, acct.Avatar), "avatars/") {
			t.Fatalf("avatar %q, %d wide", acct.Avatar, w)
		}
		e, err := inst.Core.Files.AddCustomEmoji(ctx, "bucket", mediatest.PNG(64, 64), "")
		if err != nil {
			t.Fatal(err)
		}
		emojiURL := inst.Core.Files.CustomEmojiURL(e)
		fromS3(t, s3, emojiURL, "image/png")
		if err := inst.Core.Files.RemoveCustomEmoji(ctx, "bucket"); err != nil {
			t.Fatal(err)
		}
		if slices.Contains(s3.Keys(t), keyOf(t, s3, emojiURL)) {
			t.Fatal("a removed emoji's image is still in the bucket")
		}
	})
}

func sortedOf(keys ...string) []string {
	slices.Sort(keys)
	return keys
}

// TestVideoUploadOnS3: a video upload waits in the bucket as a raw object
// until the job reads it back, processes it and stores the results; the
// raw object is then removed.
func TestVideoUploadOnS3(t *testing.T) {
	s3 := s3test.Start(t, "herd-media")
	inst := testrig.Start(t, testrig.SQLite, testrig.WithS3(s3))
	alice := inst.NewUser(t, "alice")
	r := uploadRaw(t, inst, alice.Token, "/api/v2/media", "clip.mp4", mediatest.MP4(t), nil)
	if r.Status != 202 {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	var att avEntity
	r.JSON(t, &att)
	if r = awaitMedia(t, inst, alice.Token, att.ID); r.Status != 200 {
		t.Fatalf("processed: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &att)
	resp, err := s3.Client.Get(*att.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "video/mp4" {
		t.Fatalf("video from the bucket: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if streams, _ := probeServed(t, body); strings.Join(streams, ",") != "h264,aac" {
		t.Fatalf("streams %v", streams)
	}
	fromS3(t, s3, *att.PreviewURL, "image/jpeg")
	if keys := s3.Keys(t); !slices.Equal(keys, sortedOf(keyOf(t, s3, *att.URL), keyOf(t, s3, *att.PreviewURL))) {
		t.Fatalf("bucket holds %v; want the video and its preview only (no raw upload)", keys)
	}
}

// TestRemoteMediaOnS3: a remote attachment is cached in the bucket, the
// prune removes its objects, and the media proxy fetches it again into the
// bucket and redirects to its public URL.
func TestRemoteMediaOnS3(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		s3 := s3test.Start(t, "herd-media")
		fileHost := newFileHost(t, map[string]fileAnswer{"/a.png": {"image/png", mediatest.PNG(300, 200)}})
		inst := testrig.Start(t, db, testrig.WithS3(s3), func(c *config.Config) {
			c.AllowPrivateAddresses, c.OutboundResolve, c.RemoteMediaSpread = true, fileHost.resolve, -1
		})
		r := &remoteMediaRig{inst: inst, files: fileHost}
		var err error
		r.ann, err = inst.Core.Federation.SaveRemoteAccount(context.Background(), federation.RemoteActor{URI: "http://remote.test/users/ann",
			Username: "ann", Domain: "remote.test", URL: "http://remote.test/@ann", InboxURL: "http://remote.test/users/ann/inbox"})
		if err != nil {
			t.Fatal(err)
		}
		id := r.receive(t, model.Public, files.RemoteMedia{URL: "http://remote.test/a.png", MediaType: "image/png"})
		r.waitJobs(t)
		m := r.media(t, id)[0]
		if !strings.HasPrefix(m.URL, s3.URL+"/") {
			t.Fatalf("remote attachment not cached in the bucket: %+v", m)
		}
		if w, h := fromS3(t, s3, m.URL, "image/png"); w != 300 || h != 200 {
			t.Fatalf("cached %dx%d", w, h)
		}
		if len(s3.Keys(t)) != 2 {
			t.Fatalf("bucket holds %v", s3.Keys(t))
		}

		if n, err := inst.Core.Files.PruneRemoteMedia(context.Background(), time.Now().Add(time.Second), nil); err != nil || n != 1 {
			t.Fatalf("pruned %d, %v", n, err)
		}
		if keys := s3.Keys(t); len(keys) != 0 {
			t.Fatalf("objects left after pruning: %v", keys)
		}
		pruned := r.media(t, id)[0]
		code, h, _ := get(t, pruned.URL)
		loc := h.Get("Location")
		if code != http.StatusFound || !strings.HasPrefix(loc, s3.URL+"/"+s3.Bucket+"/") {
			t.Fatalf("media proxy: %d to %q, want the bucket", code, loc)
		}
		if w, _ := fromS3(t, s3, loc, "image/png"); w != 300 {
			t.Fatalf("refetched %d wide", w)
		}
	})
}
