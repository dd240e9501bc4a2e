package server

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"sync"
)

// registerPlaceholderImages serves the default avatar and header that
// accounts without their own point to, at Mastodon's paths, so clients
// never show a broken image.
func registerPlaceholderImages(mux *http.ServeMux) {
	// Encoded on first use, not at start-up, which must stay fast.
	avatar := sync.OnceValue(func() []byte { return solidPNG(120, 120, color.RGBA{0x9b, 0xa3, 0xb4, 0xff}) })
	header := sync.OnceValue(func() []byte { return solidPNG(700, 235, color.RGBA{0x3a, 0x40, 0x52, 0xff}) })
	serve := func(b func() []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "image/png")
			w.Header().Set("Cache-Control", "public, max-age=86400")
			w.Write(b())
		}
	}
	mux.HandleFunc("GET /avatars/original/missing.png", serve(avatar))
	mux.HandleFunc("GET /headers/original/missing.png", serve(header))
}

func solidPNG(w, h int, c color.RGBA) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}
