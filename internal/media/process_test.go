package media_test

import (
	"bytes"
	"errors"
	"image"
	_ "image/png"
	"strings"
	"testing"

	"herd/internal/media"
	"herd/internal/media/mediatest"
)

func TestProcessImageAppliesOrientationAndStripsEXIF(t *testing.T) {
	in := mediatest.JPEGWithEXIF(80, 40, 6) // stored landscape, shown portrait
	if !bytes.Contains(in, []byte(mediatest.GPSMarker)) {
		t.Fatal("test file carries no EXIF")
	}
	img, err := media.ProcessImage(in)
	if err != nil {
		t.Fatal(err)
	}
	if img.Width != 40 || img.Height != 80 {
		t.Fatalf("size %dx%d, want 40x80 (orientation 6 turns it)", img.Width, img.Height)
	}
	if bytes.Contains(img.Original, []byte(mediatest.GPSMarker)) || bytes.Contains(img.Original, []byte("Exif")) {
		t.Fatal("EXIF kept in the original")
	}
	dec, _, err := image.Decode(bytes.NewReader(img.Original))
	if err != nil {
		t.Fatal(err)
	}
	// Turned clockwise, the red top-left quarter ends top-right.
	if r, _, b, _ := dec.At(35, 5).RGBA(); r>>8 < 200 || b>>8 > 60 {
		t.Fatalf("top-right pixel not red after orientation: r=%d b=%d", r>>8, b>>8)
	}
	if img.ContentType != "image/jpeg" || img.Ext != ".jpg" || img.Blurhash == "" {
		t.Fatalf("unexpected result %+v", img)
	}
}

// Metadata goes from every format kept, not only JPEG: a PNG's text
// chunk (where tools put GPS and camera data) does not survive.
func TestProcessImageStripsPNGText(t *testing.T) {
	in := mediatest.PNGWithText(20, 10, "Comment", mediatest.GPSMarker)
	if !bytes.Contains(in, []byte(mediatest.GPSMarker)) {
		t.Fatal("test file carries no text chunk")
	}
	if _, _, err := image.Decode(bytes.NewReader(in)); err != nil {
		t.Fatalf("test file is not a valid PNG: %v", err)
	}
	img, err := media.ProcessImage(in)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(img.Original, []byte(mediatest.GPSMarker)) || bytes.Contains(img.Small, []byte(mediatest.GPSMarker)) {
		t.Fatal("PNG text chunk kept")
	}
}

func TestProcessImageResizesToMastodonLimits(t *testing.T) {
	img, err := media.ProcessImage(mediatest.PNG(4000, 3000))
	if err != nil {
		t.Fatal(err)
	}
	if img.Width*img.Height > media.OriginalPixels || img.Width < 3000 {
		t.Fatalf("original %dx%d", img.Width, img.Height)
	}
	if img.SmallWidth*img.SmallHeight > media.SmallPixels || img.SmallWidth < 500 {
		t.Fatalf("small %dx%d", img.SmallWidth, img.SmallHeight)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(img.Small))
	if err != nil || cfg.Width != img.SmallWidth || cfg.Height != img.SmallHeight {
		t.Fatalf("small file %+v, %v", cfg, err)
	}
}

func TestProcessImageFormats(t *testing.T) {
	for name, data := range map[string][]byte{
		"png": mediatest.PNG(30, 20), "gif": mediatest.GIF(30, 20), "webp": mediatest.WebP,
	} {
		img, err := media.ProcessImage(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if img.ContentType != "image/png" || img.Width == 0 {
			t.Fatalf("%s: %+v", name, img)
		}
	}
}

func TestProcessImageRefusesHostileFiles(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"pixel bomb", mediatest.PixelBomb(), media.ErrTooLarge},
		{"truncated", mediatest.Truncated(), media.ErrCorrupt},
		{"text", []byte("just some text, named photo.jpg"), media.ErrUnsupported},
		{"too many bytes", append(mediatest.PNG(2, 2), make([]byte, media.MaxImageBytes)...), media.ErrTooLarge},
	} {
		if _, err := media.ProcessImage(tc.data); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestBlurhashKnownValues(t *testing.T) {
	red := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := 0; i < len(red.Pix); i += 4 {
		copy(red.Pix[i:], []byte{255, 0, 0, 255})
	}
	// Solid red, 4×3: size flag 21 'L', then (after the AC maximum) the
	// DC 0xFF0000 in base 83 "TI:j", then 11 AC pairs.
	if got := media.Blurhash(red, 4, 3); len(got) != 28 || got[0] != 'L' || got[2:6] != "TI:j" {
		t.Fatalf("Blurhash = %q", got)
	}
	if got := media.Blurhash(red, 1, 1); got != "00TI:j" {
		t.Fatalf("one component: %q", got)
	}
	// A picture with structure has non-neutral AC components.
	if got := media.Blurhash(mediatest.Picture(32, 32), 4, 3); strings.HasSuffix(got, strings.Repeat("fQ", 11)) || len(got) != 28 {
		t.Fatalf("structured picture: %q", got)
	}
}
