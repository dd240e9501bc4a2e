package media_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"herd/internal/media"
	"herd/internal/media/mediatest"
)

func TestSniffNamesAudioAndVideo(t *testing.T) {
	for _, tc := range []struct {
		data []byte
		want string
	}{
		{mediatest.MP4(t), "mp4"},
		{mediatest.WebM(t), "matroska"},
		{mediatest.Audio(t, "a.ogg"), "ogg"},
		{mediatest.Audio(t, "a.mp3"), "mp3"},
		{mediatest.Audio(t, "a.wav"), "wav"},
		{mediatest.Audio(t, "a.flac"), "flac"},
		{mediatest.Audio(t, "a.m4a"), "mp4"},
		{mediatest.FFmpeg(t, "a.aac", []string{"-f", "lavfi", "-i", "sine=duration=1"}, "-f", "adts"), "aac"},
		{mediatest.FFmpeg(t, "a.mp3", []string{"-f", "lavfi", "-i", "sine=duration=1"}, "-id3v2_version", "0"), "mp3"},
		{mediatest.AVIF(t), "avif"},
		{mediatest.HEICBranded(t), "heic"},
		{mediatest.AnimatedGIF(t), "gif"},
		{[]byte("#EXTM3U\n#EXTINF:1,\nfile:///etc/passwd\n"), ""},
		{[]byte("ffconcat version 1.0\nfile /etc/passwd\n"), ""},
		{[]byte("\xff\xfbnot quite"[:1]), ""},
	} {
		if got := media.Sniff(tc.data); got != tc.want {
			t.Errorf("Sniff(%q…) = %q, want %q", tc.data[:min(12, len(tc.data))], got, tc.want)
		}
	}
}

func TestGIFFramesCountsWithoutDecoding(t *testing.T) {
	if n := media.GIFFrames(mediatest.AnimatedGIF(t), 100); n != 10 {
		t.Errorf("animated: %d frames, want 10", n)
	}
	if n := media.GIFFrames(mediatest.GIF(20, 10), 100); n != 1 {
		t.Errorf("static: %d frames, want 1", n)
	}
	if n := media.GIFFrames(mediatest.AnimatedGIF(t), 2); n != 2 {
		t.Errorf("limit: %d", n)
	}
	b := mediatest.AnimatedGIF(t)
	if n := media.GIFFrames(b[:len(b)/2], 100); n >= 10 {
		t.Errorf("half a GIF: %d frames", n)
	}
}

// write saves data in a fresh folder and answers its path.
func write(t *testing.T, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "input")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// tags lists every format and stream tag of a file, by ffprobe.
func tags(t *testing.T, path string) map[string]string {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format_tags:stream_tags", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var doc struct {
		Format  struct{ Tags map[string]string }
		Streams []struct{ Tags map[string]string }
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	all := map[string]string{}
	for k, v := range doc.Format.Tags {
		all[k] = v
	}
	for _, s := range doc.Streams {
		for k, v := range s.Tags {
			all[k] = v
		}
	}
	return all
}

func checkStripped(t *testing.T, path string) {
	t.Helper()
	for k, v := range tags(t, path) {
		k = strings.ToLower(k)
		if strings.HasPrefix(k, "title") || strings.HasPrefix(k, "comment") || strings.HasPrefix(k, "location") ||
			k == "creation_time" || strings.Contains(v, "HerdTest") {
			t.Errorf("%s kept the tag %s=%q", filepath.Base(path), k, v)
		}
	}
	raw, _ := os.ReadFile(path)
	for _, m := range []string{mediatest.TitleMarker, mediatest.CommentMarker, mediatest.LocationMarker} {
		if strings.Contains(string(raw), m) {
			t.Errorf("%s still holds %q", filepath.Base(path), m)
		}
	}
}

func TestProcessAV(t *testing.T) {
	f := media.NewFFmpeg()
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		data     []byte
		typ, ext string
	}{
		{"mp4 with sound", mediatest.MP4(t), "video", ".mp4"},
		{"webm", mediatest.WebM(t), "video", ".mp4"},
		{"silent mp4", mediatest.SilentMP4(t), "gifv", ".mp4"},
		{"animated gif", mediatest.AnimatedGIF(t), "gifv", ".mp4"},
		{"wav", mediatest.Audio(t, "a.wav"), "audio", ".mp3"},
		{"flac", mediatest.Audio(t, "a.flac"), "audio", ".mp3"},
		{"ogg", mediatest.Audio(t, "a.ogg"), "audio", ".mp3"},
		{"mp3", mediatest.Audio(t, "a.mp3"), "audio", ".mp3"},
		{"m4a", mediatest.Audio(t, "a.m4a"), "audio", ".mp3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := write(t, tc.data)
			plan, err := f.CheckAV(ctx, in, media.Sniff(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if plan.Type != tc.typ {
				t.Fatalf("type %s, want %s", plan.Type, tc.typ)
			}
			av, err := f.ProcessAV(ctx, in, plan, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if av.Ext != tc.ext || av.Duration < 0.5 || av.Duration > 1.5 || av.Bitrate <= 0 {
				t.Fatalf("processed %+v", av)
			}
			checkStripped(t, av.Path)
			got, err := f.Probe(ctx, av.Path, strings.TrimPrefix(av.Ext, "."))
			if err != nil {
				t.Fatal(err)
			}
			switch tc.typ {
			case "audio":
				if got.Video != nil || got.Audio == nil || got.Audio.Codec != "mp3" || av.Preview != nil {
					t.Fatalf("audio output %+v %+v", got.Video, got.Audio)
				}
			default:
				v := got.Video
				if v == nil || v.Codec != "h264" || v.PixFmt != "yuv420p" || v.Width != av.Width || v.Height != av.Height || av.FrameRate == "" {
					t.Fatalf("video output %+v (%+v)", v, av)
				}
				if (got.Audio != nil) != (tc.typ == "video") || (got.Audio != nil && got.Audio.Codec != "aac") {
					t.Fatalf("sound %+v in a %s", got.Audio, tc.typ)
				}
				if av.Preview == nil || av.Preview.Blurhash == "" || len(av.Preview.Small) == 0 || av.Preview.SmallWidth != av.Width {
					t.Fatalf("preview %+v", av.Preview)
				}
				raw, _ := os.ReadFile(av.Path)
				if moov, mdat := strings.Index(string(raw), "moov"), strings.Index(string(raw), "mdat"); moov < 0 || moov > mdat {
					t.Fatalf("index not first (moov at %d, mdat at %d)", moov, mdat)
				}
			}
		})
	}
}

// A big video is scaled into 1080p's area and 60 fps; the limits refuse
// what is over Mastodon's before anything is decoded.
func TestVideoLimits(t *testing.T) {
	f := media.NewFFmpeg()
	ctx := context.Background()
	big := mediatest.FFmpeg(t, "big.mp4", []string{"-f", "lavfi", "-i", "color=c=red:size=2560x1440:rate=90:duration=0.2"},
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p")
	in := write(t, big)
	plan, err := f.CheckAV(ctx, in, "mp4")
	if err != nil {
		t.Fatal(err)
	}
	av, err := f.ProcessAV(ctx, in, plan, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if av.Width*av.Height > media.VideoPixels || av.Width%2 != 0 || av.Height%2 != 0 || av.Width < 1800 || av.FrameRate != "60/1" {
		t.Fatalf("scaled to %dx%d at %s", av.Width, av.Height, av.FrameRate)
	}
	for name, src := range map[string]string{
		"pixels": "color=c=red:size=4096x2304:rate=1:duration=1",
		"fps":    "color=c=red:size=64x64:rate=240:duration=0.1",
		"frames": "color=c=red:size=16x16:rate=120:duration=301",
	} {
		data := mediatest.FFmpeg(t, name+".mkv", []string{"-f", "lavfi", "-i", src}, "-c:v", "libx264", "-preset", "ultrafast")
		if _, err := f.CheckAV(ctx, write(t, data), "matroska"); !errors.Is(err, media.ErrTooLarge) {
			t.Errorf("%s over the limit: %v", name, err)
		}
	}
	huge := filepath.Join(t.TempDir(), "huge")
	if err := os.WriteFile(huge, mediatest.MP4(t), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(huge, media.MaxVideoBytes+1); err != nil {
		t.Fatal(err)
	}
	if _, err := f.CheckAV(ctx, huge, "mp4"); !errors.Is(err, media.ErrTooLarge) {
		t.Errorf("99 MB and a byte: %v", err)
	}
}

// Hostile files are refused as corrupt, and whatever ffmpeg would have
// opened beside the file given is never read.
func TestHostileAV(t *testing.T) {
	f := media.NewFFmpeg()
	ctx := context.Background()
	mp4 := mediatest.MP4(t)
	faststart := mediatest.FFmpeg(t, "fs.mp4", []string{"-f", "lavfi", "-i", "testsrc=size=160x120:rate=25:duration=1"},
		"-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart")
	for name, data := range map[string][]byte{
		"text named mp4":     []byte("this is text, whatever its name says"),
		"truncated mp4":      mp4[:len(mp4)/2],
		"truncated mp4 data": faststart[:len(faststart)*2/3],
		"hls behind ftyp":    append([]byte("\x00\x00\x00\x14ftypisom\x00\x00\x02\x00isom"), "#EXTM3U\n#EXTINF:1,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n"...),
		"concat behind ebml": append([]byte{0x1A, 0x45, 0xDF, 0xA3}, "\nffconcat version 1.0\nfile /etc/passwd\n"...),
	} {
		t.Run(name, func(t *testing.T) {
			in := write(t, data)
			format := media.Sniff(data)
			plan, err := f.CheckAV(ctx, in, format)
			if err == nil {
				_, err = f.ProcessAV(ctx, in, plan, t.TempDir())
			}
			if !errors.Is(err, media.ErrCorrupt) && !errors.Is(err, media.ErrUnsupported) {
				t.Fatalf("%s (%q): %v", name, format, err)
			}
		})
	}
}

// A run over its time or memory is killed and counts as a bad file.
func TestFFmpegRunsAreBounded(t *testing.T) {
	ctx := context.Background()
	in := write(t, mediatest.WebM(t))
	slow := media.NewFFmpeg()
	slow.Timeout = time.Millisecond
	plan, err := slow.CheckAV(ctx, in, "matroska")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := slow.ProcessAV(ctx, in, plan, t.TempDir()); !errors.Is(err, media.ErrCorrupt) || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("over time: %v", err)
	}
	small := media.NewFFmpeg()
	small.MemoryBytes = 64 << 20
	if small.Prlimit == "" {
		t.Fatal("prlimit (util-linux) is required")
	}
	if _, err := small.ProcessAV(ctx, in, plan, t.TempDir()); !errors.Is(err, media.ErrCorrupt) {
		t.Fatalf("over memory: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := media.NewFFmpeg().ProcessAV(cancelled, in, plan, t.TempDir()); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

func TestDecodeStill(t *testing.T) {
	f := media.NewFFmpeg()
	ctx := context.Background()
	img, err := f.DecodeStill(ctx, write(t, mediatest.AVIF(t)), "avif", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if img.Width != 160 || img.Height != 120 || img.Blurhash == "" || img.ContentType != "image/png" {
		t.Fatalf("avif → %dx%d %s", img.Width, img.Height, img.ContentType)
	}
	if _, err := f.DecodeStill(ctx, write(t, mediatest.HEICBranded(t)), "heic", t.TempDir()); !errors.Is(err, media.ErrUnsupported) {
		t.Fatalf("heic: %v", err)
	}
}
