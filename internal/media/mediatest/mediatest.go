// Package mediatest builds image files for tests: a JPEG carrying EXIF
// orientation and GPS, PNG, GIF and WebP bytes, and hostile files.
package mediatest

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
)

// GPSMarker is a string stored in the EXIF segment JPEGWithEXIF makes
// (as the camera model), so a test can check the metadata is gone.
const GPSMarker = "HerdTestCamera"

// Picture is a w×h image, red in its top-left quarter and blue elsewhere,
// so a test can tell which way round it stands.
func Picture(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{0, 0, 255, 255}
			if x < w/2 && y < h/2 {
				c = color.RGBA{255, 0, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

// JPEGWithEXIF encodes a w×h Picture as JPEG and splices in an APP1 EXIF
// segment with the orientation, a camera model (GPSMarker) and a GPS IFD
// holding a latitude.
func JPEGWithEXIF(w, h, orientation int) []byte {
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, Picture(w, h), &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	b := enc.Bytes()
	seg := append([]byte("Exif\x00\x00"), tiff(orientation)...)
	app1 := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(seg)+2))
	out := append([]byte{}, b[:2]...) // SOI
	out = append(out, app1...)
	out = append(out, seg...)
	return append(out, b[2:]...)
}

// tiff is a little-endian TIFF block: IFD0 with Orientation, Model and a
// GPS IFD pointer; the GPS IFD with GPSLatitudeRef "N".
func tiff(orientation int) []byte {
	le := binary.LittleEndian
	model := GPSMarker + "\x00"
	// Layout: header(8) | IFD0: count(2) + 3 entries(36) + next(4) = 42 → 50 |
	// GPS IFD at 50: count(2) + 1 entry(12) + next(4) = 18 → 68 | model at 68.
	t := make([]byte, 68+len(model))
	copy(t, "II")
	le.PutUint16(t[2:], 42)
	le.PutUint32(t[4:], 8)
	le.PutUint16(t[8:], 3)
	entry := func(at int, tag, typ uint16, count, value uint32) {
		le.PutUint16(t[at:], tag)
		le.PutUint16(t[at+2:], typ)
		le.PutUint32(t[at+4:], count)
		le.PutUint32(t[at+8:], value)
	}
	entry(10, 0x0110, 2, uint32(len(model)), 68) // Model, ASCII at 68
	entry(22, 0x0112, 3, 1, uint32(orientation)) // Orientation, SHORT
	entry(34, 0x8825, 4, 1, 50)                  // GPS IFD pointer
	le.PutUint16(t[50:], 1)
	entry(52, 0x0001, 2, 2, uint32('N')) // GPSLatitudeRef "N"
	copy(t[68:], model)
	return t
}

// PNG encodes a w×h Picture as PNG.
func PNG(w, h int) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, Picture(w, h)); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// PNGWithText encodes a w×h Picture as PNG with a tEXt chunk key=value
// right after the header, as cameras and editors write metadata.
func PNGWithText(w, h int, key, value string) []byte {
	b := PNG(w, h)
	data := append([]byte(key+"\x00"), value...)
	chunk := make([]byte, 8, 12+len(data))
	binary.BigEndian.PutUint32(chunk, uint32(len(data)))
	copy(chunk[4:], "tEXt")
	chunk = append(chunk, data...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	// The IHDR chunk ends at 8 (signature) + 25 (length, type, 13 bytes, CRC).
	out := append([]byte{}, b[:33]...)
	out = append(out, chunk...)
	return append(out, b[33:]...)
}

// GIF encodes a w×h Picture as GIF.
func GIF(w, h int) []byte {
	var buf bytes.Buffer
	if err := gif.Encode(&buf, Picture(w, h), nil); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// WebP is a valid 1×1 lossless WebP file.
var WebP = []byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")

// PixelBomb is a small PNG whose header claims 100000×100000 pixels.
func PixelBomb() []byte {
	b := PNG(1, 1)
	// IHDR's width and height follow the signature (8), length (4), type (4).
	binary.BigEndian.PutUint32(b[16:], 100000)
	binary.BigEndian.PutUint32(b[20:], 100000)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

// Truncated is a JPEG cut short after its headers.
func Truncated() []byte {
	b := JPEGWithEXIF(64, 48, 1)
	return b[:len(b)/3]
}
