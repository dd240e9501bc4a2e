package media_test

import (
	"runtime"
	"testing"

	"herd/internal/media"
	"herd/internal/media/mediatest"
)

// BenchmarkProcessImage12MP processes a 12-megapixel camera JPEG (4000×3000
// with EXIF orientation): decode, resize to 8.3 Mpx, orient, preview,
// re-encode, blurhash. It reports uploads/s and the heap in use at its
// highest sampled point (after decoding the last upload).
func BenchmarkProcessImage12MP(b *testing.B) {
	data := mediatest.JPEGWithEXIF(4000, 3000, 6)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	var peak uint64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		img, err := media.ProcessImage(data)
		if err != nil {
			b.Fatal(err)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
		_ = img
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "uploads/s")
	b.ReportMetric(float64(peak)/(1<<20), "heap-MB")
}
