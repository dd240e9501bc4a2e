package media

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// Mastodon's limits for images (app/models/media_attachment.rb):
// uploads up to 16 MB and 33 megapixels (checked from the header, before
// decoding), originals kept within 3840×2160's area (8.3 Mpx), previews
// within 640×360's.
const (
	MaxImageBytes  = 16 << 20
	MaxImagePixels = 33_177_600
	OriginalPixels = 3840 * 2160
	SmallPixels    = 640 * 360
)

// ErrUnsupported is a file that is not a JPEG, PNG, GIF or WebP image;
// ErrTooLarge one over the byte or pixel limits; ErrCorrupt one whose
// header promises an image its bytes do not hold. The client API
// answers all three with 422.
var (
	ErrUnsupported = errors.New("media: unsupported file type")
	ErrTooLarge    = errors.New("media: file too large")
	ErrCorrupt     = errors.New("media: file could not be read")
)

// Image is a processed upload: the re-encoded original and preview (all
// metadata, EXIF and GPS included, left behind by re-encoding) and what
// the API's meta field reports.
type Image struct {
	Original, Small         []byte
	Ext, ContentType        string // of Original (".jpg"/".png")
	SmallExt, SmallType     string
	Width, Height           int // of Original, orientation applied
	SmallWidth, SmallHeight int
	Blurhash                string
}

type codec struct {
	config func([]byte) (image.Config, error)
	decode func([]byte) (image.Image, error)
}

func wrap(cfg func(r *bytes.Reader) (image.Config, error), dec func(r *bytes.Reader) (image.Image, error)) codec {
	return codec{
		config: func(b []byte) (image.Config, error) { return cfg(bytes.NewReader(b)) },
		decode: func(b []byte) (image.Image, error) { return dec(bytes.NewReader(b)) },
	}
}

var codecs = map[string]codec{
	"jpeg": wrap(func(r *bytes.Reader) (image.Config, error) { return jpeg.DecodeConfig(r) },
		func(r *bytes.Reader) (image.Image, error) { return jpeg.Decode(r) }),
	"png": wrap(func(r *bytes.Reader) (image.Config, error) { return png.DecodeConfig(r) },
		func(r *bytes.Reader) (image.Image, error) { return png.Decode(r) }),
	"gif": wrap(func(r *bytes.Reader) (image.Config, error) { return gif.DecodeConfig(r) },
		func(r *bytes.Reader) (image.Image, error) { return gif.Decode(r) }),
	"webp": wrap(func(r *bytes.Reader) (image.Config, error) { return webp.DecodeConfig(r) },
		func(r *bytes.Reader) (image.Image, error) { return webp.Decode(r) }),
}

// ProcessImage checks, decodes and re-encodes an uploaded image: the real
// type is sniffed, the size and the pixel count (from the header) are
// checked before anything is decoded, the JPEG EXIF orientation is
// applied, and the original (within OriginalPixels) and the preview
// (within SmallPixels) are encoded afresh, JPEG as JPEG and everything
// else as PNG (static: a GIF keeps its first frame).
func ProcessImage(data []byte) (*Image, error) { return processImage(data, MaxImageBytes) }

// processImage is ProcessImage with a byte limit of its own (an image
// ffmpeg decoded is checked by pixels before it was decoded).
func processImage(data []byte, maxBytes int) (*Image, error) {
	src, format, orientation, err := decodeChecked(data, maxBytes)
	if err != nil {
		return nil, err
	}
	// Resize (cheaper on fewer pixels) then orient; area limits do not
	// care which way round the image stands.
	b := src.Bounds()
	w, h := fitArea(b.Dx(), b.Dy(), OriginalPixels)
	orig := orient(scale(src, w, h), orientation)
	sw, sh := fitArea(orig.Bounds().Dx(), orig.Bounds().Dy(), SmallPixels)
	small := scale(orig, sw, sh)

	out := &Image{Width: orig.Bounds().Dx(), Height: orig.Bounds().Dy(), SmallWidth: sw, SmallHeight: sh}
	if format == "jpeg" {
		out.Ext, out.ContentType = ".jpg", "image/jpeg"
		if out.Original, err = encodeJPEG(orig); err != nil {
			return nil, err
		}
	} else {
		out.Ext, out.ContentType = ".png", "image/png"
		if out.Original, err = encodePNG(orig); err != nil {
			return nil, err
		}
	}
	// Previews are JPEG when opaque (smaller), PNG when they have alpha.
	if small.Opaque() {
		out.SmallExt, out.SmallType = ".jpg", "image/jpeg"
		out.Small, err = encodeJPEG(small)
	} else {
		out.SmallExt, out.SmallType = ".png", "image/png"
		out.Small, err = encodePNG(small)
	}
	if err != nil {
		return nil, err
	}
	out.Blurhash = Blurhash(small, blurhashX, blurhashY)
	return out, nil
}

// decodeChecked decodes an image after checking, before any decoding,
// its size, its sniffed type and its pixel count from the header. It
// answers the image as stored, its format and its JPEG EXIF orientation
// (1 when none), for the caller to apply after resizing.
func decodeChecked(data []byte, maxBytes int) (src image.Image, format string, orientation int, err error) {
	if len(data) > maxBytes {
		return nil, "", 0, ErrTooLarge
	}
	format = Sniff(data)
	c, ok := codecs[format]
	if !ok {
		return nil, "", 0, ErrUnsupported
	}
	cfg, err := c.config(data)
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, "", 0, ErrCorrupt
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxImagePixels {
		return nil, "", 0, ErrTooLarge
	}
	if src, err = c.decode(data); err != nil {
		return nil, "", 0, ErrCorrupt
	}
	orientation = 1
	if format == "jpeg" {
		orientation = jpegOrientation(data)
	}
	return src, format, orientation, nil
}

// fitArea scales w×h down, keeping its aspect, until it has at most
// maxPixels; images already within are kept as they are.
func fitArea(w, h, maxPixels int) (int, int) {
	if w*h <= maxPixels {
		return w, h
	}
	f := math.Sqrt(float64(maxPixels) / float64(w*h))
	nw, nh := int(float64(w)*f), int(float64(h)*f)
	return max(nw, 1), max(nh, 1)
}

// scale draws src into a new w×h RGBA image (a copy even at the same size,
// so later steps may write to it).
func scale(src image.Image, w, h int) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	if src.Bounds().Dx() == w && src.Bounds().Dy() == h {
		draw.Draw(dst, dst.Bounds(), src, src.Bounds().Min, draw.Src)
	} else {
		draw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
	}
	return dst
}

func encodeJPEG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		return nil, fmt.Errorf("media: encode jpeg: %w", err)
	}
	return buf.Bytes(), nil
}

func encodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("media: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// orient applies an EXIF orientation (1–8, TIFF 6.0 tag 0x0112) to img.
func orient(img *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return img
	}
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	dw, dh := w, h
	if o >= 5 { // 5–8 turn the image a quarter
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			var sx, sy int
			switch o {
			case 2:
				sx, sy = w-1-x, y
			case 3:
				sx, sy = w-1-x, h-1-y
			case 4:
				sx, sy = x, h-1-y
			case 5:
				sx, sy = y, x
			case 6: // rotate 90° clockwise
				sx, sy = y, h-1-x
			case 7:
				sx, sy = w-1-y, h-1-x
			case 8: // rotate 90° counter-clockwise
				sx, sy = w-1-y, x
			}
			si, di := img.PixOffset(sx, sy), dst.PixOffset(x, y)
			copy(dst.Pix[di:di+4], img.Pix[si:si+4])
		}
	}
	return dst
}
