package imaging

import (
	"bytes"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"
)

// photo12MP is a 4000 × 3000 JPEG with a photo's mix of smooth areas and
// detail (gradients with noise), as a phone takes.
func photo12MP(b *testing.B) []byte {
	img := image.NewYCbCr(image.Rect(0, 0, 4000, 3000), image.YCbCrSubsampleRatio420)
	r := rand.New(rand.NewPCG(1, 2))
	for y := 0; y < 3000; y++ {
		for x := 0; x < 4000; x++ {
			img.Y[y*img.YStride+x] = uint8((x/16+y/12)%200) + uint8(r.IntN(40))
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = uint8(100+i%50), uint8(140-i%30)
	}
	var out bytes.Buffer
	if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	return out.Bytes()
}

// BenchmarkPreview12MP is the preview made on upload of a 12-megapixel
// photo: header check, full decode, scale to 1,200 px (Catmull-Rom), JPEG.
func BenchmarkPreview12MP(b *testing.B) {
	data := photo12MP(b)
	b.SetBytes(int64(len(data)))
	// CPU time beside wall time: on a shared machine the wall clock
	// measures the queue for the cores as much as the work.
	before := cpuTime()
	for b.Loop() {
		p, err := MakePreview(bytes.NewReader(data))
		if err != nil || p.Width != 1200 || p.Height != 900 {
			b.Fatalf("%+v %v", p, err)
		}
	}
	b.ReportMetric(float64((cpuTime()-before).Milliseconds())/float64(b.N), "cpu-ms/op")
}

// cpuTime is the process's user and system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
