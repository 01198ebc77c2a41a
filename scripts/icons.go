//go:build ignore

// Draws the app icons under static/images from the same shapes as icon.svg
// (a flame over a log on a blue tile): go run scripts/icons.go
package main

import (
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

type shape func(x, y float64) bool

func circle(cx, cy, r float64) shape {
	return func(x, y float64) bool { return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r }
}

// flameTop is the region between two mirrored quadratic curves from the tip
// (256, top) to (256±half, base), as the SVG paths draw them.
func flameTop(top, ctrlDX, ctrlY, half, base float64) shape {
	return func(x, y float64) bool {
		if y < top || y > base {
			return false
		}
		lo, hi := 0.0, 1.0
		for range 40 {
			t := (lo + hi) / 2
			yt := (1-t)*(1-t)*top + 2*(1-t)*t*ctrlY + t*t*base
			if yt < y {
				lo = t
			} else {
				hi = t
			}
		}
		t := lo
		xt := 2*(1-t)*t*ctrlDX + t*t*half
		return math.Abs(x-256) <= xt
	}
}

func roundRect(x0, y0, x1, y1, r float64) shape {
	return func(x, y float64) bool {
		if x < x0 || x > x1 || y < y0 || y > y1 {
			return false
		}
		cx := math.Max(x0+r, math.Min(x, x1-r))
		cy := math.Max(y0+r, math.Min(y, y1-r))
		return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r
	}
}

func union(s ...shape) shape {
	return func(x, y float64) bool {
		for _, f := range s {
			if f(x, y) {
				return true
			}
		}
		return false
	}
}

type layer struct {
	s shape
	c color.NRGBA
}

func draw(size int, tileRadius, scale float64, path string) {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	layers := []layer{
		{roundRect(0, 0, 512, 512, tileRadius), color.NRGBA{0x1f, 0x5f, 0x8b, 255}},
		{union(flameTop(92, 74, 200, 104, 300), circle(256, 300, 104)), color.NRGBA{0xf4, 0xa3, 0x40, 255}},
		{union(flameTop(236, 36, 290, 50, 340), circle(256, 340, 50)), color.NRGBA{0xff, 0xe3, 0xa8, 255}},
		{roundRect(150, 424, 362, 446, 11), color.NRGBA{0xed, 0xf2, 0xf6, 255}},
	}
	const ss = 4 // supersampling per axis
	for py := range size {
		for px := range size {
			var r, g, b, a float64
			for sy := range ss {
				for sx := range ss {
					// Map to the 512 design grid; the tile always fills the
					// image, the drawing inside it is scaled about the centre.
					x := (float64(px) + (float64(sx)+0.5)/ss) * 512 / float64(size)
					y := (float64(py) + (float64(sy)+0.5)/ss) * 512 / float64(size)
					var c color.NRGBA
					for i, l := range layers {
						lx, ly := x, y
						if i > 0 {
							lx, ly = 256+(x-256)/scale, 256+(y-256)/scale
						}
						if l.s(lx, ly) {
							c = l.c
						}
					}
					r += float64(c.R) * float64(c.A)
					g += float64(c.G) * float64(c.A)
					b += float64(c.B) * float64(c.A)
					a += float64(c.A)
				}
			}
			if a > 0 {
				img.SetNRGBA(px, py, color.NRGBA{uint8(r / a), uint8(g / a), uint8(b / a), uint8(a / ss / ss)})
			}
		}
	}
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

func main() {
	draw(192, 96, 1, "static/images/icon-192.png")
	draw(512, 96, 1, "static/images/icon-512.png")
	// Maskable: a full-bleed tile, the drawing inside the 80% safe zone.
	draw(512, 0, 0.72, "static/images/icon-maskable-512.png")
}
