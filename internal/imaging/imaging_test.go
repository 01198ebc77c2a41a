package imaging

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"
)

func gradient(w, h int, alpha bool) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			a := uint8(255)
			if alpha && x < w/2 {
				a = 100
			}
			img.SetNRGBA(x, y, color.NRGBA{uint8(x), uint8(y), uint8(x + y), a})
		}
	}
	return img
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngClaiming is a valid 1×1 PNG whose header claims w × h pixels.
func pngClaiming(t testing.TB, w, h uint32) []byte {
	b := encodePNG(t, gradient(1, 1, false))
	// Signature (8), length (4), "IHDR" (4), then width and height.
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func TestBombIsRefusedFromItsHeader(t *testing.T) {
	bomb := pngClaiming(t, 60000, 60000)
	if _, err := Inspect(bytes.NewReader(bomb)); !errors.Is(err, ErrTooManyPixels) {
		t.Fatalf("Inspect(60000×60000) = %v, want ErrTooManyPixels", err)
	}
	if _, err := MakePreview(bytes.NewReader(bomb)); !errors.Is(err, ErrTooManyPixels) {
		t.Fatalf("MakePreview(60000×60000) = %v, want ErrTooManyPixels", err)
	}
	// Just under the limit the header passes, and the lie is found when decoding.
	under := pngClaiming(t, 5000, 5000)
	if info, err := Inspect(bytes.NewReader(under)); err != nil || info.Width != 5000 {
		t.Fatalf("Inspect(5000×5000) = %v, %v", info, err)
	}
	if _, err := MakePreview(bytes.NewReader(under)); !errors.Is(err, ErrNotImage) {
		t.Fatalf("MakePreview(lying header) = %v, want ErrNotImage", err)
	}
}

func TestPreviewOfAWideImageIsAtMost1200Wide(t *testing.T) {
	for _, tc := range []struct {
		name   string
		data   []byte
		format string
	}{
		{"jpeg", encodeJPEG(t, gradient(2400, 160, false)), "image/jpeg"},
		{"png with alpha", encodePNG(t, gradient(2400, 160, true)), "image/png"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := MakePreview(bytes.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if p.Original.Width != 2400 || p.Original.Height != 160 || p.Width != 1200 || p.Height != 80 {
				t.Fatalf("sizes %+v", p)
			}
			if p.ContentType != tc.format {
				t.Fatalf("preview type %s, want %s", p.ContentType, tc.format)
			}
			img, _, err := image.Decode(bytes.NewReader(p.Data))
			if err != nil || img.Bounds().Dx() != 1200 || img.Bounds().Dy() != 80 {
				t.Fatalf("preview decodes to %v, %v", img.Bounds(), err)
			}
		})
	}
}

func TestSmallImageIsItsOwnPreview(t *testing.T) {
	var b bytes.Buffer
	pal := image.NewPaletted(image.Rect(0, 0, 30, 20), color.Palette{color.Black, color.White})
	if err := gif.Encode(&b, pal, nil); err != nil {
		t.Fatal(err)
	}
	p, err := MakePreview(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if p.Data != nil || p.Width != 30 || p.Height != 20 || p.Original.Format != "gif" {
		t.Fatalf("preview %+v", p)
	}
}

func TestNotImages(t *testing.T) {
	full := encodePNG(t, gradient(64, 64, false))
	for name, data := range map[string][]byte{
		"text":         []byte("hello, this is not an image"),
		"empty":        nil,
		"truncated":    full[:len(full)/2],
		"header only":  full[:33],
		"svg":          []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>`),
		"zero pixels":  pngClaiming(t, 0, 10),
		"riff not web": []byte("RIFF\x00\x00\x00\x00WAVEfmt "),
	} {
		if _, err := MakePreview(bytes.NewReader(data)); !errors.Is(err, ErrNotImage) {
			t.Errorf("%s: %v, want ErrNotImage", name, err)
		}
	}
}

func TestSquareCropsTheCentre(t *testing.T) {
	// A 300×100 image: red, green, blue thirds. Its centre square is green.
	img := image.NewRGBA(image.Rect(0, 0, 300, 100))
	for x := 0; x < 300; x++ {
		c := []color.RGBA{{255, 0, 0, 255}, {0, 255, 0, 255}, {0, 0, 255, 255}}[x/100]
		for y := 0; y < 100; y++ {
			img.SetRGBA(x, y, c)
		}
	}
	sq := Square(img, 512)
	if b := sq.Bounds(); b.Dx() != 100 || b.Dy() != 100 {
		t.Fatalf("never scaled up: got %v", b)
	}
	for _, p := range []image.Point{{0, 0}, {99, 99}, {50, 50}} {
		if r, g, b, _ := sq.At(p.X, p.Y).RGBA(); r != 0 || b != 0 || g != 0xffff {
			t.Fatalf("pixel %v = %v, want green", p, sq.At(p.X, p.Y))
		}
	}
	big := Square(gradient(700, 600, false), 512)
	if b := big.Bounds(); b.Dx() != 512 || b.Dy() != 512 {
		t.Fatalf("Square(1000×700, 512) = %v", b)
	}
	// An image whose bounds do not start at the origin.
	sub := gradient(400, 400, false).SubImage(image.Rect(100, 100, 300, 200))
	if b := Square(sub, 64).Bounds(); b.Dx() != 64 || b.Dy() != 64 {
		t.Fatalf("Square(sub-image) = %v", b)
	}
}

func TestEncodeKeepsTransparency(t *testing.T) {
	var b bytes.Buffer
	if f, err := Encode(&b, gradient(10, 10, true)); err != nil || f != "png" {
		t.Fatalf("alpha image encoded as %s, %v", f, err)
	}
	b.Reset()
	if f, err := Encode(&b, gradient(10, 10, false)); err != nil || f != "jpeg" {
		t.Fatalf("opaque image encoded as %s, %v", f, err)
	}
}

// Shrinking a photo keeps its colours: a flat JPEG colour (YCbCr, shrunk in
// place) and a flat PNG colour with transparency come out the same.
func TestShrinkKeepsColours(t *testing.T) {
	ycc := image.NewYCbCr(image.Rect(0, 0, 5000, 40), image.YCbCrSubsampleRatio420)
	for i := range ycc.Y {
		ycc.Y[i] = 120
	}
	for i := range ycc.Cb {
		ycc.Cb[i], ycc.Cr[i] = 90, 200
	}
	wantR, wantG, wantB := color.YCbCrToRGB(120, 90, 200)
	got := color.RGBAModel.Convert(Fit(ycc, 1200).At(600, 5)).(color.RGBA)
	if d := absDiff(got.R, wantR) + absDiff(got.G, wantG) + absDiff(got.B, wantB); d > 6 {
		t.Errorf("YCbCr shrink: %v, want %d,%d,%d", got, wantR, wantG, wantB)
	}
	nrgba := image.NewNRGBA(image.Rect(0, 0, 4000, 30))
	for i := 0; i < len(nrgba.Pix); i += 4 {
		copy(nrgba.Pix[i:], []uint8{200, 40, 10, 128})
	}
	got2 := color.NRGBAModel.Convert(Fit(nrgba, 1200).At(600, 4)).(color.NRGBA)
	if d := absDiff(got2.R, 200) + absDiff(got2.G, 40) + absDiff(got2.B, 10) + absDiff(got2.A, 128); d > 8 {
		t.Errorf("RGBA shrink: %v", got2)
	}
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}
