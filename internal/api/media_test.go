package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-mastodon"

	"herd/internal/apischema"
	"herd/internal/config"
	"herd/internal/core/files"
	"herd/internal/media/mediatest"
	"herd/internal/testrig"
)

// uploadRaw posts a multipart upload with the file name and fields given,
// as a client might (the name and declared type are not trusted).
func uploadRaw(t *testing.T, inst *testrig.Instance, token, path, name string, data []byte, fields url.Values) *testrig.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	mw.Close()
	req, _ := http.NewRequest("POST", inst.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := inst.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return &testrig.Response{Status: resp.StatusCode, Header: resp.Header, Body: raw}
}

// mediaFiles counts the files stored under the instance's media folder.
func mediaFiles(t *testing.T, inst *testrig.Instance) int {
	t.Helper()
	n := 0
	filepath.WalkDir(inst.Server.Config.MediaDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

// fetch GETs an absolute URL (a served media file).
func fetch(t *testing.T, inst *testrig.Instance, rawURL string, header http.Header) *testrig.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", rawURL, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := inst.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return &testrig.Response{Status: resp.StatusCode, Header: resp.Header, Body: raw}
}

func TestUploadJPEGStripsEXIFAndAppliesOrientation(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		ctx := context.Background()
		in := mediatest.JPEGWithEXIF(120, 60, 6) // landscape pixels, shown portrait
		att, err := inst.Client(alice.Token).UploadMediaFromMedia(ctx, &mastodon.Media{
			File: bytes.NewReader(in), Description: "a red and blue test card", Focus: "0.5,-0.25"})
		if err != nil {
			t.Fatal(err)
		}
		if att.Type != "image" || att.Meta.Original.Width != 60 || att.Meta.Original.Height != 120 {
			t.Fatalf("attachment = %+v (orientation not applied?)", att)
		}
		if att.Description != "a red and blue test card" || att.BlurHash == "" || att.Meta.Focus.X != 0.5 || att.Meta.Focus.Y != -0.25 {
			t.Fatalf("attachment = %+v", att)
		}
		r := inst.Expect(t, 200, "GET", "/api/v1/media/"+string(att.ID), alice.Token, nil)
		apischema.MustMatch(t, "MediaAttachment", r.Body)

		file := fetch(t, inst, att.URL, nil)
		if file.Status != 200 || file.Header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("served %d %v", file.Status, file.Header)
		}
		if bytes.Contains(file.Body, []byte(mediatest.GPSMarker)) || bytes.Contains(file.Body, []byte("Exif")) {
			t.Fatal("the served file still carries EXIF")
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(file.Body))
		if err != nil || cfg.Width != 60 || cfg.Height != 120 {
			t.Fatalf("served image %+v, %v", cfg, err)
		}
		h := file.Header
		if h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") ||
			!strings.Contains(h.Get("Cache-Control"), "max-age") || h.Get("ETag") == "" || h.Get("Accept-Ranges") != "bytes" {
			t.Fatalf("served headers %v", h)
		}
		part := fetch(t, inst, att.URL, http.Header{"Range": {"bytes=0-9"}})
		if part.Status != http.StatusPartialContent || !bytes.Equal(part.Body, file.Body[:10]) {
			t.Fatalf("range: %d, %d bytes", part.Status, len(part.Body))
		}
		if again := fetch(t, inst, att.URL, http.Header{"If-None-Match": {h.Get("ETag")}}); again.Status != http.StatusNotModified {
			t.Fatalf("If-None-Match: %d", again.Status)
		}
		if prev := fetch(t, inst, att.PreviewURL, nil); prev.Status != 200 || !strings.HasPrefix(prev.Header.Get("Content-Type"), "image/") {
			t.Fatalf("preview: %d %v", prev.Status, prev.Header)
		}
	})
}

func TestUploadFormatsAndUpdates(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		for name, data := range map[string][]byte{
			"pic.png": mediatest.PNG(40, 30), "pic.gif": mediatest.GIF(40, 30), "pic.webp": mediatest.WebP,
		} {
			r := uploadRaw(t, inst, alice.Token, "/api/v1/media", name, data, nil)
			if r.Status != 200 {
				t.Fatalf("%s: %d %s", name, r.Status, r.Body)
			}
			apischema.MustMatch(t, "MediaAttachment", r.Body)
		}
		r := uploadRaw(t, inst, alice.Token, "/api/v2/media", "pic.png", mediatest.PNG(40, 30), nil)
		var att struct {
			ID          string  `json:"id"`
			Description *string `json:"description"`
			Meta        struct {
				Focus *struct{ X, Y float64 } `json:"focus"`
			} `json:"meta"`
		}
		r.JSON(t, &att)
		r = inst.Expect(t, 200, "PUT", "/api/v1/media/"+att.ID, alice.Token, url.Values{"description": {"alt"}, "focus": {"-1,1"}})
		r.JSON(t, &att)
		if att.Description == nil || *att.Description != "alt" || att.Meta.Focus == nil || att.Meta.Focus.X != -1 || att.Meta.Focus.Y != 1 {
			t.Fatalf("updated = %s", r.Body)
		}
		inst.Expect(t, 422, "PUT", "/api/v1/media/"+att.ID, alice.Token, url.Values{"focus": {"3,0"}})
		// Someone else's upload does not exist for bob.
		inst.Expect(t, 404, "GET", "/api/v1/media/"+att.ID, bob.Token, nil)
		inst.Expect(t, 404, "DELETE", "/api/v1/media/"+att.ID, bob.Token, nil)
		before := mediaFiles(t, inst)
		inst.Expect(t, 200, "DELETE", "/api/v1/media/"+att.ID, alice.Token, nil)
		inst.Expect(t, 404, "GET", "/api/v1/media/"+att.ID, alice.Token, nil)
		if after := mediaFiles(t, inst); after != before-2 {
			t.Fatalf("files %d → %d after delete", before, after)
		}
	})
}

func TestUploadRefusesHostileFiles(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		for _, tc := range []struct {
			name string
			data []byte
		}{
			{"bomb.png", mediatest.PixelBomb()},
			{"cut.jpg", mediatest.Truncated()},
			{"notes.jpg", []byte("this is text, whatever its name says")},
			{"polyglot.jpg", append([]byte("<html><script>alert(1)</script>"), mediatest.PNG(4, 4)...)},
		} {
			r := uploadRaw(t, inst, alice.Token, "/api/v2/media", tc.name, tc.data, nil)
			if r.Status != 422 || !strings.Contains(string(r.Body), `"error"`) {
				t.Errorf("%s: %d %s", tc.name, r.Status, r.Body)
			}
		}
		if n := mediaFiles(t, inst); n != 0 {
			t.Errorf("%d files stored from refused uploads", n)
		}
		var rows int
		if err := inst.Server.DB.Read.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM media_attachments").Scan(&rows); err != nil || rows != 0 {
			t.Errorf("%d rows stored from refused uploads (%v)", rows, err)
		}
		// No file, no upload.
		inst.Expect(t, 422, "POST", "/api/v2/media", alice.Token, url.Values{"description": {"x"}})
	})
}

func TestPostStatusWithMedia(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		ctx := context.Background()
		ac := inst.Client(alice.Token)
		var uploads []*mastodon.Attachment
		for i := 0; i < 5; i++ {
			att, err := ac.UploadMediaFromBytes(ctx, mediatest.PNG(20+i, 10))
			if err != nil {
				t.Fatal(err)
			}
			uploads = append(uploads, att)
		}
		bobs, err := inst.Client(bob.Token).UploadMediaFromBytes(ctx, mediatest.PNG(8, 8))
		if err != nil {
			t.Fatal(err)
		}
		ids := func(list ...*mastodon.Attachment) []mastodon.ID {
			var out []mastodon.ID
			for _, a := range list {
				out = append(out, a.ID)
			}
			return out
		}
		// Refused: five files, someone else's file, an unknown id.
		for _, media := range [][]mastodon.ID{ids(uploads...), ids(uploads[0], bobs), {"12345"}} {
			if _, err := ac.PostStatus(ctx, &mastodon.Toot{Status: "x", MediaIDs: media}); err == nil || !strings.Contains(err.Error(), "422") {
				t.Errorf("media %v: %v", media, err)
			}
		}
		// Media without text is a valid post, and sensitive is kept.
		st, err := ac.PostStatus(ctx, &mastodon.Toot{MediaIDs: ids(uploads[0], uploads[1]), Sensitive: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(st.MediaAttachments) != 2 || st.MediaAttachments[0].ID != uploads[0].ID || !st.Sensitive ||
			st.MediaAttachments[0].URL != uploads[0].URL || st.MediaAttachments[1].Meta.Original.Width != 21 {
			t.Fatalf("posted = %+v", st)
		}
		// Attached once: not again, and no longer an upload of its own.
		if _, err := ac.PostStatus(ctx, &mastodon.Toot{Status: "again", MediaIDs: ids(uploads[0])}); err == nil {
			t.Error("an attached upload was attached again")
		}
		inst.Expect(t, 404, "GET", "/api/v1/media/"+string(uploads[0].ID), alice.Token, nil)
		inst.Expect(t, 404, "DELETE", "/api/v1/media/"+string(uploads[0].ID), alice.Token, nil)

		r := inst.Expect(t, 200, "GET", "/api/v1/statuses/"+string(st.ID), bob.Token, nil)
		apischema.MustMatch(t, "Status", r.Body)
		if !strings.Contains(string(r.Body), `"preview_url":"`+uploads[1].PreviewURL+`"`) {
			t.Fatalf("status as bob reads it: %s", r.Body)
		}
		// An edit may send the same media back (apps do); the edited status
		// is read afresh from the database, attachments included.
		if _, err := ac.UpdateStatus(ctx, &mastodon.Toot{Status: "now with words", MediaIDs: ids(uploads[0], uploads[1])}, st.ID); err != nil {
			t.Fatalf("edit keeping media: %v", err)
		}
		tl := inst.Expect(t, 200, "GET", "/api/v1/accounts/"+string(st.Account.ID)+"/statuses", bob.Token, nil)
		apischema.MustMatchArray(t, "Status", tl.Body)
		if !strings.Contains(string(tl.Body), "now with words") || !strings.Contains(string(tl.Body), uploads[1].URL) {
			t.Fatalf("profile page after the edit: %s", tl.Body)
		}
		// Someone else's upload is refused in an edit too, and nothing changes.
		if _, err := ac.UpdateStatus(ctx, &mastodon.Toot{Status: "swap", MediaIDs: ids(uploads[2], bobs)}, st.ID); err == nil {
			t.Fatal("an edit attached someone else's upload")
		}
		if got := mediaOf(t, inst, bob.Token, st.ID); !slices.Equal(got, ids(uploads[0], uploads[1])) {
			t.Fatalf("media after a refused edit: %v", got)
		}
	})
}

// mediaOf reads a status's attachment ids, in order, as viewer sees them.
func mediaOf(t *testing.T, inst *testrig.Instance, token string, id mastodon.ID) []mastodon.ID {
	t.Helper()
	st, err := inst.Client(token).GetStatus(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []mastodon.ID
	for _, m := range st.MediaAttachments {
		out = append(out, m.ID)
	}
	return out
}

func TestEditStatusMedia(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice, bob := inst.NewUser(t, "alice"), inst.NewUser(t, "bob")
		ctx := context.Background()
		ac := inst.Client(alice.Token)
		var up []mastodon.ID
		for i := 0; i < 4; i++ {
			att, err := ac.UploadMediaFromBytes(ctx, mediatest.PNG(10+i, 10))
			if err != nil {
				t.Fatal(err)
			}
			up = append(up, att.ID)
		}
		// Attachments keep the order of media_ids, not of the uploads.
		st, err := ac.PostStatus(ctx, &mastodon.Toot{Status: "v1", MediaIDs: []mastodon.ID{up[1], up[0]}})
		if err != nil {
			t.Fatal(err)
		}
		if got := mediaOf(t, inst, bob.Token, st.ID); !slices.Equal(got, []mastodon.ID{up[1], up[0]}) {
			t.Fatalf("posted media = %v, want %v", got, []mastodon.ID{up[1], up[0]})
		}
		// Reorder, drop one, add a new upload.
		if _, err := ac.UpdateStatus(ctx, &mastodon.Toot{Status: "v2", MediaIDs: []mastodon.ID{up[2], up[1]}}, st.ID); err != nil {
			t.Fatal(err)
		}
		if got := mediaOf(t, inst, bob.Token, st.ID); !slices.Equal(got, []mastodon.ID{up[2], up[1]}) {
			t.Fatalf("edited media = %v", got)
		}
		// The dropped upload stays the status's (for the history), so it is
		// not an upload of alice's to attach elsewhere.
		inst.Expect(t, 404, "GET", "/api/v1/media/"+string(up[0]), alice.Token, nil)
		if _, err := ac.PostStatus(ctx, &mastodon.Toot{Status: "reuse", MediaIDs: []mastodon.ID{up[0]}}); err == nil {
			t.Error("an upload an edit dropped was attached to another status")
		}
		// Alt text through media_attributes (Mastodon 4.1), form style.
		inst.Expect(t, 200, "PUT", "/api/v1/statuses/"+string(st.ID), alice.Token, url.Values{
			"status": {"v3"}, "media_ids[]": {string(up[2]), string(up[1])},
			"media_attributes[][id]": {string(up[1])}, "media_attributes[][description]": {"a red square"}})
		edited, err := inst.Client(bob.Token).GetStatus(ctx, st.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(edited.MediaAttachments) != 2 || edited.MediaAttachments[1].Description != "a red square" {
			t.Fatalf("after media_attributes: %+v", edited.MediaAttachments)
		}
		// media_attributes naming an attachment the status does not have is refused.
		inst.Expect(t, 422, "PUT", "/api/v1/statuses/"+string(st.ID), alice.Token, url.Values{
			"status": {"v4"}, "media_ids[]": {string(up[2])},
			"media_attributes[][id]": {string(up[3])}, "media_attributes[][description]": {"x"}})
		// No media_ids removes them all, as in Mastodon; the text must then stand alone.
		inst.Expect(t, 422, "PUT", "/api/v1/statuses/"+string(st.ID), alice.Token, url.Values{"status": {""}})
		if _, err := ac.UpdateStatus(ctx, &mastodon.Toot{Status: "words only"}, st.ID); err != nil {
			t.Fatal(err)
		}
		if got := mediaOf(t, inst, bob.Token, st.ID); len(got) != 0 {
			t.Fatalf("media after removing all: %v", got)
		}
		// only_media no longer finds it.
		r := inst.Expect(t, 200, "GET", "/api/v1/accounts/"+string(st.Account.ID)+"/statuses?only_media=true", bob.Token, nil)
		if strings.TrimSpace(string(r.Body)) != "[]" {
			t.Fatalf("only_media after removing the media: %s", r.Body)
		}
		// The history shows each version with its own attachments, in order.
		r = inst.Expect(t, 200, "GET", "/api/v1/statuses/"+string(st.ID)+"/history", bob.Token, nil)
		apischema.MustMatchArray(t, "StatusEdit", r.Body)
		var history []struct {
			Content string `json:"content"`
			Media   []struct {
				ID mastodon.ID `json:"id"`
			} `json:"media_attachments"`
		}
		if err := json.Unmarshal(r.Body, &history); err != nil {
			t.Fatal(err)
		}
		want := [][]mastodon.ID{{up[1], up[0]}, {up[2], up[1]}, {up[2], up[1]}, nil}
		if len(history) != len(want) {
			t.Fatalf("%d versions, want %d: %s", len(history), len(want), r.Body)
		}
		for i, v := range history {
			var got []mastodon.ID
			for _, m := range v.Media {
				got = append(got, m.ID)
			}
			if !slices.Equal(got, want[i]) {
				t.Errorf("version %d (%s) media = %v, want %v", i, v.Content, got, want[i])
			}
		}
		// Deleting the status gives every upload it ever had back, for a redraft.
		if err := ac.DeleteStatus(ctx, st.ID); err != nil {
			t.Fatal(err)
		}
		for _, id := range up[:3] {
			inst.Expect(t, 200, "GET", "/api/v1/media/"+string(id), alice.Token, nil)
		}
	})
}

func TestPruneUnattachedMedia(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		ctx := context.Background()
		ac := inst.Client(alice.Token)
		kept, err := ac.UploadMediaFromBytes(ctx, mediatest.PNG(10, 10))
		if err != nil {
			t.Fatal(err)
		}
		dropped, err := ac.UploadMediaFromBytes(ctx, mediatest.PNG(12, 10))
		if err != nil {
			t.Fatal(err)
		}
		st, err := ac.PostStatus(ctx, &mastodon.Toot{Status: "kept", MediaIDs: []mastodon.ID{kept.ID}})
		if err != nil {
			t.Fatal(err)
		}
		// A day old is not yet: nothing goes.
		if n, err := inst.Core.Files.PruneUnattachedMedia(ctx, time.Now().Add(-files.UnattachedMediaTTL)); err != nil || n != 0 {
			t.Fatalf("pruned %d fresh uploads (%v)", n, err)
		}
		if n, err := inst.Core.Files.PruneUnattachedMedia(ctx, time.Now().Add(time.Second)); err != nil || n != 1 {
			t.Fatalf("pruned %d, want 1 (%v)", n, err)
		}
		inst.Expect(t, 404, "GET", "/api/v1/media/"+string(dropped.ID), alice.Token, nil)
		if r := fetch(t, inst, dropped.URL, nil); r.Status != 404 {
			t.Fatalf("pruned file still served: %d", r.Status)
		}
		if r := fetch(t, inst, kept.URL, nil); r.Status != 200 {
			t.Fatalf("attached file gone: %d", r.Status)
		}
		if n := mediaFiles(t, inst); n != 2 {
			t.Fatalf("%d files left, want the attached upload's 2", n)
		}
		got, err := ac.GetStatus(ctx, st.ID)
		if err != nil || len(got.MediaAttachments) != 1 {
			t.Fatalf("status after pruning: %+v, %v", got, err)
		}
	})
}

func TestMediaFilesAreNotReachableByGuessedPaths(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		for _, p := range []string{"/system/../herd.db", "/system/%2e%2e/%2e%2e/etc/passwd", "/system/media_attachments/x.txt",
			"/system/media_attachments/00/00/missing/original.jpg"} {
			if r := fetch(t, inst, inst.URL+p, nil); r.Status != 404 {
				t.Errorf("%s: %d", p, r.Status)
			}
		}
	})
}

// Delete and redraft: the deleted status answers its attachments, which
// become the author's unattached uploads again and can be posted anew.
func TestDeleteAndRedraftKeepsMedia(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		ctx := context.Background()
		ac := inst.Client(alice.Token)
		att, err := ac.UploadMediaFromBytes(ctx, mediatest.PNG(16, 9))
		if err != nil {
			t.Fatal(err)
		}
		st, err := ac.PostStatus(ctx, &mastodon.Toot{Status: "first draft", MediaIDs: []mastodon.ID{att.ID}})
		if err != nil {
			t.Fatal(err)
		}
		r := inst.Expect(t, 200, "DELETE", "/api/v1/statuses/"+string(st.ID), alice.Token, nil)
		if !strings.Contains(string(r.Body), `"id":"`+string(att.ID)+`"`) {
			t.Fatalf("deleted status without its media: %s", r.Body)
		}
		inst.Expect(t, 200, "GET", "/api/v1/media/"+string(att.ID), alice.Token, nil)
		again, err := ac.PostStatus(ctx, &mastodon.Toot{Status: "second draft", MediaIDs: []mastodon.ID{att.ID}})
		if err != nil || len(again.MediaAttachments) != 1 || again.MediaAttachments[0].URL != att.URL {
			t.Fatalf("redraft = %+v, %v", again, err)
		}
		if r := fetch(t, inst, att.URL, nil); r.Status != 200 {
			t.Fatalf("file after redraft: %d", r.Status)
		}
	})
}

// Uploads beyond the decoding slots wait their turn rather than fail.
func TestConcurrentUploads(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		ac := inst.Client(alice.Token)
		errs := make(chan error, 8)
		for i := 0; i < 8; i++ {
			go func() {
				_, err := ac.UploadMediaFromBytes(context.Background(), mediatest.JPEGWithEXIF(300+i, 200, 1))
				errs <- err
			}()
		}
		for i := 0; i < 8; i++ {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
		if n := mediaFiles(t, inst); n != 16 {
			t.Fatalf("%d files for 8 uploads", n)
		}
	})
}

// A retried post (same Idempotency-Key) is answered with the first one,
// though its media are attached by then.
func TestRetriedPostWithMedia(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		att, err := inst.Client(alice.Token).UploadMediaFromBytes(context.Background(), mediatest.PNG(9, 9))
		if err != nil {
			t.Fatal(err)
		}
		send := func() string {
			form := url.Values{"status": {"once"}, "media_ids[]": {string(att.ID)}}
			req, _ := http.NewRequest("POST", inst.URL+"/api/v1/statuses", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Authorization", "Bearer "+alice.Token)
			req.Header.Set("Idempotency-Key", "retry-1")
			resp, err := inst.HTTP.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var st struct {
				ID    string `json:"id"`
				Media []struct {
					ID string `json:"id"`
				} `json:"media_attachments"`
			}
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 {
				t.Fatalf("post: %d %s", resp.StatusCode, body)
			}
			(&testrig.Response{Body: body}).JSON(t, &st)
			if len(st.Media) != 1 || st.Media[0].ID != string(att.ID) {
				t.Fatalf("post answered %s", body)
			}
			return st.ID
		}
		if first, again := send(), send(); first != again {
			t.Fatalf("retry made a second status: %s, %s", first, again)
		}
	})
}

// only_media filters a profile's statuses to those with attachments.
func TestOnlyMediaFilter(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		ctx := context.Background()
		ac := inst.Client(alice.Token)
		att, err := ac.UploadMediaFromBytes(ctx, mediatest.GIF(6, 6))
		if err != nil {
			t.Fatal(err)
		}
		withMedia, err := ac.PostStatus(ctx, &mastodon.Toot{Status: "picture", MediaIDs: []mastodon.ID{att.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ac.PostStatus(ctx, &mastodon.Toot{Status: "words only"}); err != nil {
			t.Fatal(err)
		}
		var got []struct {
			ID string `json:"id"`
		}
		inst.Expect(t, 200, "GET", "/api/v1/accounts/"+string(withMedia.Account.ID)+"/statuses?only_media=true", "", nil).JSON(t, &got)
		if len(got) != 1 || got[0].ID != string(withMedia.ID) {
			t.Fatalf("only_media = %v", got)
		}
	})
}

func TestMaxMediaAttachmentsIsConfigurable(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db, func(c *config.Config) { c.MaxMediaAttachments = 2 })
		alice := inst.NewUser(t, "alice")
		ctx := context.Background()
		ac := inst.Client(alice.Token)
		var up []mastodon.ID
		for i := 0; i < 3; i++ {
			att, err := ac.UploadMediaFromBytes(ctx, mediatest.PNG(10+i, 10))
			if err != nil {
				t.Fatal(err)
			}
			up = append(up, att.ID)
		}
		r := inst.Expect(t, 200, "GET", "/api/v2/instance", "", nil)
		if !strings.Contains(string(r.Body), `"max_media_attachments":2`) {
			t.Fatalf("instance does not report the limit: %s", r.Body)
		}
		if _, err := ac.PostStatus(ctx, &mastodon.Toot{Status: "three", MediaIDs: up}); err == nil || !strings.Contains(err.Error(), "at most 2 files") {
			t.Fatalf("three files with a limit of two: %v", err)
		}
		if _, err := ac.PostStatus(ctx, &mastodon.Toot{Status: "two", MediaIDs: up[:2]}); err != nil {
			t.Fatal(err)
		}
	})
}
