// Package imaging reads untrusted images (PNG, JPEG, GIF, WebP) with the
// standard library and golang.org/x/image, refusing decompression bombs
// before decoding, and makes the resized copies the app shows: previews of
// attachments (Preview) and square avatars and icons (Square).
package imaging

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// MaxPixels is the most pixels an image may claim. Decoded, an image costs
// about 4 bytes a pixel: 50 megapixels is 200 MB, the most one decode may
// take; a 12-megapixel photo is well inside.
const MaxPixels = 50_000_000

// PreviewWidth is the widest a preview is.
const PreviewWidth = 1200

// ErrNotImage is returned for content that is not a PNG, JPEG, GIF or WebP
// image, or does not decode as one.
var ErrNotImage = errors.New("imaging: not an image this server reads")

// ErrTooManyPixels is returned for an image that claims more than MaxPixels
// (a decompression bomb, or a photo too large to handle): it is never decoded.
var ErrTooManyPixels = errors.New("imaging: the image has too many pixels")

// Info is what an image's header says.
type Info struct {
	Format        string // "png", "jpeg", "gif" or "webp"
	Width, Height int
}

// ContentType is the MIME type of the format.
func (i Info) ContentType() string { return "image/" + i.Format }

type format struct {
	decode       func(io.Reader) (image.Image, error)
	decodeConfig func(io.Reader) (image.Config, error)
}

// Formats are chosen by the caller's sniffed content type, never by
// image.RegisterFormat's global table, so no other package's decoder is
// reached by accident.
var formats = map[string]format{
	"png":  {png.Decode, png.DecodeConfig},
	"jpeg": {jpeg.Decode, jpeg.DecodeConfig},
	"gif":  {gif.Decode, gif.DecodeConfig},
	"webp": {webp.Decode, webp.DecodeConfig},
}

// sniff names the format from the first bytes of the content.
func sniff(head []byte) (string, bool) {
	switch {
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return "png", true
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return "jpeg", true
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return "gif", true
	case len(head) >= 12 && bytes.Equal(head[0:4], []byte("RIFF")) && bytes.Equal(head[8:12], []byte("WEBP")):
		return "webp", true
	}
	return "", false
}

// Inspect reads only the header of r: the format and the dimensions. It
// refuses an image with no pixels or more than MaxPixels.
func Inspect(r io.Reader) (Info, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(16)
	name, ok := sniff(head)
	if !ok {
		return Info{}, ErrNotImage
	}
	cfg, err := formats[name].decodeConfig(br)
	if err != nil {
		return Info{}, fmt.Errorf("%w: %v", ErrNotImage, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return Info{}, ErrNotImage
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return Info{}, ErrTooManyPixels
	}
	return Info{Format: name, Width: cfg.Width, Height: cfg.Height}, nil
}

// Reads reports whether contentType, as sniffed or declared, is one of the
// formats this package decodes: PNG, JPEG, GIF and WebP.
func Reads(contentType string) bool {
	switch contentType {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return true
	}
	return false
}

// Decode reads an image whose header passes Inspect, and only then decodes
// it: a bomb is refused having read a few bytes. r must be at its start and
// seekable, as the header is read twice.
func Decode(r io.ReadSeeker) (image.Image, Info, error) {
	info, err := Inspect(r)
	if err != nil {
		return nil, Info{}, err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, Info{}, err
	}
	img, err := decodeSafely(formats[info.Format].decode, r)
	if err != nil {
		return nil, Info{}, fmt.Errorf("%w: %v", ErrNotImage, err)
	}
	// The header and the frame could disagree (a GIF's frame); trust the frame
	// but hold it to the same limit.
	b := img.Bounds()
	if b.Dx() <= 0 || b.Dy() <= 0 {
		return nil, Info{}, ErrNotImage
	}
	if int64(b.Dx())*int64(b.Dy()) > MaxPixels {
		return nil, Info{}, ErrTooManyPixels
	}
	info.Width, info.Height = b.Dx(), b.Dy()
	return img, info, nil
}

// decodeSafely turns a decoder's panic on hostile input into an error: the
// decoders are well fuzzed, but one bad file must never take the server down.
func decodeSafely(decode func(io.Reader) (image.Image, error), r io.Reader) (img image.Image, err error) {
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("decoder failed: %v", p)
		}
	}()
	return decode(r)
}

// Fit scales img down, keeping its proportions, so it is at most maxWidth
// wide; a narrower image is returned as it is.
func Fit(img image.Image, maxWidth int) image.Image {
	b := img.Bounds()
	if b.Dx() <= maxWidth {
		return img
	}
	h := max(1, int(int64(b.Dy())*int64(maxWidth)/int64(b.Dx())))
	return scale(img, b, maxWidth, h)
}

// Square crops img to the largest square at its centre and scales that to
// side × side pixels (never up: a smaller image keeps its own size). It is
// what avatars (512) and the account logo's icons are made with.
func Square(img image.Image, side int) image.Image {
	b := img.Bounds()
	n := min(b.Dx(), b.Dy())
	crop := image.Rect(0, 0, n, n).Add(image.Pt(b.Min.X+(b.Dx()-n)/2, b.Min.Y+(b.Dy()-n)/2))
	out := min(n, side)
	return scale(img, crop, out, out)
}

// scale draws the part src of img into a new w × h image.
func scale(img image.Image, src image.Rectangle, w, h int) image.Image {
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	if src.Dx() == w && src.Dy() == h {
		draw.Draw(dst, dst.Bounds(), img, src.Min, draw.Src)
		return dst
	}
	// Catmull-Rom is the sharpest of x/image's kernels, but its cost grows
	// with the ratio: a 12-megapixel photo took 0.8 s. Averaging whole
	// blocks of pixels first brings the ratio under 2 for a fraction of
	// that, and the kernel then only has the rest to do
	// (docs/BENCHMARKS.md).
	if f := min(src.Dx()/w, src.Dy()/h); f >= 2 {
		if y, ok := img.(*image.YCbCr); ok {
			img = shrinkYCbCr(y, src, f)
		} else {
			img = shrink(img, src, f)
		}
		src = img.Bounds()
	}
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), img, src, xdraw.Src, nil)
	return dst
}

// shrinkYCbCr is shrink for a JPEG's own pixels, without converting them
// to RGBA first (which cost as much as the rest): brightness is averaged
// over each block, colour (already at a lower resolution in a JPEG) is taken
// at its centre.
func shrinkYCbCr(m *image.YCbCr, src image.Rectangle, f int) *image.YCbCr {
	w, h := src.Dx()/f, src.Dy()/f
	out := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio444)
	area := uint32(f * f)
	for y := range h {
		sy := src.Min.Y + y*f
		for x := range w {
			sx := src.Min.X + x*f
			var sum uint32
			for yy := range f {
				for _, v := range m.Y[m.YOffset(sx, sy+yy):][:f] {
					sum += uint32(v)
				}
			}
			out.Y[y*out.YStride+x] = uint8(sum / area)
			ci := m.COffset(sx+f/2, sy+f/2)
			out.Cb[y*out.CStride+x], out.Cr[y*out.CStride+x] = m.Cb[ci], m.Cr[ci]
		}
	}
	return out
}

// shrink returns the part src of img made f times smaller by averaging each
// f × f block (in premultiplied RGBA, so transparency averages right).
func shrink(img image.Image, src image.Rectangle, f int) *image.RGBA {
	rgba, ok := img.(*image.RGBA)
	if !ok || rgba.Bounds() != src {
		rgba = image.NewRGBA(image.Rect(0, 0, src.Dx(), src.Dy()))
		draw.Draw(rgba, rgba.Bounds(), img, src.Min, draw.Src)
	}
	w, h := src.Dx()/f, src.Dy()/f
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	area := uint32(f * f)
	var sum [4]uint32
	for y := range h {
		for x := range w {
			sum = [4]uint32{}
			for yy := range f {
				row := rgba.Pix[(y*f+yy)*rgba.Stride+x*f*4:]
				for xx := range f {
					p := row[xx*4 : xx*4+4]
					sum[0] += uint32(p[0])
					sum[1] += uint32(p[1])
					sum[2] += uint32(p[2])
					sum[3] += uint32(p[3])
				}
			}
			d := out.Pix[y*out.Stride+x*4 : y*out.Stride+x*4+4]
			d[0], d[1], d[2], d[3] = uint8(sum[0]/area), uint8(sum[1]/area), uint8(sum[2]/area), uint8(sum[3]/area)
		}
	}
	return out
}

// Opaque reports whether every pixel of img is fully opaque.
func Opaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}

// Encode writes img as a JPEG (quality 85) when it is opaque, else as a PNG,
// and returns the format used.
func Encode(w io.Writer, img image.Image) (string, error) {
	if Opaque(img) {
		return "jpeg", jpeg.Encode(w, img, &jpeg.Options{Quality: 85})
	}
	return "png", (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(w, img)
}

// EncodeSquare writes Square(img, side): as a PNG when asPNG (icons must
// keep any transparency and every size the same format), else as Encode
// chooses. Avatars and the logo are kept this way, uploaded or imported.
func EncodeSquare(w io.Writer, img image.Image, side int, asPNG bool) error {
	sq := Square(img, side)
	if asPNG {
		return png.Encode(w, sq)
	}
	_, err := Encode(w, sq)
	return err
}
