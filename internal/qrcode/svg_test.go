package qrcode

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	qr "github.com/skip2/go-qrcode"
	"pgregory.net/rapid"
)

type svgDoc struct {
	XMLName xml.Name `xml:"svg"`
	ViewBox string   `xml:"viewBox,attr"`
	Shape   string   `xml:"shape-rendering,attr"`
	Title   string   `xml:"title"`
	Paths   []struct {
		D string `xml:"d,attr"`
	} `xml:"path"`
}

func parse(t testing.TB, b []byte) svgDoc {
	t.Helper()
	var doc svgDoc
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.Strict = true
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, b)
	}
	return doc
}

var run = regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`)

// paint turns the path back into a module grid, so the test checks the
// drawing against the encoder's bitmap rather than trusting the renderer.
func paint(t testing.TB, d string, size int) [][]bool {
	t.Helper()
	grid := make([][]bool, size)
	for i := range grid {
		grid[i] = make([]bool, size)
	}
	if rest := run.ReplaceAllString(d, ""); rest != "" {
		t.Fatalf("path has unexpected commands: %q", rest)
	}
	for _, m := range run.FindAllStringSubmatch(d, -1) {
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		w, _ := strconv.Atoi(m[3])
		if m[3] != m[4] {
			t.Fatalf("run %q does not close", m[0])
		}
		for i := x; i < x+w; i++ {
			if grid[y][i] {
				t.Fatalf("module %d,%d drawn twice", i, y)
			}
			grid[y][i] = true
		}
	}
	return grid
}

func TestSVGMatchesBitmap(t *testing.T) {
	text := "https://chat.example.com/session/transfers/eyJfcmFpbHMiOnsi"
	out, err := SVG(text)
	if err != nil {
		t.Fatal(err)
	}
	doc := parse(t, out)

	code, err := qr.New(text, qr.Medium)
	if err != nil {
		t.Fatal(err)
	}
	code.DisableBorder = true
	want := code.Bitmap()
	n := len(want)
	if n != 17+4*code.VersionNumber {
		t.Fatalf("bitmap is %d modules for version %d", n, code.VersionNumber)
	}
	size := n + 2*quietZone
	if doc.ViewBox != fmt.Sprintf("0 0 %d %d", size, size) {
		t.Fatalf("viewBox %q, want %d square", doc.ViewBox, size)
	}
	if doc.Shape != "crispEdges" || doc.Title == "" || len(doc.Paths) != 1 {
		t.Fatalf("doc = %+v", doc)
	}
	grid := paint(t, doc.Paths[0].D, size)
	for y := range size {
		for x := range size {
			inner := x >= quietZone && x < quietZone+n && y >= quietZone && y < quietZone+n
			dark := inner && want[y-quietZone][x-quietZone]
			if grid[y][x] != dark {
				t.Fatalf("module %d,%d drawn %v, want %v", x, y, grid[y][x], dark)
			}
		}
	}
	// A secret transfer link must not leak into the tooltip.
	if strings.Contains(string(out), "transfers") {
		t.Fatal("encoded text appears in the SVG markup")
	}
}

func TestSVGRejectsUnencodableText(t *testing.T) {
	for name, text := range map[string]string{
		"empty":    "",
		"too long": strings.Repeat("x", 3000),
	} {
		if out, err := SVG(text); err == nil {
			t.Errorf("%s: got %d bytes, want an error", name, len(out))
		}
	}
}

func TestSVGNeverPanics(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		text := rapid.StringN(0, 2600, -1).Draw(t, "text")
		out, err := SVG(text)
		if err != nil {
			return
		}
		var doc svgDoc
		if err := xml.Unmarshal(out, &doc); err != nil {
			t.Fatalf("bad XML for %q: %v", text, err)
		}
	})
}
