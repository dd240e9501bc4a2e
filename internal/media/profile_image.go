package media

import (
	"image"

	"golang.org/x/image/draw"
)

// Profile image sizes, as Mastodon's Account::Avatar and Account::Header
// geometries ("400x400#", "1500x500#"): cropped to the box's aspect around
// the centre, then scaled down to it.
const (
	AvatarWidth, AvatarHeight = 400, 400
	HeaderWidth, HeaderHeight = 1500, 500
)

// ProcessProfileImage checks and decodes an avatar or header as
// ProcessImage does an upload (sniffed type, byte and pixel limits before
// decoding, EXIF orientation applied, metadata dropped by re-encoding),
// crops it to width:height around its centre and scales it down to
// width×height; an image smaller than that keeps its size, never scaled
// up. Only Original (and its size and type) is filled in: profile images
// have no preview, and are static (a GIF keeps its first frame).
func ProcessProfileImage(data []byte, width, height int) (*Image, error) {
	src, format, orientation, err := decodeChecked(data, MaxImageBytes)
	if err != nil {
		return nil, err
	}
	// Crop and scale the image as stored, then orient it: for the
	// quarter turns (5–8) the box is turned too. A centre crop does not
	// care about flips and turns.
	w, h := width, height
	if orientation >= 5 && orientation <= 8 {
		w, h = h, w
	}
	crop := centreCrop(src.Bounds(), w, h)
	if crop.Dx() < w { // smaller than the box: cropped, never scaled up
		w, h = crop.Dx(), crop.Dy()
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	if crop.Dx() == w && crop.Dy() == h {
		draw.Draw(dst, dst.Bounds(), src, crop.Min, draw.Src)
	} else {
		// BiLinear (unlike ApproxBiLinear) widens its kernel when
		// shrinking, so a big photo does not alias into a small avatar.
		draw.BiLinear.Scale(dst, dst.Bounds(), src, crop, draw.Src, nil)
	}
	img := orient(dst, orientation)
	out := &Image{Width: img.Bounds().Dx(), Height: img.Bounds().Dy()}
	if format == "jpeg" {
		out.Ext, out.ContentType = ".jpg", "image/jpeg"
		out.Original, err = encodeJPEG(img)
	} else {
		out.Ext, out.ContentType = ".png", "image/png"
		out.Original, err = encodePNG(img)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// centreCrop is the largest rectangle of b's centre with the aspect w:h
// (at least one pixel each way).
func centreCrop(b image.Rectangle, w, h int) image.Rectangle {
	bw, bh := b.Dx(), b.Dy()
	cw, ch := bw, bh
	if int64(bw)*int64(h) > int64(bh)*int64(w) { // wider than the box
		cw = max(int(int64(bh)*int64(w)/int64(h)), 1)
	} else {
		ch = max(int(int64(bw)*int64(h)/int64(w)), 1)
	}
	x, y := b.Min.X+(bw-cw)/2, b.Min.Y+(bh-ch)/2
	return image.Rect(x, y, x+cw, y+ch)
}
