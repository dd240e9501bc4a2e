package media

import (
	"bytes"
	"encoding/binary"
)

// Sniff names an upload's real format from its first bytes (a few
// hundred are enough), whatever its file name or declared type: the
// images "jpeg", "png", "gif", "webp", the still images ffmpeg decodes
// "avif" and "heic", the containers "mp4" (ISO media and QuickTime),
// "matroska" (WebM too), "ogg", and the audio files "mp3", "aac" (ADTS),
// "wav" and "flac"; "" for anything else.
func Sniff(b []byte) string {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return "jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(b, []byte("GIF87a")) || bytes.HasPrefix(b, []byte("GIF89a")):
		return "gif"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "webp"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WAVE":
		return "wav"
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		return isoBrand(b)
	case len(b) >= 8 && (string(b[4:8]) == "moov" || string(b[4:8]) == "mdat" || string(b[4:8]) == "wide"):
		return "mp4" // QuickTime files older than the ftyp box
	case bytes.HasPrefix(b, []byte{0x1A, 0x45, 0xDF, 0xA3}):
		return "matroska"
	case bytes.HasPrefix(b, []byte("OggS")):
		return "ogg"
	case bytes.HasPrefix(b, []byte("fLaC")):
		return "flac"
	case bytes.HasPrefix(b, []byte("ID3")):
		return "mp3"
	case len(b) >= 2 && b[0] == 0xFF && b[1]&0xF6 == 0xF0:
		return "aac" // ADTS: sync word, layer 00
	case len(b) >= 2 && b[0] == 0xFF && b[1]&0xE0 == 0xE0 && b[1]&0x06 != 0:
		return "mp3" // MPEG audio frame sync, layer set
	}
	return ""
}

// isoBrand tells an ISO base media file (its ftyp box at b) apart by
// brands: AVIF and HEIF still images from video and audio.
func isoBrand(b []byte) string {
	size := int(binary.BigEndian.Uint32(b))
	if size < 16 || size > len(b) {
		size = min(len(b), 256)
	}
	brands := map[string]bool{string(b[8:12]): true}
	for i := 16; i+4 <= size; i += 4 {
		brands[string(b[i:i+4])] = true
	}
	switch {
	case brands["avif"] || brands["avis"]:
		return "avif"
	case brands["heic"] || brands["heix"] || brands["heim"] || brands["heis"] || brands["hevc"] ||
		brands["hevx"] || brands["mif1"] || brands["msf1"]:
		return "heic"
	}
	return "mp4"
}

// GIFFrames counts the frames of a GIF by walking its blocks, without
// decoding any (an animation of many large frames would take much
// memory to decode); it stops counting at limit. A malformed file counts
// the frames found before the damage.
func GIFFrames(b []byte, limit int) int {
	if len(b) < 13 {
		return 0
	}
	i := 13
	if b[10]&0x80 != 0 { // global color table
		i += 3 << (int(b[10]&7) + 1)
	}
	frames := 0
	skipSubBlocks := func() bool {
		for i < len(b) {
			n := int(b[i])
			i++
			if n == 0 {
				return true
			}
			i += n
		}
		return false
	}
	for i < len(b) && frames < limit {
		switch b[i] {
		case 0x21: // extension: label, then sub-blocks
			i += 2
			if !skipSubBlocks() {
				return frames
			}
		case 0x2C: // image descriptor (10 bytes), local table, LZW size, data
			if i+10 > len(b) {
				return frames
			}
			flags := b[i+9]
			i += 10
			if flags&0x80 != 0 {
				i += 3 << (int(flags&7) + 1)
			}
			i++ // LZW minimum code size
			if !skipSubBlocks() {
				return frames
			}
			frames++
		default: // 0x3B trailer, or garbage
			return frames
		}
	}
	return frames
}
