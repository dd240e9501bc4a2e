package api_test

import (
	"context"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"herd/internal/core/files"
	"herd/internal/media/mediatest"
	"herd/internal/model"
	"herd/internal/testrig"
)

// attachmentFiles lists the stored attachment files.
func attachmentFiles(t *testing.T, inst *testrig.Instance) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(filepath.Join(inst.Server.Config.MediaDir, "media_attachments"), func(p string, d fs.DirEntry, err error) error {
		if os.IsNotExist(err) {
			return nil
		}
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRemoteAVCached: a remote status's video, silent video and audio are
// fetched by the job and transcoded as uploads (MP4 with a preview, gifv,
// MP3), served from this instance's storage with their remote_url kept.
func TestRemoteAVCached(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		r := newRemoteMediaRig(t, db, map[string]fileAnswer{
			"/v.webm": {"video/webm", mediatest.WebM(t)},
			"/s.mp4":  {"video/mp4", mediatest.SilentMP4(t)},
			"/a.ogg":  {"audio/ogg", mediatest.Audio(t, "a.ogg")},
		}, true)
		id := r.receive(t, model.Public,
			files.RemoteMedia{URL: "http://remote.test/v.webm", MediaType: "video/webm", Description: "a test card"},
			files.RemoteMedia{URL: "http://remote.test/s.mp4", MediaType: "video/mp4"},
			files.RemoteMedia{URL: "http://remote.test/a.ogg", MediaType: "audio/ogg"})
		r.waitJobs(t)
		list := r.media(t, id)
		if len(list) != 3 {
			t.Fatalf("%d attachments, want 3", len(list))
		}
		base := r.inst.Core.BaseURL() + "/system/media_attachments/"
		for i, want := range []struct{ typ, ext, remote string }{
			{"video", ".mp4", "http://remote.test/v.webm"}, {"gifv", ".mp4", "http://remote.test/s.mp4"},
			{"audio", ".mp3", "http://remote.test/a.ogg"},
		} {
			m := list[i]
			if m.Type != want.typ || !strings.HasPrefix(m.URL, base) || !strings.HasSuffix(m.URL, want.ext) ||
				m.RemoteURL == nil || *m.RemoteURL != want.remote {
				t.Fatalf("attachment %d: %+v; want a cached %s (%s) from %s", i, m, want.typ, want.ext, want.remote)
			}
			code, _, body := get(t, m.URL)
			if code != http.StatusOK || len(body) == 0 {
				t.Fatalf("GET %s: %d", m.URL, code)
			}
			if want.typ != "audio" && (m.Meta.Original.Width != 160 || m.Meta.Original.Height != 120 || m.PreviewURL == nil) {
				t.Fatalf("attachment %d: %+v; want 160x120 with a preview", i, m)
			}
			if want.typ == "video" && (string(body[4:8]) != "ftyp" || strings.Contains(string(body), mediatest.TitleMarker)) {
				t.Fatalf("cached video is not an MP4 without the origin's metadata")
			}
		}
		if list[0].Description == nil || *list[0].Description != "a test card" {
			t.Fatalf("alt text %v", list[0].Description)
		}
	})
}

// TestHostileRemoteAV: a remote video that is not found, is a web page,
// or is a still image stays uncached, shown through the media proxy
// (never at its origin's address), nothing stored, fetched once by the
// job (not retried); the media proxy does not fetch video in a request,
// it answers 404 and queues the job again, once however often it is asked.
func TestHostileRemoteAV(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		r := newRemoteMediaRig(t, db, map[string]fileAnswer{
			"/page.mp4":  {"video/mp4", []byte("<!doctype html><html><body>not a video</body></html>")},
			"/still.mp4": {"video/mp4", mediatest.PNG(20, 20)},
			"/cut.mp4":   {"video/mp4", mediatest.MP4(t)[:2000]},
		}, true)
		paths := []string{"/gone.mp4", "/page.mp4", "/still.mp4", "/cut.mp4"}
		var list []files.RemoteMedia
		for _, p := range paths {
			list = append(list, files.RemoteMedia{URL: "http://remote.test" + p, MediaType: "video/mp4"})
		}
		id := r.receive(t, model.Public, list...)
		r.waitJobs(t)
		got := r.media(t, id)
		if len(got) != 4 {
			t.Fatalf("%d attachments, want 4", len(got))
		}
		for i, m := range got {
			if m.URL != r.inst.Core.BaseURL()+"/media_proxy/"+m.ID+"/original" || r.files.count(paths[i]) != 1 {
				t.Fatalf("attachment %d: %+v, fetched %d times; want the media proxy, fetched once", i, m, r.files.count(paths[i]))
			}
		}
		for range 2 {
			if code, _, _ := get(t, got[1].URL); code != http.StatusNotFound {
				t.Fatalf("media proxy for an uncached video: %d, want 404", code)
			}
			r.waitJobs(t)
			if n := r.files.count("/page.mp4"); n != 2 {
				t.Fatalf("after a view the video was fetched %d times, want twice (the job, queued again once)", n)
			}
		}
		if files := attachmentFiles(t, r.inst); len(files) != 0 {
			t.Fatalf("stored %v from bad files", files)
		}
	})
}

// TestPrunedRemoteVideoViewed: a pruned video shows through the media
// proxy; a view queues the job, which fetches and transcodes it again,
// and the entity then shows the stored file.
func TestPrunedRemoteVideoViewed(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		ctx := context.Background()
		r := newRemoteMediaRig(t, db, map[string]fileAnswer{"/v.webm": {"video/webm", mediatest.WebM(t)}}, true)
		id := r.receive(t, model.Public, files.RemoteMedia{URL: "http://remote.test/v.webm", MediaType: "video/webm"})
		r.waitJobs(t)
		if _, err := r.inst.Core.Files.PruneRemoteMedia(ctx, time.Now().Add(time.Second), nil); err != nil {
			t.Fatal(err)
		}
		m := r.media(t, id)[0]
		if m.URL != r.inst.Core.BaseURL()+"/media_proxy/"+m.ID+"/original" {
			t.Fatalf("pruned video shows at %q, want the media proxy", m.URL)
		}
		if code, _, _ := get(t, m.URL); code != http.StatusNotFound {
			t.Fatalf("media proxy for a pruned video: %d, want 404 (the job fetches it)", code)
		}
		r.waitJobs(t)
		after := r.media(t, id)[0]
		if !strings.HasPrefix(after.URL, r.inst.Core.BaseURL()+"/system/media_attachments/") || r.files.count("/v.webm") != 2 {
			t.Fatalf("after a view the video shows at %q (fetched %d times), want it stored again", after.URL, r.files.count("/v.webm"))
		}
	})
}
