package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// growthCmd reads fanout reports of one room at several stream counts and
// writes how the cost grows: a Markdown table and an SVG plot of the receive
// p99 and the server's CPU per delivery against the streams (log scale).
func growthCmd(args []string) error {
	fs := flag.NewFlagSet("growth", flag.ExitOnError)
	out := fs.String("out", "bench-out", "folder for growth.md and growth.svg")
	fs.Parse(args)
	var reps []deliveryReport
	for _, path := range fs.Args() {
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var r deliveryReport
		if err := json.Unmarshal(b, &r); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if r.Command != "fanout" || r.Streams == 0 {
			return fmt.Errorf("%s: not a fanout report", path)
		}
		reps = append(reps, r)
	}
	if len(reps) < 2 {
		return fmt.Errorf("growth needs fanout reports at two stream counts at least")
	}
	slices.SortFunc(reps, func(a, b deliveryReport) int { return a.Streams - b.Streams })
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*out, "growth.md"), []byte(growthTable(reps)), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(*out, "growth.svg"), []byte(growthSVG(reps)), 0o644)
}

func growthTable(reps []deliveryReport) string {
	var b strings.Builder
	b.WriteString("| Streams | Posts/s | Delivered | Receive p50 (ms) | Receive p99 (ms) | Server CPU per delivery (µs) | Server cores | Load average |\n")
	b.WriteString("|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, r := range reps {
		fmt.Fprintf(&b, "| %d | %.0f | %d / %d | %.1f | %.1f | %.1f | %.2f | %s |\n", r.Streams, r.Rate,
			r.Delivered, r.Expected, r.Latency.P50, r.Latency.P99, r.CPUPerDeliveryUS, r.ServerCPU.Cores, r.ServerCPU.LoadAvg)
	}
	return b.String()
}

// growthSVG draws both series on a log axis of streams, each against its own
// vertical axis (p99 on the left, CPU per delivery on the right), so where
// either bends shows at a glance.
func growthSVG(reps []deliveryReport) string {
	const w, h, left, right, top, bottom = 640.0, 360.0, 64.0, 64.0, 40.0, 48.0
	pw, ph := w-left-right, h-top-bottom
	lx := func(n int) float64 { return math.Log10(float64(n)) }
	x0, x1 := lx(reps[0].Streams), lx(reps[len(reps)-1].Streams)
	px := func(n int) float64 { return left + (lx(n)-x0)/(x1-x0)*pw }
	series := []struct {
		name, color, unit string
		v                 func(r deliveryReport) float64
		axisX             float64
		anchor            string
	}{
		{"receive p99", "#b03a2e", "ms", func(r deliveryReport) float64 { return r.Latency.P99 }, left - 8, "end"},
		{"server CPU per delivery", "#1f618d", "µs", func(r deliveryReport) float64 { return r.CPUPerDeliveryUS }, w - right + 8, "start"},
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img" aria-labelledby="t d" font-family="sans-serif" font-size="12">`+"\n", w, h, w, h)
	b.WriteString(`<title id="t">Fan-out cost against streams on one room</title>` + "\n")
	fmt.Fprintf(&b, `<desc id="d">%s</desc>`+"\n", strings.ReplaceAll(strings.TrimSpace(growthTable(reps)), "\n", "; "))
	fmt.Fprintf(&b, `<rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" fill="none" stroke="#888"/>`+"\n", left, top, pw, ph)
	for _, r := range reps {
		x := px(r.Streams)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.0f" x2="%.1f" y2="%.0f" stroke="#ddd"/>`+"\n", x, top, x, top+ph)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" text-anchor="middle">%d</text>`+"\n", x, top+ph+16, r.Streams)
	}
	fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" text-anchor="middle">streams on one room (log scale)</text>`+"\n", left+pw/2, h-8)
	for i, s := range series {
		top0 := 0.0
		for _, r := range reps {
			top0 = max(top0, s.v(r))
		}
		top0 = niceCeil(top0)
		py := func(v float64) float64 { return top + ph - v/top0*ph }
		for k := 0; k <= 4; k++ {
			v := top0 * float64(k) / 4
			fmt.Fprintf(&b, `<text x="%.0f" y="%.1f" text-anchor="%s" fill="%s">%g</text>`+"\n", s.axisX, py(v)+4, s.anchor, s.color, v)
		}
		var pts []string
		for _, r := range reps {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(r.Streams), py(s.v(r))))
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", strings.Join(pts, " "), s.color)
		for _, r := range reps {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`+"\n", px(r.Streams), py(s.v(r)), s.color)
		}
		fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" fill="%s">%s (%s, %s axis)</text>`+"\n", left+float64(i)*pw/2, top-14, s.color, s.name, s.unit,
			map[string]string{"end": "left", "start": "right"}[s.anchor])
	}
	b.WriteString("</svg>\n")
	return b.String()
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
