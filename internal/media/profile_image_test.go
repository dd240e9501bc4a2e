package media_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"testing"

	"herd/internal/media"
	"herd/internal/media/mediatest"
)

// leftBand is a w×h PNG, red in its left quarter and blue elsewhere: a
// centre crop of a wide one loses the red, a squash would keep it.
func leftBand(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{0, 0, 255, 255}
			if x < w/4 {
				c = color.RGBA{255, 0, 0, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

func TestProcessProfileImageSizes(t *testing.T) {
	for _, tc := range []struct {
		name         string
		in           []byte
		boxW, boxH   int
		wantW, wantH int
		wantType     string
	}{
		{"big photo avatar", mediatest.JPEGWithEXIF(1200, 800, 1), 400, 400, 400, 400, "image/jpeg"},
		{"big photo header", mediatest.JPEGWithEXIF(3000, 3000, 1), 1500, 500, 1500, 500, "image/jpeg"},
		{"small avatar is cropped, not scaled up", mediatest.PNG(200, 300), 400, 400, 200, 200, "image/png"},
		{"small header is cropped, not scaled up", mediatest.PNG(900, 900), 1500, 500, 900, 300, "image/png"},
		{"exact size kept", mediatest.PNG(400, 400), 400, 400, 400, 400, "image/png"},
		{"gif becomes a static png", mediatest.GIF(500, 500), 400, 400, 400, 400, "image/png"},
		{"webp", mediatest.WebP, 400, 400, 1, 1, "image/png"},
		// Stored 80×40, shown 40×80 (orientation 6): the crop is of what is shown.
		{"oriented", mediatest.JPEGWithEXIF(80, 40, 6), 1500, 500, 40, 13, "image/jpeg"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, err := media.ProcessProfileImage(tc.in, tc.boxW, tc.boxH)
			if err != nil {
				t.Fatal(err)
			}
			cfg, _, err := image.DecodeConfig(bytes.NewReader(img.Original))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Width != tc.wantW || cfg.Height != tc.wantH || img.Width != tc.wantW || img.Height != tc.wantH {
				t.Fatalf("got %dx%d (reported %dx%d), want %dx%d", cfg.Width, cfg.Height, img.Width, img.Height, tc.wantW, tc.wantH)
			}
			if img.ContentType != tc.wantType {
				t.Fatalf("type %s, want %s", img.ContentType, tc.wantType)
			}
			if bytes.Contains(img.Original, []byte(mediatest.GPSMarker)) {
				t.Fatal("metadata kept")
			}
		})
	}
}

func TestProcessProfileImageCropsTheCentre(t *testing.T) {
	img, err := media.ProcessProfileImage(leftBand(1600, 800), 400, 400)
	if err != nil {
		t.Fatal(err)
	}
	dec, _, err := image.Decode(bytes.NewReader(img.Original))
	if err != nil {
		t.Fatal(err)
	}
	// The crop keeps x 400..1200 of 1600: the red band (x < 400) is gone.
	for _, x := range []int{0, 5, 200, 399} {
		if r, _, b, _ := dec.At(x, 200).RGBA(); r>>8 > 60 || b>>8 < 200 {
			t.Fatalf("pixel %d,200 is r=%d b=%d: not a centre crop", x, r>>8, b>>8)
		}
	}
	// A header of the same picture (3:1 of a 2:1 image) keeps all its width.
	img, err = media.ProcessProfileImage(leftBand(1600, 800), 1500, 500)
	if err != nil {
		t.Fatal(err)
	}
	dec, _, _ = image.Decode(bytes.NewReader(img.Original))
	if r, _, _, _ := dec.At(10, 250).RGBA(); r>>8 < 200 {
		t.Fatalf("header lost the left band: r=%d", r>>8)
	}
}

func TestProcessProfileImageRefusesHostileFiles(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want error
	}{
		{"pixel bomb", mediatest.PixelBomb(), media.ErrTooLarge},
		{"too many bytes", make([]byte, media.MaxImageBytes+1), media.ErrTooLarge},
		{"truncated", mediatest.Truncated(), media.ErrCorrupt},
		{"text", []byte("not an image at all"), media.ErrUnsupported},
		{"html before png", append([]byte("<html>"), mediatest.PNG(4, 4)...), media.ErrUnsupported},
	} {
		if _, err := media.ProcessProfileImage(tc.in, 400, 400); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}
