package mediatest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Metadata markers the generated files carry (title, comment, place),
// so a test can check they are gone after processing.
const (
	TitleMarker    = "HerdTestTitle"
	CommentMarker  = "HerdTestComment"
	LocationMarker = "+48.8577+002.2950/"
)

// FFmpeg makes a test file with ffmpeg from lavfi sources (testsrc,
// sine), args being everything between the inputs and the output name
// (whose extension picks the container). ffmpeg missing fails the test:
// CI installs it, and a skipped media test would hide a broken upload.
func FFmpeg(t testing.TB, name string, inputs []string, args ...string) []byte {
	t.Helper()
	bin, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatalf("ffmpeg is required for media tests (apt-get install ffmpeg): %v", err)
	}
	out := filepath.Join(t.TempDir(), name)
	argv := append([]string{"-hide_banner", "-nostdin", "-loglevel", "error"}, inputs...)
	argv = append(append(argv, args...), "-y", out)
	if msg, err := exec.Command(bin, argv...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %v: %v\n%s", argv, err, msg)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// lavfi inputs: a w×h test card at rate fps for secs seconds, and a tone.
func testsrc(size, rate, secs string) []string {
	return []string{"-f", "lavfi", "-i", "testsrc=size=" + size + ":rate=" + rate + ":duration=" + secs}
}

func sine(secs string) []string {
	return []string{"-f", "lavfi", "-i", "sine=frequency=440:duration=" + secs}
}

// tagged is the metadata a phone would write into a video or song.
var tagged = []string{"-metadata", "title=" + TitleMarker, "-metadata", "comment=" + CommentMarker,
	"-metadata", "location=" + LocationMarker, "-metadata", "creation_time=2020-01-02T03:04:05Z"}

// MP4 is a 1 s 160×120 H.264 video with AAC sound and metadata, its
// index at the end (as cameras write it).
func MP4(t testing.TB) []byte {
	args := append([]string{"-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"}, tagged...)
	return FFmpeg(t, "v.mp4", append(testsrc("160x120", "25", "1"), sine("1")...), args...)
}

// WebM is a 1 s 160×120 VP9 video with Opus sound and metadata.
func WebM(t testing.TB) []byte {
	args := append([]string{"-c:v", "libvpx-vp9", "-deadline", "realtime", "-c:a", "libopus", "-shortest"}, tagged...)
	return FFmpeg(t, "v.webm", append(testsrc("160x120", "25", "1"), sine("1")...), args...)
}

// SilentMP4 is a 1 s 160×120 H.264 video without sound.
func SilentMP4(t testing.TB) []byte {
	return FFmpeg(t, "s.mp4", testsrc("160x120", "25", "1"), "-c:v", "libx264", "-pix_fmt", "yuv420p")
}

// AnimatedGIF is a 1 s 80×60 GIF of 10 frames.
func AnimatedGIF(t testing.TB) []byte {
	return FFmpeg(t, "a.gif", testsrc("80x60", "10", "1"))
}

// Audio is a 1 s tone in the container of name's extension (.wav,
// .flac, .ogg, .mp3, .m4a) with title, comment and place tags.
func Audio(t testing.TB, name string) []byte {
	return FFmpeg(t, name, sine("1"), tagged...)
}

// AVIF is a 160×120 AVIF still image.
func AVIF(t testing.TB) []byte {
	return FFmpeg(t, "i.avif", testsrc("160x120", "1", "1"), "-frames:v", "1", "-c:v", "libaom-av1", "-still-picture", "1")
}

// HEICBranded is an MP4 holding one HEVC frame under HEIF's "heic" brand,
// which is how HEIC files name themselves.
func HEICBranded(t testing.TB) []byte {
	return FFmpeg(t, "i.heic", testsrc("160x120", "1", "1"), "-frames:v", "1", "-c:v", "libx265",
		"-x265-params", "log-level=error", "-brand", "heic", "-f", "mp4")
}

// Video720p is a secs-long 1280×720 VP9 video with sound, for benchmarks.
func Video720p(t testing.TB, secs string) []byte {
	return FFmpeg(t, "b.webm", append(testsrc("1280x720", "30", secs), sine(secs)...),
		"-c:v", "libvpx-vp9", "-deadline", "realtime", "-c:a", "libopus", "-shortest")
}
