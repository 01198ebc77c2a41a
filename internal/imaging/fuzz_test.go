package imaging

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"testing"
)

// FuzzMakePreview: whatever the bytes, a preview is an error of the package's
// kinds or a bounded image whose stated size is its real one; never a panic.
func FuzzMakePreview(f *testing.F) {
	f.Add(encodePNG(f, gradient(1300, 3, true)))
	f.Add(encodeJPEG(f, gradient(1250, 2, false)))
	f.Add(encodePNG(f, gradient(4, 4, false)))
	f.Add(pngClaiming(f, 60000, 60000))
	var g bytes.Buffer
	_ = gif.Encode(&g, image.NewPaletted(image.Rect(0, 0, 3, 3), color.Palette{color.Black}), nil)
	f.Add(g.Bytes())
	f.Add([]byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"))
	f.Add([]byte("GIF89a"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := MakePreview(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrNotImage) && !errors.Is(err, ErrTooManyPixels) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if p.Width <= 0 || p.Width > PreviewWidth || p.Height <= 0 {
			t.Fatalf("preview size %dx%d", p.Width, p.Height)
		}
		if int64(p.Original.Width)*int64(p.Original.Height) > MaxPixels {
			t.Fatalf("original %dx%d passed the pixel limit", p.Original.Width, p.Original.Height)
		}
		if p.Data != nil {
			img, _, err := image.DecodeConfig(bytes.NewReader(p.Data))
			if err != nil || img.Width != p.Width || img.Height != p.Height {
				t.Fatalf("preview data %v, %v; stated %dx%d", img, err, p.Width, p.Height)
			}
		}
	})
}
