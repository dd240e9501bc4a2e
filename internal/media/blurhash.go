package media

import (
	"image"
	"math"
	"strings"
)

// Blurhash components, as Mastodon computes them (x_comp 4, y_comp 4).
const blurhashX, blurhashY = 4, 4

const base83Chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"

// Blurhash encodes img as a BlurHash (github.com/woltapp/blurhash, the
// algorithm's description) with nx×ny components. It is meant for small
// images (the preview): it visits every pixel once per component.
func Blurhash(img image.Image, nx, ny int) string {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	factors := make([][3]float64, nx*ny)
	if w > 0 && h > 0 {
		// Linear RGB of every pixel, read once (sRGB → linear by table).
		var toLinear [256]float64
		for v := range toLinear {
			toLinear[v] = srgbToLinear(uint32(v))
		}
		lin := make([][3]float64, w*h)
		rgba, _ := img.(*image.RGBA)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				if rgba != nil {
					o := rgba.PixOffset(b.Min.X+x, b.Min.Y+y)
					lin[y*w+x] = [3]float64{toLinear[rgba.Pix[o]], toLinear[rgba.Pix[o+1]], toLinear[rgba.Pix[o+2]]}
					continue
				}
				r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
				lin[y*w+x] = [3]float64{toLinear[r>>8], toLinear[g>>8], toLinear[bl>>8]}
			}
		}
		// The cosine basis, per column and per row, computed once.
		cosX, cosY := cosines(nx, w), cosines(ny, h)
		for j := 0; j < ny; j++ {
			for i := 0; i < nx; i++ {
				norm := 2.0
				if i == 0 && j == 0 {
					norm = 1
				}
				var f [3]float64
				for y := 0; y < h; y++ {
					cy := cosY[j*h+y]
					for x := 0; x < w; x++ {
						basis := cy * cosX[i*w+x]
						p := lin[y*w+x]
						f[0] += basis * p[0]
						f[1] += basis * p[1]
						f[2] += basis * p[2]
					}
				}
				scale := norm / float64(w*h)
				factors[j*nx+i] = [3]float64{f[0] * scale, f[1] * scale, f[2] * scale}
			}
		}
	}
	var sb strings.Builder
	writeBase83(&sb, (nx-1)+(ny-1)*9, 1)
	ac := factors[1:]
	maxValue := 1.0
	if len(ac) > 0 {
		actualMax := 0.0
		for _, f := range ac {
			actualMax = math.Max(actualMax, math.Max(math.Abs(f[0]), math.Max(math.Abs(f[1]), math.Abs(f[2]))))
		}
		q := int(math.Max(0, math.Min(82, math.Floor(actualMax*166-0.5))))
		maxValue = float64(q+1) / 166
		writeBase83(&sb, q, 1)
	} else {
		writeBase83(&sb, 0, 1)
	}
	dc := factors[0]
	writeBase83(&sb, linearToSRGB(dc[0])<<16|linearToSRGB(dc[1])<<8|linearToSRGB(dc[2]), 4)
	for _, f := range ac {
		quant := func(v float64) int {
			return int(math.Max(0, math.Min(18, math.Floor(signPow(v/maxValue, 0.5)*9+9.5))))
		}
		writeBase83(&sb, quant(f[0])*19*19+quant(f[1])*19+quant(f[2]), 2)
	}
	return sb.String()
}

// cosines is cos(π·k·p/size) for k < n, p < size, at [k*size+p].
func cosines(n, size int) []float64 {
	out := make([]float64, n*size)
	for k := 0; k < n; k++ {
		for p := 0; p < size; p++ {
			out[k*size+p] = math.Cos(math.Pi * float64(k) * float64(p) / float64(size))
		}
	}
	return out
}

func writeBase83(sb *strings.Builder, v, length int) {
	for i := 1; i <= length; i++ {
		d := v / int(math.Pow(83, float64(length-i))) % 83
		sb.WriteByte(base83Chars[d])
	}
}

func srgbToLinear(v uint32) float64 {
	f := float64(v) / 255
	if f <= 0.04045 {
		return f / 12.92
	}
	return math.Pow((f+0.055)/1.055, 2.4)
}

func linearToSRGB(v float64) int {
	v = math.Max(0, math.Min(1, v))
	if v <= 0.0031308 {
		return int(v*12.92*255 + 0.5)
	}
	return int((1.055*math.Pow(v, 1/2.4)-0.055)*255 + 0.5)
}

func signPow(v, exp float64) float64 {
	return math.Copysign(math.Pow(math.Abs(v), exp), v)
}
