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
// Decode) and makes its preview. The whole image is decoded even when it is
// narrow enough already: a file whose header is fine but whose data is not
// must not be shown as an image. Errors are ErrNotImage, ErrTooManyPixels or
// r's own.
func MakePreview(r io.ReadSeeker) (Preview, error) {
	img, info, err := Decode(r)
	if err != nil {
		return Preview{}, err
	}
	p := Preview{Original: info, Width: info.Width, Height: info.Height}
	if info.Width <= PreviewWidth {
		return p, nil
	}
	small := Fit(img, PreviewWidth)
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
