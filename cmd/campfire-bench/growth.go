package main

import (
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
)

// growthCmd reads fanout reports of one room at several stream counts (of
// several runs at a count, the one with the median p99) and writes how the
// cost grows: a Markdown table and an SVG plot of the receive
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
	reps = medianRuns(reps)
	if len(reps) < 2 {
		return fmt.Errorf("growth needs fanout reports at two stream counts at least")
	}
	return writeTableAndPlot(*out, "growth", growthTable(reps), growthSVG(reps), false)
}

// streamsAsked is how many streams a fan-out asked for (each post was
// expected at every one), which a run that lost a few still shows.
func streamsAsked(r deliveryReport) int {
	if r.Posted > 0 && r.Expected > 0 {
		return r.Expected / r.Posted
	}
	return r.Streams
}

// medianRuns keeps, of several runs at one stream count, the run with the
// median receive p99 (the lower of the middle two), in order of streams.
func medianRuns(reps []deliveryReport) []deliveryReport {
	by := map[int][]deliveryReport{}
	var counts []int
	for _, r := range reps {
		n := streamsAsked(r)
		if by[n] == nil {
			counts = append(counts, n)
		}
		by[n] = append(by[n], r)
	}
	slices.Sort(counts)
	out := make([]deliveryReport, 0, len(counts))
	for _, n := range counts {
		rs := by[n]
		slices.SortStableFunc(rs, func(a, b deliveryReport) int { return cmp.Compare(a.Latency.P99, b.Latency.P99) })
		out = append(out, rs[(len(rs)-1)/2])
	}
	return out
}

func growthTable(reps []deliveryReport) string {
	var b strings.Builder
	b.WriteString("| Streams | Posts/s | Delivered | Receive p50 (ms) | Receive p99 (ms) | Server CPU per delivery (µs) | Server cores | Load average |\n")
	b.WriteString("|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, r := range reps {
		fmt.Fprintf(&b, "| %d | %g | %d / %d | %.1f | %.1f | %.1f | %.2f | %s |\n", r.Streams, r.Rate,
			r.Delivered, r.Expected, r.Latency.P50, r.Latency.P99, r.CPUPerDeliveryUS, r.ServerCPU.Cores, r.ServerCPU.LoadAvg)
	}
	return b.String()
}

// growthSVG draws both series on a log axis of streams, each against its own
// vertical axis (p99 on the left, CPU per delivery on the right), so where
// either bends shows at a glance.
func growthSVG(reps []deliveryReport) string {
	p := plot{
		Title:  "Fan-out cost against streams on one room",
		Desc:   strings.ReplaceAll(strings.TrimSpace(growthTable(reps)), "\n", "; "),
		XLabel: "streams on one room",
		XLog:   true,
	}
	var p99, cpu []float64
	for _, r := range reps {
		p.X = append(p.X, float64(r.Streams))
		p99 = append(p99, r.Latency.P99)
		cpu = append(cpu, r.CPUPerDeliveryUS)
	}
	p.Left = plotAxis{Label: "receive p99, ms", Series: []plotSeries{{Name: "receive p99 (ms, left)", Color: plotColors[0], Y: p99}}}
	p.Right = &plotAxis{Label: "server CPU per delivery, µs", Series: []plotSeries{{Name: "server CPU per delivery (µs, right)", Color: plotColors[1], Y: cpu}}}
	return p.svg()
}
