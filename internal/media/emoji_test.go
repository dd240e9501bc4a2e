package media

import (
	"bytes"
	"errors"
	"image/png"
	"testing"

	"herd/internal/media/mediatest"
)

func TestProcessEmoji(t *testing.T) {
	for _, c := range []struct {
		name    string
		data    []byte
		w, h    int
		wantErr error
	}{
		{"small png kept", mediatest.PNG(32, 20), 32, 20, nil},
		{"wide png scaled", mediatest.PNG(512, 256), 128, 64, nil},
		{"tall gif scaled", mediatest.GIF(100, 400), 32, 128, nil},
		{"jpeg turned", mediatest.JPEGWithEXIF(60, 30, 6), 30, 60, nil},
		{"over 256 KB", append(mediatest.PNG(8, 8), make([]byte, MaxEmojiBytes)...), 0, 0, ErrTooLarge},
		{"pixel bomb", mediatest.PixelBomb(), 0, 0, ErrTooLarge},
		{"not an image", []byte("<svg xmlns='http://www.w3.org/2000/svg'/>"), 0, 0, ErrUnsupported},
		{"truncated", mediatest.Truncated(), 0, 0, ErrCorrupt},
	} {
		img, err := ProcessEmoji(c.data)
		if c.wantErr != nil {
			if !errors.Is(err, c.wantErr) {
				t.Errorf("%s: err %v, want %v", c.name, err, c.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(img.Original))
		if err != nil || img.ContentType != "image/png" || cfg.Width != c.w || cfg.Height != c.h || img.Width != c.w {
			t.Errorf("%s: %s %dx%d (%v), want png %dx%d", c.name, img.ContentType, cfg.Width, cfg.Height, err, c.w, c.h)
		}
	}
}
