package avatar

import (
	"bytes"
	"encoding/xml"
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestInitials(t *testing.T) {
	for name, want := range map[string]string{
		"Ann Lee":           "AL",
		"Ann Marie Lee":     "AL",
		"jürgen":            "J",
		"ürsula von braun":  "ÜB",
		"李小龍":               "李",
		"  ":                "?",
		"":                  "?",
		"🔥 🔥":               "?",
		"🔥Bot":              "B",
		"(admin) lee":       "AL",
		"e\u0301mile zola":  "E\u0301Z",
		"\u00a0ann\tlee\n":  "AL",
		"42 robots":         "4R",
		"\xff\xfe bad utf8": "BU",
	} {
		if got := Initials(name); got != want {
			t.Errorf("Initials(%q) = %q, want %q", name, got, want)
		}
	}
}

type svgDoc struct {
	XMLName xml.Name `xml:"svg"`
	Role    string   `xml:"role,attr"`
	Label   string   `xml:"aria-label,attr"`
	Rect    struct {
		Fill string `xml:"fill,attr"`
	} `xml:"rect"`
	Text string `xml:"text"`
}

func parse(t *testing.T, b []byte) svgDoc {
	t.Helper()
	var doc svgDoc
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.Strict = true
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, b)
	}
	return doc
}

func TestSVG(t *testing.T) {
	doc := parse(t, SVG(7, "Ann Lee"))
	if doc.Role != "img" || doc.Label != "Ann Lee" || doc.Text != "AL" || doc.Rect.Fill != colorFor(7) {
		t.Fatalf("doc = %+v", doc)
	}
	if doc := parse(t, SVG(7, "   ")); doc.Text != "?" || doc.Label == "" {
		t.Fatalf("blank name: %+v", doc)
	}
}

func TestSVGEscapesName(t *testing.T) {
	name := `<script>alert("x")</script> & 'co'`
	out := SVG(1, name)
	if bytes.Contains(out, []byte("<script")) || bytes.Contains(out, []byte(`"x"`)) {
		t.Fatalf("name not escaped:\n%s", out)
	}
	if doc := parse(t, out); doc.Label != name || doc.Text != "SC" {
		t.Fatalf("round trip: %+v", doc)
	}
}

func TestSVGIsDeterministic(t *testing.T) {
	seen := map[string]bool{}
	for id := range int64(200) {
		a, b := SVG(id, "Ann Lee"), SVG(id, "Ann Lee")
		if !bytes.Equal(a, b) {
			t.Fatalf("id %d rendered differently", id)
		}
		seen[colorFor(id)] = true
	}
	// The colour depends on the id only, not the name...
	if colorFor(5) != parse(t, SVG(5, "Someone Else")).Rect.Fill {
		t.Fatal("colour changed with the name")
	}
	// ...and the hash actually spreads users over the palette.
	if len(seen) != len(palette) {
		t.Fatalf("200 ids used %d of %d colours", len(seen), len(palette))
	}
}

// WCAG 2.x relative luminance and contrast ratio.
func luminance(t *testing.T, hex string) float64 {
	t.Helper()
	v, err := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	if err != nil || len(hex) != 7 {
		t.Fatalf("bad colour %q", hex)
	}
	channel := func(c uint64) float64 {
		s := float64(c) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	r, g, b := channel(v>>16&0xff), channel(v>>8&0xff), channel(v&0xff)
	return 0.2126*r + 0.7152*g + 0.0722*b
}

func TestPaletteContrast(t *testing.T) {
	if len(palette) < 12 {
		t.Fatalf("palette has only %d colours", len(palette))
	}
	seen := map[string]bool{}
	for _, c := range palette {
		if seen[c] {
			t.Errorf("%s appears twice", c)
		}
		seen[c] = true
		ratio := (1.0 + 0.05) / (luminance(t, c) + 0.05) // white has luminance 1
		if ratio < 4.5 {
			t.Errorf("white on %s has contrast %.2f:1, below WCAG AA 4.5:1", c, ratio)
		}
	}
}
