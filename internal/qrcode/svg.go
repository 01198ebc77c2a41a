// Package qrcode renders QR codes as small inline SVG documents, e.g. for the
// session-transfer link on a profile page.
package qrcode

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	qr "github.com/skip2/go-qrcode"
)

// quietZone is the blank margin, in modules, that scanners need around the
// symbol (ISO/IEC 18004 asks for four).
const quietZone = 4

// SVG encodes text (at most about 2.3 KB at this error-correction level) as a
// black-on-white QR code. The image has only a viewBox, so CSS sizes it;
// crispEdges keeps modules sharp at any scale.
func SVG(text string) (out []byte, err error) {
	if text == "" {
		return nil, errors.New("qrcode: nothing to encode")
	}
	// The encoder indexes tables by computed lengths; turn any bug there into
	// an error for this request rather than a crashed handler.
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("qrcode: encoder failed: %v", r)
		}
	}()
	code, err := qr.New(text, qr.Medium)
	if err != nil {
		return nil, fmt.Errorf("qrcode: %w", err)
	}
	code.DisableBorder = true
	return render(code.Bitmap()), nil
}

// render draws each horizontal run of dark modules as one rectangle in a
// single path, which keeps the markup a fraction of one-rect-per-module.
func render(bitmap [][]bool) []byte {
	n := len(bitmap)
	size := strconv.Itoa(n + 2*quietZone)

	var b strings.Builder
	b.Grow(64 + n*n)
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ` + size + ` ` + size +
		`" shape-rendering="crispEdges" role="img">`)
	b.WriteString(`<title>QR code</title>`)
	b.WriteString(`<rect width="100%" height="100%" fill="#fff"/>`)
	b.WriteString(`<path fill="#000" d="`)
	for y, row := range bitmap {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			start := x
			for x < len(row) && row[x] {
				x++
			}
			w := strconv.Itoa(x - start)
			b.WriteString("M" + strconv.Itoa(start+quietZone) + " " + strconv.Itoa(y+quietZone) +
				"h" + w + "v1h-" + w + "z")
		}
	}
	b.WriteString(`"/></svg>`)
	return []byte(b.String())
}
