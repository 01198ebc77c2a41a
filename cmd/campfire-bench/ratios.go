package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ratiosCmd reads the alternating runs of scripts/bench-peer.sh from a
// folder (fanout-campfire-*.json, fanout-centrifugo-*.json, idle-...) and
// prints, as a Markdown table, each side's median with its runs and
// Campfire's as a ratio to the peer's.
func ratiosCmd(args []string) error {
	fs := flag.NewFlagSet("ratios", flag.ExitOnError)
	fs.Parse(args)
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: campfire-bench ratios DIR")
	}
	dir := fs.Arg(0)
	type metric struct {
		name, kind string
		v          func(d deliveryReport, i idleReport) float64
	}
	metrics := []metric{
		{"fan-out receive p50 (ms)", "fanout", func(d deliveryReport, _ idleReport) float64 { return d.Latency.P50 }},
		{"fan-out receive p99 (ms)", "fanout", func(d deliveryReport, _ idleReport) float64 { return d.Latency.P99 }},
		{"server CPU per delivery (µs)", "fanout", func(d deliveryReport, _ idleReport) float64 { return d.CPUPerDeliveryUS }},
		{"memory per idle stream (KiB)", "idle", func(_ deliveryReport, i idleReport) float64 { return i.KiBPerConn }},
	}
	read := func(kind, side string) ([]deliveryReport, []idleReport, error) {
		paths, _ := filepath.Glob(filepath.Join(dir, kind+"-"+side+"-*.json"))
		slices.Sort(paths)
		var ds []deliveryReport
		var is []idleReport
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, nil, err
			}
			var d deliveryReport
			var i idleReport
			if err := json.Unmarshal(b, &d); err != nil {
				return nil, nil, fmt.Errorf("%s: %w", p, err)
			}
			_ = json.Unmarshal(b, &i)
			ds, is = append(ds, d), append(is, i)
		}
		return ds, is, nil
	}
	var b strings.Builder
	b.WriteString("| What | Campfire (median; runs) | Centrifugo (median; runs) | Ratio |\n|---|---|---|---:|\n")
	for _, m := range metrics {
		var vals [2][]float64
		for k, side := range []string{"campfire", "centrifugo"} {
			ds, is, err := read(m.kind, side)
			if err != nil {
				return err
			}
			for j := range ds {
				vals[k] = append(vals[k], m.v(ds[j], is[j]))
			}
		}
		if len(vals[0]) == 0 || len(vals[1]) == 0 {
			continue
		}
		a, c := median(vals[0]), median(vals[1])
		fmt.Fprintf(&b, "| %s | %.1f; %s | %.1f; %s | %.2f× |\n", m.name, a, runs(vals[0]), c, runs(vals[1]), a/c)
	}
	fmt.Print(b.String())
	return os.WriteFile(filepath.Join(dir, "ratios.md"), []byte(b.String()), 0o644)
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func runs(v []float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = fmt.Sprintf("%.1f", x)
	}
	return strings.Join(parts, " / ")
}
