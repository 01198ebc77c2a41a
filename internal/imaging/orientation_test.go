package imaging

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// withOrientation puts an EXIF segment saying orientation o right after a
// JPEG's start, as a phone writes it.
func withOrientation(t *testing.T, jpg []byte, o uint16) []byte {
	t.Helper()
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08" + // big-endian, first directory at 8
		"\x00\x01" + // one entry
		"\x01\x12\x00\x03\x00\x00\x00\x01") // orientation, SHORT, one value
	tiff = append(tiff, byte(o>>8), byte(o), 0, 0, 0, 0, 0, 0)
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := []byte{0xFF, 0xE1, byte((len(seg) + 2) >> 8), byte(len(seg) + 2)}
	out := append([]byte{}, jpg[:2]...)
	out = append(out, app1...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// halves is a w × h picture, red on the left half and blue on the right.
func halves(t *testing.T, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{220, 20, 20, 255}
			if x >= w/2 {
				c = color.RGBA{20, 20, 220, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func reddish(c color.Color) bool {
	r, _, b, _ := c.RGBA()
	return r > b*2
}

// A photo taken with the phone held upright (stored sideways, EXIF 6) gets a
// preview that stands upright, with its upright size.
func TestPreviewTurnsSidewaysPhotosUpright(t *testing.T) {
	for _, tc := range []struct {
		name         string
		w, h         int
		wantW, wantH int
		origW, origH int
	}{
		{"small", 600, 400, 400, 600, 400, 600},
		{"large", 300, 2400, 1200, 150, 2400, 300},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := withOrientation(t, halves(t, tc.w, tc.h), 6)
			if o := exifOrientation(bytes.NewReader(data)); o != 6 {
				t.Fatalf("orientation %d", o)
			}
			p, err := MakePreview(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if p.Width != tc.wantW || p.Height != tc.wantH || p.Original.Width != tc.origW || p.Original.Height != tc.origH || p.Data == nil {
				t.Fatalf("preview %dx%d of %dx%d (data %d bytes)", p.Width, p.Height, p.Original.Width, p.Original.Height, len(p.Data))
			}
			img, err := jpeg.Decode(bytes.NewReader(p.Data))
			if err != nil {
				t.Fatal(err)
			}
			// Turned a quarter clockwise: the stored left (red) is now on top.
			if top, bottom := img.At(p.Width/2, p.Height/8), img.At(p.Width/2, p.Height*7/8); !reddish(top) || reddish(bottom) {
				t.Errorf("top %v, bottom %v: not turned upright", top, bottom)
			}
		})
	}
	// No tag, or a PNG: nothing turns.
	if o := exifOrientation(bytes.NewReader(halves(t, 10, 10))); o != 1 {
		t.Errorf("no tag: orientation %d", o)
	}
}

func TestOrientEveryWay(t *testing.T) {
	// A 3 × 2 picture with one marked corner, at (0, 0).
	src := image.NewRGBA(image.Rect(0, 0, 3, 2))
	src.SetRGBA(0, 0, color.RGBA{255, 0, 0, 255})
	want := map[int]image.Point{1: {0, 0}, 2: {2, 0}, 3: {2, 1}, 4: {0, 1}, 5: {0, 0}, 6: {1, 0}, 7: {1, 2}, 8: {0, 2}}
	for o, at := range want {
		out := orient(src, o)
		if r, _, _, _ := out.At(at.X, at.Y).RGBA(); r == 0 {
			t.Errorf("orientation %d: the corner is not at %v", o, at)
		}
		if transposes(o) != (out.Bounds().Dx() == 2) {
			t.Errorf("orientation %d: size %v", o, out.Bounds())
		}
	}
}
