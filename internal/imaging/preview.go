package imaging

import (
	"bytes"
	"io"
)

// Preview is an image shown in place of an attachment.
type Preview struct {
	// Original is the image's own size.
	Original Info
	// Width and Height are the preview's size, at most PreviewWidth wide.
	Width, Height int
	// Data is the preview, encoded; nil when the original is small enough to
	// be its own preview.
	Data        []byte
	ContentType string
}

// MakePreview decodes the image in r (checking its header first, see
// Decode) and makes its preview, turned upright when a JPEG's EXIF tag says
// the camera was held sideways (browsers turn the original themselves, but a
// preview is re-encoded without the tag). The whole image is decoded even when it is
// narrow enough already: a file whose header is fine but whose data is not
// must not be shown as an image. Errors are ErrNotImage, ErrTooManyPixels or
// r's own.
func MakePreview(r io.ReadSeeker) (Preview, error) {
	img, info, err := Decode(r)
	if err != nil {
		return Preview{}, err
	}
	o := 1
	if info.Format == "jpeg" {
		if _, err := r.Seek(0, io.SeekStart); err != nil {
			return Preview{}, err
		}
		o = exifOrientation(r)
	}
	// Sizes are as the picture is seen: turned as its EXIF tag says.
	seenW, seenH := info.Width, info.Height
	if transposes(o) {
		seenW, seenH = seenH, seenW
	}
	p := Preview{Original: Info{Format: info.Format, Width: seenW, Height: seenH}, Width: seenW, Height: seenH}
	if seenW <= PreviewWidth && o == 1 {
		return p, nil
	}
	// Fit the seen width: a turned picture's stored height.
	small := img
	if seenW > PreviewWidth {
		if transposes(o) {
			b := img.Bounds()
			small = scale(img, b, max(1, int(int64(b.Dx())*PreviewWidth/int64(b.Dy()))), PreviewWidth)
		} else {
			small = Fit(img, PreviewWidth)
		}
	}
	small = orient(small, o)
	var buf bytes.Buffer
	format, err := Encode(&buf, small)
	if err != nil {
		return Preview{}, err
	}
	b := small.Bounds()
	p.Width, p.Height = b.Dx(), b.Dy()
	p.Data, p.ContentType = buf.Bytes(), "image/"+format
	return p, nil
}
