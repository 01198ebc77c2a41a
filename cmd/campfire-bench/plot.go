package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// plotAxis is a vertical axis and the series drawn against it.
type plotAxis struct {
	Label  string
	Log    bool
	Series []plotSeries
}

// plotSeries is one line: a value per x (NaN or, on a log axis, ≤ 0 leaves
// the point out).
type plotSeries struct {
	Name, Color string
	Y           []float64
}

// plot is a line chart with a log or linear x axis, a left axis and an
// optional right one, as a self-contained SVG with a title and a text
// description (the table it was drawn from) for screen readers.
type plot struct {
	Title, Desc, XLabel string
	X                   []float64
	XLog                bool
	Left                plotAxis
	Right               *plotAxis
}

// writeTableAndPlot writes NAME.md and NAME.svg into dir, and prints the
// table too when asked.
func writeTableAndPlot(dir, name, table, svg string, print bool) error {
	if print {
		fmt.Print(table)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, name+".md"), []byte(table), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name+".svg"), []byte(svg), 0o644)
}

// plotColors are the series' colours, in order, distinguishable in print.
var plotColors = []string{"#b03a2e", "#1f618d", "#1e8449", "#7d3c98", "#b9770e"}

const plotW, plotLeft, plotRight, plotBottom, plotInner = 680.0, 72.0, 72.0, 48.0, 280.0

func (p plot) svg() string {
	// The legend takes a line per series above the plot.
	series := len(p.Left.Series)
	if p.Right != nil {
		series += len(p.Right.Series)
	}
	plotTop := 36 + 16*float64(series)
	plotH := plotTop + plotInner + plotBottom
	pw, ph := plotW-plotLeft-plotRight, plotInner
	xf := func(v float64) float64 { return v }
	if p.XLog {
		xf = math.Log10
	}
	x0, x1 := math.Inf(1), math.Inf(-1)
	for _, x := range p.X {
		x0, x1 = min(x0, xf(x)), max(x1, xf(x))
	}
	if !(x1 > x0) {
		x0, x1 = x0-1, x0+1
	}
	px := func(x float64) float64 { return plotLeft + (xf(x)-x0)/(x1-x0)*pw }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img" aria-labelledby="t d" font-family="sans-serif" font-size="12">`+"\n",
		plotW, plotH, plotW, plotH)
	fmt.Fprintf(&b, `<title id="t">%s</title>`+"\n", xmlText(p.Title))
	fmt.Fprintf(&b, `<desc id="d">%s</desc>`+"\n", xmlText(p.Desc))
	fmt.Fprintf(&b, `<rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" fill="none" stroke="#888"/>`+"\n", plotLeft, plotTop, pw, ph)
	for _, x := range p.X {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.0f" x2="%.1f" y2="%.0f" stroke="#ddd"/>`+"\n", px(x), plotTop, px(x), plotTop+ph)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" text-anchor="middle">%s</text>`+"\n", px(x), plotTop+ph+16, number(x))
	}
	xl := p.XLabel
	if p.XLog {
		xl += " (log scale)"
	}
	fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" text-anchor="middle">%s</text>`+"\n", plotLeft+pw/2, plotH-8, xmlText(xl))

	type side struct {
		a                   plotAxis
		x, labelX           float64
		anchor, labelAnchor string
		name                string
	}
	axes := []side{{p.Left, plotLeft - 8, 8, "end", "start", "left"}}
	if p.Right != nil {
		axes = append(axes, side{*p.Right, plotW - plotRight + 8, plotW - 8, "start", "end", "right"})
	}
	legend := 0
	for k, ax := range axes {
		lo, hi, ticks := axisRange(ax.a)
		yf := func(v float64) float64 { return v }
		if ax.a.Log {
			yf = math.Log10
		}
		py := func(v float64) float64 { return plotTop + ph - (yf(v)-yf(lo))/(yf(hi)-yf(lo))*ph }
		tickColor := "#333"
		if len(ax.a.Series) == 1 {
			tickColor = ax.a.Series[0].Color
		}
		for _, v := range ticks {
			fmt.Fprintf(&b, `<text x="%.0f" y="%.1f" text-anchor="%s" fill="%s">%s</text>`+"\n", ax.x, py(v)+4, ax.anchor, tickColor, number(v))
		}
		label := ax.a.Label
		if ax.a.Log {
			label += ", log scale"
		}
		fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" text-anchor="%s" fill="%s">%s (%s axis)</text>`+"\n",
			ax.labelX, plotTop-10, ax.labelAnchor, tickColor, xmlText(label), ax.name)
		for _, s := range ax.a.Series {
			var pts []string
			for i, y := range s.Y {
				if i >= len(p.X) || math.IsNaN(y) || (ax.a.Log && y <= 0) {
					continue
				}
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(p.X[i]), py(y)))
			}
			dash := ""
			if k == 1 {
				dash = ` stroke-dasharray="6 3"`
			}
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`+"\n", strings.Join(pts, " "), s.Color, dash)
			for _, pt := range pts {
				xy := strings.Split(pt, ",")
				fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3" fill="%s"/>`+"\n", xy[0], xy[1], s.Color)
			}
			y := 16 + 16*float64(legend)
			fmt.Fprintf(&b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="%s" stroke-width="2"%s/>`+"\n", plotLeft, y-4, plotLeft+24, y-4, s.Color, dash)
			fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" fill="%s">%s</text>`+"\n", plotLeft+32, y, s.Color, xmlText(s.Name))
			legend++
		}
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// axisRange is an axis's bounds and tick values: 0 to a round ceiling in
// quarters, or on a log axis the powers of ten around the values.
func axisRange(a plotAxis) (lo, hi float64, ticks []float64) {
	top, bottom := 0.0, math.Inf(1)
	for _, s := range a.Series {
		for _, y := range s.Y {
			if math.IsNaN(y) || (a.Log && y <= 0) {
				continue
			}
			top, bottom = max(top, y), min(bottom, y)
		}
	}
	if !a.Log {
		hi = niceCeil(top)
		for k := 0; k <= 4; k++ {
			ticks = append(ticks, hi*float64(k)/4)
		}
		return 0, hi, ticks
	}
	if math.IsInf(bottom, 1) {
		return 1, 10, []float64{1, 10}
	}
	lo = math.Pow(10, math.Floor(math.Log10(bottom)))
	hi = math.Pow(10, math.Ceil(math.Log10(top)))
	if hi <= lo {
		hi = lo * 10
	}
	for v := lo; v <= hi*1.0001; v *= 10 {
		ticks = append(ticks, v)
	}
	return lo, hi, ticks
}

// niceCeil rounds up to 1, 2 or 5 times a power of ten, for axis labels.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// number prints an axis value briefly: 10k, 1M, 2.5, 0.01.
func number(v float64) string {
	switch {
	case v >= 1e6 && math.Mod(v, 1e6) == 0:
		return fmt.Sprintf("%gM", v/1e6)
	case v >= 1e4 && math.Mod(v, 1e3) == 0:
		return fmt.Sprintf("%gk", v/1e3)
	default:
		return fmt.Sprintf("%g", math.Round(v*1000)/1000)
	}
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func xmlText(s string) string { return xmlEscaper.Replace(s) }
