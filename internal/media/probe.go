package media

import (
	"context"
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// Probe is what ffprobe reads from a file's headers (nothing is
// decoded): its first video and audio streams (cover art aside).
type Probe struct {
	Duration float64 // seconds
	Bitrate  int64   // bits per second, whole file
	Video    *VideoStream
	Audio    *AudioStream
}

// VideoStream is a probed video stream.
type VideoStream struct {
	Codec, PixFmt string
	Width, Height int    // as stored (before any rotation)
	FrameRate     string // "30/1"
	FPS           float64
	Frames        int64 // from the header, or duration × fps
	Rotated       bool  // a display matrix turns it
}

// AudioStream is a probed audio stream.
type AudioStream struct {
	Codec string
}

// demuxers names ffmpeg's demuxer for each sniffed format: the input's
// format is always given, so ffmpeg never guesses one (a playlist or
// concat script is never read as such).
var demuxers = map[string]string{
	"mp4": "mov", "avif": "mov", "heic": "mov", "matroska": "matroska", "ogg": "ogg", "wav": "wav",
	"flac": "flac", "mp3": "mp3", "aac": "aac", "gif": "gif",
}

type probeJSON struct {
	Format struct {
		Duration string `json:"duration"`
		BitRate  string `json:"bit_rate"`
	} `json:"format"`
	Streams []struct {
		CodecType    string `json:"codec_type"`
		CodecName    string `json:"codec_name"`
		PixFmt       string `json:"pix_fmt"`
		Width        int    `json:"width"`
		Height       int    `json:"height"`
		RFrameRate   string `json:"r_frame_rate"`
		AvgFrameRate string `json:"avg_frame_rate"`
		NbFrames     string `json:"nb_frames"`
		Duration     string `json:"duration"`
		Disposition  struct {
			AttachedPic int `json:"attached_pic"`
		} `json:"disposition"`
		SideData []struct {
			Rotation float64 `json:"rotation"`
		} `json:"side_data_list"`
	} `json:"streams"`
}

// Probe reads a file's streams with ffprobe (JSON output), format being
// its sniffed format. A file ffprobe cannot read is ErrCorrupt.
func (f *FFmpeg) Probe(ctx context.Context, path, format string) (*Probe, error) {
	demuxer, ok := demuxers[format]
	if !ok {
		return nil, ErrUnsupported
	}
	out, err := f.run(ctx, "ffprobe", f.FFprobePath, f.ProbeTime, []string{
		"-f", demuxer, "-show_format", "-show_streams", "-of", "json", "file:" + path})
	if err != nil {
		return nil, err
	}
	var pj probeJSON
	if err := json.Unmarshal(out, &pj); err != nil {
		return nil, ErrCorrupt
	}
	p := &Probe{Duration: parseFloat(pj.Format.Duration)}
	p.Bitrate, _ = strconv.ParseInt(pj.Format.BitRate, 10, 64)
	for _, s := range pj.Streams {
		switch {
		case s.CodecType == "video" && p.Video == nil && s.Disposition.AttachedPic == 0:
			v := &VideoStream{Codec: s.CodecName, PixFmt: s.PixFmt, Width: s.Width, Height: s.Height}
			v.FrameRate, v.FPS = s.RFrameRate, parseRate(s.RFrameRate)
			if avg := parseRate(s.AvgFrameRate); avg > 0 && (v.FPS <= 0 || avg < v.FPS) {
				v.FrameRate, v.FPS = s.AvgFrameRate, avg
			}
			v.Frames, _ = strconv.ParseInt(s.NbFrames, 10, 64)
			dur := parseFloat(s.Duration)
			if dur <= 0 {
				dur = p.Duration
			}
			if est := int64(math.Ceil(dur * v.FPS)); est > v.Frames {
				v.Frames = est
			}
			for _, sd := range s.SideData {
				if math.Mod(sd.Rotation, 360) != 0 {
					v.Rotated = true
				}
			}
			p.Video = v
		case s.CodecType == "audio" && p.Audio == nil:
			p.Audio = &AudioStream{Codec: s.CodecName}
		}
	}
	return p, nil
}

func parseFloat(s string) float64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0
	}
	return v
}

// parseRate reads ffprobe's "num/den" frame rates.
func parseRate(s string) float64 {
	num, den, ok := strings.Cut(s, "/")
	if !ok {
		return parseFloat(s)
	}
	n, d := parseFloat(num), parseFloat(den)
	if d == 0 {
		return 0
	}
	return n / d
}
