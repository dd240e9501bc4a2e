package media

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
)

// Mastodon's limits for video, gifv and audio (app/models/media_attachment.rb:
// VIDEO_LIMIT is MaxVideoBytes in fetch.go, MAX_VIDEO_MATRIX_LIMIT, MAX_VIDEO_FRAME_RATE,
// MAX_VIDEO_FRAMES; Attachmentable::GIF_MATRIX_LIMIT), all checked from
// the headers before anything is decoded; and what a transcoded video is
// kept within (1080p's area, 60 fps).
const (
	MaxVideoPixels    = 3840 * 2160
	MaxVideoFrameRate = 120
	MaxVideoFrames    = 36_000
	MaxGIFVPixels     = 1280 * 720
	VideoPixels       = 1920 * 1080
	VideoFrameRate    = 60
)

// AVPlan is a checked video, gifv or audio upload: what it becomes
// (Type "video", "gifv" or "audio") and what its headers said.
type AVPlan struct {
	Type   string
	Format string // sniffed
	Probe  *Probe
}

// CheckAV probes a video or audio file (or animated GIF) saved at path,
// format being its sniffed format, and checks Mastodon's limits:
// ErrTooLarge over them, ErrCorrupt for a file ffprobe cannot read or
// that holds neither video nor audio. As Mastodon does, a video without
// sound is a gifv.
func (f *FFmpeg) CheckAV(ctx context.Context, path, format string) (*AVPlan, error) {
	if format == "heic" || format == "avif" {
		return nil, ErrUnsupported
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > MaxVideoBytes {
		return nil, ErrTooLarge
	}
	p, err := f.Probe(ctx, path, format)
	if err != nil {
		return nil, err
	}
	plan := &AVPlan{Format: format, Probe: p}
	switch v := p.Video; {
	case v != nil:
		if v.Width <= 0 || v.Height <= 0 {
			return nil, ErrCorrupt
		}
		pixels := int64(v.Width) * int64(v.Height)
		if pixels > MaxVideoPixels || v.FPS > MaxVideoFrameRate || v.Frames > MaxVideoFrames ||
			(format == "gif" && pixels > MaxGIFVPixels) {
			return nil, ErrTooLarge
		}
		plan.Type = "video"
		if p.Audio == nil || format == "gif" {
			plan.Type = "gifv"
		}
	case p.Audio != nil && format != "gif":
		plan.Type = "audio"
	default:
		return nil, ErrCorrupt
	}
	return plan, nil
}

// AV is a processed video, gifv or audio file, written into the work
// folder given to ProcessAV, with what the API's meta reports.
type AV struct {
	Type             string
	Path             string
	Ext, ContentType string
	Width, Height    int
	FrameRate        string
	Duration         float64
	Bitrate          int64
	// Preview is the first frame of a video or gifv, processed as an
	// uploaded image (its Small and Blurhash are the preview); nil for
	// audio.
	Preview *Image
}

// ProcessAV transcodes a checked upload into dir: video and gifv to
// H.264 (yuv420p) in MP4 with the index first, AAC sound for video and
// none for gifv, within 1080p's area and 60 fps (a file already so, in
// MP4, is copied as it is, not re-encoded); audio to MP3. Metadata
// (titles, comments, dates, places, chapters, other streams such as
// subtitles or a camera's GPS track) is never copied. A video's first
// frame becomes its preview.
func (f *FFmpeg) ProcessAV(ctx context.Context, in string, plan *AVPlan, dir string) (*AV, error) {
	demuxer, ok := demuxers[plan.Format]
	if !ok {
		return nil, ErrUnsupported
	}
	input := []string{"-f", demuxer, "-i", "file:" + in}
	strip := []string{"-map_metadata", "-1", "-map_chapters", "-1", "-fflags", "+bitexact", "-sn", "-dn"}
	out := &AV{Type: plan.Type}
	var args []string
	if plan.Type == "audio" {
		out.Path, out.Ext, out.ContentType = filepath.Join(dir, "original.mp3"), ".mp3", "audio/mpeg"
		args = append(append(input, "-map", "0:a:0", "-vn"), strip...)
		// Mastodon's AUDIO_STYLES: MP3, VBR quality 2; no ID3 tag at all.
		args = append(args, "-c:a", "libmp3lame", "-q:a", "2", "-id3v2_version", "0", "-f", "mp3", "file:"+out.Path)
	} else {
		out.Path, out.Ext, out.ContentType = filepath.Join(dir, "original.mp4"), ".mp4", "video/mp4"
		args = append(append(input, "-map", "0:v:0"), strip...)
		if plan.Type == "gifv" {
			args = append(args, "-an")
		} else {
			args = append(args, "-map", "0:a:0")
		}
		if passthrough(plan) {
			args = append(args, "-c", "copy")
		} else {
			args = append(args, videoEncoding(plan.Probe.Video)...)
		}
		args = append(args, "-movflags", "+faststart", "-f", "mp4", "file:"+out.Path)
	}
	if err := f.transcode(ctx, args...); err != nil {
		return nil, err
	}
	format := "mp4"
	if plan.Type == "audio" {
		format = "mp3"
	}
	p, err := f.Probe(ctx, out.Path, format)
	if err != nil {
		return nil, err
	}
	out.Duration, out.Bitrate = math.Round(p.Duration*1000)/1000, p.Bitrate
	if plan.Type == "audio" {
		return out, nil
	}
	if p.Video == nil {
		return nil, ErrCorrupt
	}
	out.Width, out.Height, out.FrameRate = p.Video.Width, p.Video.Height, p.Video.FrameRate
	if out.Preview, err = f.firstFrame(ctx, out.Path, dir); err != nil {
		return nil, err
	}
	return out, nil
}

// passthrough: a file browsers already play (H.264 yuv420p, AAC or no
// sound, in MP4) within the output limits and not rotated is remuxed,
// as Mastodon's VIDEO_PASSTHROUGH_OPTIONS do.
func passthrough(plan *AVPlan) bool {
	v, a := plan.Probe.Video, plan.Probe.Audio
	return plan.Format == "mp4" && v.Codec == "h264" && v.PixFmt == "yuv420p" &&
		(a == nil || a.Codec == "aac" || plan.Type == "gifv") && v.Width*v.Height <= VideoPixels &&
		v.FPS <= VideoFrameRate && !v.Rotated
}

// videoEncoding is Mastodon's VIDEO_FORMAT: H.264 (veryfast, CRF 18
// capped at 1300 kb/s), yuv420p with even sides, AAC at 192 kb/s; scaled
// down into 1080p's area and 60 fps when over them.
func videoEncoding(v *VideoStream) []string {
	scale := "scale=trunc(iw/2)*2:trunc(ih/2)*2"
	if px := v.Width * v.Height; px > VideoPixels {
		f := strconv.FormatFloat(math.Sqrt(float64(VideoPixels)/float64(px)), 'f', 6, 64)
		scale = fmt.Sprintf("scale=trunc(iw*%s/2)*2:trunc(ih*%s/2)*2", f, f)
	}
	if v.FPS > VideoFrameRate {
		scale += ",fps=" + strconv.Itoa(VideoFrameRate)
	}
	return []string{"-vf", scale, "-c:v", "libx264", "-preset", "veryfast", "-crf", "18",
		"-maxrate", "1300k", "-bufsize", "1300k", "-pix_fmt", "yuv420p", "-frames:v", strconv.Itoa(MaxVideoFrames),
		"-c:a", "aac", "-b:a", "192k"}
}

// firstFrame takes the first frame of a processed video and processes
// it as an uploaded image.
func (f *FFmpeg) firstFrame(ctx context.Context, video, dir string) (*Image, error) {
	png := filepath.Join(dir, "frame.png")
	if err := f.transcode(ctx, "-f", "mov", "-i", "file:"+video, "-map", "0:v:0", "-frames:v", "1",
		"-c:v", "png", "-f", "image2", "file:"+png); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(png)
	if err != nil {
		return nil, err
	}
	return processImage(data, len(data))
}

// DecodeStill decodes an AVIF image saved at path to an Image, checking
// its pixel count from the header before decoding. HEIC/HEIF is refused
// (ErrUnsupported): Debian 12's ffmpeg (5.1) reads HEIF's still-image
// items only from 7.1 on.
func (f *FFmpeg) DecodeStill(ctx context.Context, path, format, dir string) (*Image, error) {
	if format != "avif" {
		return nil, ErrUnsupported
	}
	if st, err := os.Stat(path); err != nil {
		return nil, err
	} else if st.Size() > MaxImageBytes {
		return nil, ErrTooLarge
	}
	p, err := f.Probe(ctx, path, format)
	if err != nil {
		return nil, err
	}
	if p.Video == nil || p.Video.Width <= 0 || p.Video.Height <= 0 {
		return nil, ErrCorrupt
	}
	if int64(p.Video.Width)*int64(p.Video.Height) > MaxImagePixels {
		return nil, ErrTooLarge
	}
	png := filepath.Join(dir, "still.png")
	if err := f.transcode(ctx, "-f", "mov", "-i", "file:"+path, "-map", "0:v:0", "-frames:v", "1",
		"-map_metadata", "-1", "-c:v", "png", "-f", "image2", "file:"+png); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(png)
	if err != nil {
		return nil, err
	}
	// The PNG of a large photo may be bigger than an upload may be; its
	// pixels were checked above.
	return processImage(data, len(data))
}
