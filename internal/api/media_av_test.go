package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-mastodon"

	"herd/internal/apischema"
	"herd/internal/config"
	"herd/internal/core/files"
	"herd/internal/media"
	"herd/internal/media/mediatest"
	"herd/internal/server"
	"herd/internal/store"
	"herd/internal/testrig"
)

// avEntity is the part of a MediaAttachment these tests read.
type avEntity struct {
	ID         string  `json:"id"`
	Type       string  `json:"type"`
	URL        *string `json:"url"`
	PreviewURL *string `json:"preview_url"`
	Blurhash   *string `json:"blurhash"`
	Meta       struct {
		Original *struct {
			Width     int     `json:"width"`
			Height    int     `json:"height"`
			FrameRate string  `json:"frame_rate"`
			Duration  float64 `json:"duration"`
			Bitrate   int64   `json:"bitrate"`
		} `json:"original"`
		Small *struct {
			Width  int     `json:"width"`
			Height int     `json:"height"`
			Aspect float64 `json:"aspect"`
		} `json:"small"`
	} `json:"meta"`
}

// awaitMedia polls GET /api/v1/media/:id while it answers 206 and
// answers the last response (200 or 422).
func awaitMedia(t *testing.T, inst *testrig.Instance, token, id string) *testrig.Response {
	t.Helper()
	var r *testrig.Response
	testrig.EventuallyWithin(t, 2*time.Minute, "media "+id+" processed", func() bool {
		r = inst.Do(t, "GET", "/api/v1/media/"+id, token, nil)
		if r.Status != 206 {
			return true
		}
		apischema.MustMatch(t, "MediaAttachment", r.Body)
		return false
	})
	return r
}

// probeServed saves a served file and reads its streams and tags with
// ffprobe.
func probeServed(t *testing.T, body []byte) (streams []string, tags map[string]string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "served")
	if err := os.WriteFile(p, body, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := osexec.Command("ffprobe", "-v", "error", "-show_entries", "format_tags:stream=codec_name:stream_tags",
		"-of", "json", p).Output()
	if err != nil {
		t.Fatalf("ffprobe of the served file: %v", err)
	}
	var doc struct {
		Format  struct{ Tags map[string]string }
		Streams []struct {
			CodecName string `json:"codec_name"`
			Tags      map[string]string
		}
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	tags = map[string]string{}
	for k, v := range doc.Format.Tags {
		tags[k] = v
	}
	for _, s := range doc.Streams {
		streams = append(streams, s.CodecName)
		for k, v := range s.Tags {
			tags[k] = v
		}
	}
	return streams, tags
}

func noPersonalTags(t *testing.T, tags map[string]string) {
	t.Helper()
	for k, v := range tags {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "title") || strings.HasPrefix(lk, "comment") || strings.HasPrefix(lk, "location") ||
			lk == "creation_time" || strings.Contains(v, "HerdTest") {
			t.Errorf("served file keeps %s=%q", k, v)
		}
	}
}

// Through /api/v2/media, video, gifv and audio answer 202 without a URL,
// then 206 while processed, then 200 with the files: H.264/AAC in MP4,
// or MP3, without the uploader's metadata.
func TestUploadAudioAndVideoInBackground(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		for _, tc := range []struct {
			name, typ, contentType string
			data                   []byte
			codecs                 string
		}{
			{"clip.mp4", "video", "video/mp4", mediatest.MP4(t), "h264,aac"},
			{"clip.webm", "video", "video/mp4", mediatest.WebM(t), "h264,aac"},
			{"loop.gif", "gifv", "video/mp4", mediatest.AnimatedGIF(t), "h264"},
			{"silent.mp4", "gifv", "video/mp4", mediatest.SilentMP4(t), "h264"},
			{"song.flac", "audio", "audio/mpeg", mediatest.Audio(t, "a.flac"), "mp3"},
			{"song.m4a", "audio", "audio/mpeg", mediatest.Audio(t, "a.m4a"), "mp3"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := uploadRaw(t, inst, alice.Token, "/api/v2/media", tc.name, tc.data, url.Values{"description": {"alt"}})
				if r.Status != 202 {
					t.Fatalf("upload: %d %s", r.Status, r.Body)
				}
				apischema.MustMatch(t, "MediaAttachment", r.Body)
				var att avEntity
				r.JSON(t, &att)
				if att.URL != nil || att.Type != tc.typ {
					t.Fatalf("accepted upload: %s", r.Body)
				}
				r = awaitMedia(t, inst, alice.Token, att.ID)
				if r.Status != 200 {
					t.Fatalf("processed: %d %s", r.Status, r.Body)
				}
				apischema.MustMatch(t, "MediaAttachment", r.Body)
				r.JSON(t, &att)
				o := att.Meta.Original
				if att.Type != tc.typ || att.URL == nil || o == nil || o.Duration < 0.5 || o.Duration > 1.5 || o.Bitrate <= 0 {
					t.Fatalf("processed: %s", r.Body)
				}
				file := fetch(t, inst, *att.URL, nil)
				if file.Status != 200 || file.Header.Get("Content-Type") != tc.contentType {
					t.Fatalf("served %d %v", file.Status, file.Header)
				}
				streams, tags := probeServed(t, file.Body)
				if strings.Join(streams, ",") != tc.codecs {
					t.Errorf("streams %v, want %s", streams, tc.codecs)
				}
				noPersonalTags(t, tags)
				if tc.typ == "audio" {
					if att.PreviewURL != nil || att.Meta.Small != nil || o.Width != 0 {
						t.Errorf("audio with a preview or sizes: %s", r.Body)
					}
					return
				}
				if o.Width != 160 && o.Width != 80 || o.FrameRate == "" || att.Blurhash == nil || att.PreviewURL == nil ||
					att.Meta.Small == nil || att.Meta.Small.Width != o.Width {
					t.Errorf("video meta: %s", r.Body)
				}
				if prev := fetch(t, inst, *att.PreviewURL, nil); prev.Status != 200 || prev.Header.Get("Content-Type") != "image/jpeg" {
					t.Errorf("preview %d %v", prev.Status, prev.Header)
				}
			})
		}
	})
}

// /api/v1/media waits for the processing, as Mastodon's v1 does. A
// client library's upload (v2) gets the attachment without a URL, and
// once processed the status carries the video.
func TestUploadVideoV1WaitsAndClientPosts(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		r := uploadRaw(t, inst, alice.Token, "/api/v1/media", "clip.webm", mediatest.WebM(t), nil)
		var v1 avEntity
		r.JSON(t, &v1)
		if r.Status != 200 || v1.Type != "video" || v1.URL == nil || !strings.HasSuffix(*v1.URL, ".mp4") {
			t.Fatalf("v1 upload: %d %s", r.Status, r.Body)
		}
		apischema.MustMatch(t, "MediaAttachment", r.Body)

		ctx := context.Background()
		c := inst.Client(alice.Token)
		att, err := c.UploadMediaFromMedia(ctx, &mastodon.Media{File: bytes.NewReader(mediatest.MP4(t)), Description: "a test card"})
		if err != nil {
			t.Fatal(err)
		}
		if att.Type != "video" || att.URL != "" || att.Description != "a test card" {
			t.Fatalf("v2 upload = %+v", att)
		}
		if r := awaitMedia(t, inst, alice.Token, string(att.ID)); r.Status != 200 {
			t.Fatalf("processed: %d %s", r.Status, r.Body)
		}
		st, err := c.PostStatus(ctx, &mastodon.Toot{Status: "watch", MediaIDs: []mastodon.ID{att.ID, mastodon.ID(v1.ID)}})
		if err != nil {
			t.Fatal(err)
		}
		got := st.MediaAttachments
		if len(got) != 2 || got[0].Type != "video" || !strings.HasSuffix(got[0].URL, ".mp4") || got[0].Meta.Original.Width != 160 ||
			got[0].BlurHash == "" || got[1].URL != *v1.URL {
			t.Fatalf("posted media = %+v", got)
		}
		r = inst.Expect(t, 200, "GET", "/api/v1/statuses/"+string(st.ID), alice.Token, nil)
		apischema.MustMatch(t, "Status", r.Body)
	})
}

// AVIF is decoded by ffmpeg and stored as an image at once; HEIC, which
// Debian 12's ffmpeg cannot read, is refused.
func TestUploadAVIFAndHEIC(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		r := uploadRaw(t, inst, alice.Token, "/api/v2/media", "photo.avif", mediatest.AVIF(t), nil)
		if r.Status != 200 {
			t.Fatalf("avif: %d %s", r.Status, r.Body)
		}
		apischema.MustMatch(t, "MediaAttachment", r.Body)
		var att avEntity
		r.JSON(t, &att)
		if att.Type != "image" || att.URL == nil || !strings.HasSuffix(*att.URL, ".png") || att.Meta.Original.Width != 160 {
			t.Fatalf("avif: %s", r.Body)
		}
		if r := uploadRaw(t, inst, alice.Token, "/api/v2/media", "photo.heic", mediatest.HEICBranded(t), nil); r.Status != 422 {
			t.Fatalf("heic: %d %s", r.Status, r.Body)
		}
	})
}

// Hostile and oversized files are refused before anything is stored;
// one that only fails while transcoding fails its upload (GET is a 422)
// and leaves no file.
func TestUploadRefusesHostileAudioAndVideo(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db)
		alice := inst.NewUser(t, "alice")
		mp4 := mediatest.MP4(t)
		oversized := make([]byte, media.MaxVideoBytes+1)
		copy(oversized, mp4)
		for _, tc := range []struct {
			name string
			data []byte
		}{
			{"notes.mp4", []byte("this is text, whatever its name says")},
			{"cut.mp4", mp4[:len(mp4)/2]},
			{"huge.mp4", oversized},
			{"list.m3u8", []byte("#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n")},
			{"list.mp4", append([]byte("\x00\x00\x00\x14ftypisom\x00\x00\x02\x00isom"), "#EXTM3U\n#EXTINF:1,\n/etc/passwd\n"...)},
			{"concat.mp4", []byte("ffconcat version 1.0\nfile /etc/passwd\n")},
		} {
			for _, path := range []string{"/api/v1/media", "/api/v2/media"} {
				r := uploadRaw(t, inst, alice.Token, path, tc.name, tc.data, nil)
				if r.Status != 422 || !strings.Contains(string(r.Body), `"error"`) {
					t.Errorf("%s %s: %d %s", path, tc.name, r.Status, r.Body)
				}
			}
		}
		if n := mediaFiles(t, inst); n != 0 {
			t.Errorf("%d files stored from refused uploads", n)
		}
		var rows int
		if err := inst.Server.DB.Read.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM media_attachments").Scan(&rows); err != nil || rows != 0 {
			t.Errorf("%d rows stored from refused uploads (%v)", rows, err)
		}

		// Its headers read well, its data is cut: found only by transcoding.
		fs := mediatest.FFmpeg(t, "fs.mp4", []string{"-f", "lavfi", "-i", "testsrc=size=160x120:rate=25:duration=1"},
			"-c:v", "libvpx-vp9", "-movflags", "+faststart")
		r := uploadRaw(t, inst, alice.Token, "/api/v2/media", "cut.mp4", fs[:len(fs)*2/3], nil)
		if r.Status != 202 {
			t.Fatalf("cut data: %d %s", r.Status, r.Body)
		}
		var att avEntity
		r.JSON(t, &att)
		r = awaitMedia(t, inst, alice.Token, att.ID)
		if r.Status != 422 || !strings.Contains(string(r.Body), "Error processing") {
			t.Fatalf("failed upload: %d %s", r.Status, r.Body)
		}
		inst.Expect(t, 422, "POST", "/api/v1/statuses", alice.Token, url.Values{"status": {"x"}, "media_ids[]": {att.ID}})
		if n := mediaFiles(t, inst); n != 0 {
			t.Errorf("%d files left by a failed upload", n)
		}
		inst.Expect(t, 200, "DELETE", "/api/v1/media/"+att.ID, alice.Token, nil)
	})
}

// A video waiting for its job survives a restart: its raw file is
// stored, its job durable. Node one has no workers; a worker claims the
// job and dies before processing; node two, on the same database and
// media folder, processes it once the lease has run out.
func TestMediaJobResumesAfterRestart(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		ctx := context.Background()
		dsn, mediaDir := db.DSN(t), filepath.Join(t.TempDir(), "media")
		ts := httptest.NewUnstartedServer(nil)
		cfg := &config.Config{Domain: ts.Listener.Addr().String(), DB: dsn, MediaDir: mediaDir, Protocol: "http",
			MaxStatusChars: 500, Registrations: "open", Title: "Herd test"}
		one, err := server.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		ts.Config.Handler = one.Handler
		ts.Start()
		first := &testrig.Instance{URL: ts.URL, Domain: cfg.Domain, Server: one, Core: one.Core, Store: one.Store, HTTP: ts}
		alice := first.NewUser(t, "alice")

		r := uploadRaw(t, first, alice.Token, "/api/v2/media", "clip.mp4", mediatest.MP4(t), nil)
		if r.Status != 202 {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
		var att avEntity
		r.JSON(t, &att)
		r = first.Expect(t, 206, "GET", "/api/v1/media/"+att.ID, alice.Token, nil)
		apischema.MustMatch(t, "MediaAttachment", r.Body)
		r = first.Expect(t, 422, "POST", "/api/v1/statuses", alice.Token, url.Values{"status": {"too soon"}, "media_ids[]": {att.ID}})
		if !strings.Contains(string(r.Body), "Cannot attach files that have not finished processing") {
			t.Fatalf("post with a pending upload: %s", r.Body)
		}
		if n := mediaFiles(t, first); n != 1 {
			t.Fatalf("%d files stored for a pending upload, want its raw file", n)
		}
		if err := one.Store.InTx(ctx, func(tx *store.Store) error {
			claimed, err := tx.ClaimJobs(ctx, files.QueueMedia, time.Now(), time.Millisecond, 10)
			if err == nil && len(claimed) != 1 {
				t.Errorf("claimed %d media jobs", len(claimed))
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		ts.Close()
		one.Close()

		second := testrig.Start(t, db, func(c *config.Config) { c.DB, c.MediaDir = dsn, mediaDir })
		if r := awaitMedia(t, second, alice.Token, att.ID); r.Status != 200 {
			t.Fatalf("after restart: %d %s", r.Status, r.Body)
		}
		if n := mediaFiles(t, second); n != 2 {
			t.Fatalf("%d files after processing, want the video and its preview (raw file removed)", n)
		}
		second.Expect(t, 200, "POST", "/api/v1/statuses", alice.Token, url.Values{"status": {"now"}, "media_ids[]": {att.ID}})
	})
}
