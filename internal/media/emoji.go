package media

import (
	"image"

	"golang.org/x/image/draw"
)

// Custom emoji limits. Mastodon refuses emoji images of 256 KB or more
// (CustomEmoji::LIMIT, local and remote alike) and keeps them as sent,
// with a static PNG copy; Herd keeps only the static PNG, scaled down to
// fit EmojiSize×EmojiSize (never up), which is plenty for an image shown
// at text height and bounds what a small but huge-pixelled file becomes.
const (
	MaxEmojiBytes = 256 << 10
	EmojiSize     = 128
)

// ProcessEmoji checks an emoji image as ProcessImage does an upload (type
// sniffed from the bytes, size and pixel count checked before decoding)
// under the emoji byte limit (PNG, GIF, WebP or JPEG), and re-encodes it as a static PNG (a GIF's
// or WebP's first frame) fitting EmojiSize×EmojiSize, metadata dropped.
// Only Original, its size and type are filled in.
func ProcessEmoji(data []byte) (*Image, error) {
	src, _, orientation, err := decodeChecked(data, MaxEmojiBytes)
	if err != nil {
		return nil, err
	}
	// The box is square, so it fits the image as stored; orient turns it after.
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > EmojiSize || h > EmojiSize {
		if w >= h {
			w, h = EmojiSize, max(h*EmojiSize/w, 1)
		} else {
			w, h = max(w*EmojiSize/h, 1), EmojiSize
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	if w == b.Dx() && h == b.Dy() {
		draw.Draw(dst, dst.Bounds(), src, b.Min, draw.Src)
	} else {
		draw.BiLinear.Scale(dst, dst.Bounds(), src, b, draw.Src, nil)
	}
	img := orient(dst, orientation)
	png, err := encodePNG(img)
	if err != nil {
		return nil, err
	}
	return &Image{Original: png, Ext: ".png", ContentType: "image/png",
		Width: img.Bounds().Dx(), Height: img.Bounds().Dy()}, nil
}
