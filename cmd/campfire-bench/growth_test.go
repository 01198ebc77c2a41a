package main

import (
	"strings"
	"testing"
)

// TestGrowthPlot: the table has a row per report, and the SVG is
// well-formed XML with a point per report for each series.
func TestGrowthPlot(t *testing.T) {
	reps := []deliveryReport{
		{Command: "fanout", Streams: 100, Rate: 10, Latency: dist{P50: 2, P99: 5}, CPUPerDeliveryUS: 30},
		{Command: "fanout", Streams: 1000, Rate: 10, Latency: dist{P50: 8, P99: 20}, CPUPerDeliveryUS: 19},
		{Command: "fanout", Streams: 5000, Rate: 10, Latency: dist{P50: 30, P99: 90}, CPUPerDeliveryUS: 21},
	}
	table := growthTable(reps)
	if rows := strings.Count(table, "\n"); rows != 2+len(reps) {
		t.Fatalf("table has %d lines:\n%s", rows, table)
	}
	svg := growthSVG(reps)
	wellFormed(t, svg)
	if n := strings.Count(svg, "<circle"); n != 2*len(reps) {
		t.Fatalf("%d points, want %d", n, 2*len(reps))
	}
}

// TestCappedRate: a fan-out's rate is lowered only past the budget, and the
// same for every stream count it is asked at.
func TestCappedRate(t *testing.T) {
	for _, c := range []struct {
		rate, budget float64
		n            int
		want         float64
	}{
		{10, 0, 19000, 10},          // no cap
		{10, 30000, 1000, 10},       // within it
		{10, 30000, 3000, 10},       // exactly at it
		{10, 30000, 5000, 6},        // 30,000 / 5,000
		{10, 30000, 19000, 1.5},     // 1.578… rounded down to a tenth
		{10, 30000, 1_000_000, 0.1}, // never zero
	} {
		if got := cappedRate(c.rate, c.budget, c.n); got != c.want {
			t.Errorf("cappedRate(%g, %g, %d) = %g, want %g", c.rate, c.budget, c.n, got, c.want)
		}
	}
}

// TestGrowthKeepsTheMedianRun: of three runs at a count the median p99 is
// kept, and a run that lost streams still counts as the count it asked for.
func TestGrowthKeepsTheMedianRun(t *testing.T) {
	run := func(streams, asked int, p99 float64) deliveryReport {
		return deliveryReport{Command: "fanout", Streams: streams, Posted: 10, Expected: 10 * asked, Latency: dist{P99: p99}}
	}
	got := medianRuns([]deliveryReport{run(19000, 19000, 90), run(100, 100, 5), run(18990, 19000, 30), run(19000, 19000, 60)})
	if len(got) != 2 || got[0].Latency.P99 != 5 || got[1].Latency.P99 != 60 {
		t.Fatalf("kept %+v", got)
	}
}
