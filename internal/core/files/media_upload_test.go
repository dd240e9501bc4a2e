package files

import (
	"slices"
	"testing"

	"herd/internal/media"
)

func TestSupportedMimeTypesFollowFFmpeg(t *testing.T) {
	c := New(Deps{})
	images := []string{"image/jpeg", "image/png", "image/gif", "image/webp"}
	if got := c.SupportedMimeTypes(); !slices.Equal(got, images) {
		t.Errorf("without ffmpeg: %v, want only %v", got, images)
	}
	c = New(Deps{Transcoder: &media.FFmpeg{FFmpegPath: "/usr/bin/ffmpeg", FFprobePath: "/usr/bin/ffprobe"}})
	got := c.SupportedMimeTypes()
	for _, want := range append(images, "image/avif", "video/mp4", "video/quicktime", "video/webm", "audio/mpeg", "audio/wav", "audio/flac") {
		if !slices.Contains(got, want) {
			t.Errorf("with ffmpeg: %v lacks %s", got, want)
		}
	}
	if slices.Contains(got, "image/heic") {
		t.Error("HEIC is refused by uploads, so it must not be offered")
	}
}
