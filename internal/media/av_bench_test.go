package media_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"herd/internal/media"
	"herd/internal/media/mediatest"
)

// BenchmarkProcessVideo720p processes a 3 s 1280×720 30 fps VP9 video
// with Opus sound, as a phone's WebM: probe and check, transcode to
// H.264/AAC MP4, first frame to preview and blurhash. It reports the
// seconds of video processed per second of wall time.
func BenchmarkProcessVideo720p(b *testing.B) {
	ctx := context.Background()
	f := media.NewFFmpeg()
	in := filepath.Join(b.TempDir(), "in")
	if err := os.WriteFile(in, mediatest.Video720p(b, "3"), 0o600); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		plan, err := f.CheckAV(ctx, in, "matroska")
		if err != nil {
			b.Fatal(err)
		}
		dir := b.TempDir()
		if _, err := f.ProcessAV(ctx, in, plan, dir); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(3*float64(b.N)/b.Elapsed().Seconds(), "video-s/s")
}

// BenchmarkRemuxVideo720p is the same video already H.264/AAC in MP4:
// copied, not re-encoded.
func BenchmarkRemuxVideo720p(b *testing.B) {
	ctx := context.Background()
	f := media.NewFFmpeg()
	in := filepath.Join(b.TempDir(), "in")
	data := mediatest.FFmpeg(b, "r.mp4", []string{"-f", "lavfi", "-i", "testsrc=size=1280x720:rate=30:duration=3",
		"-f", "lavfi", "-i", "sine=duration=3"}, "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		plan, err := f.CheckAV(ctx, in, "mp4")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.ProcessAV(ctx, in, plan, b.TempDir()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(3*float64(b.N)/b.Elapsed().Seconds(), "video-s/s")
}
