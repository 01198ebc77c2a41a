package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// peerRun names one report of the alternating runs: KIND-SIDE-RUN.json, or
// KIND-SIDE-STREAMS-RUN.json when a workload ran at several stream counts.
var peerRun = regexp.MustCompile(`^(fanout|idle|storm)-(campfire|centrifugo)-(?:(\d+)-)?(\d+)\.json$`)

// peerReports are the reports of one folder by workload and stream count
// ("fanout 5000", or "fanout" for a folder of one count), then by side.
type peerReports map[string]map[string][]peerReport

type peerReport struct {
	d deliveryReport
	i idleReport
	s reconnectReport
}

func readPeerReports(dir string) (peerReports, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	names := []string{}
	for _, e := range entries {
		names = append(names, e.Name())
	}
	// Runs in their order (run 10 after run 9).
	slices.SortFunc(names, func(a, b string) int {
		ma, mb := peerRun.FindStringSubmatch(a), peerRun.FindStringSubmatch(b)
		if ma == nil || mb == nil || ma[1] != mb[1] || ma[2] != mb[2] || ma[3] != mb[3] {
			return strings.Compare(a, b)
		}
		x, _ := strconv.Atoi(ma[4])
		y, _ := strconv.Atoi(mb[4])
		return x - y
	})
	out := peerReports{}
	for _, name := range names {
		m := peerRun.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		var r peerReport
		if err := json.Unmarshal(b, &r.d); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		_ = json.Unmarshal(b, &r.i)
		_ = json.Unmarshal(b, &r.s)
		key := m[1]
		if m[3] != "" {
			key += " " + m[3]
		}
		if out[key] == nil {
			out[key] = map[string][]peerReport{}
		}
		out[key][m[2]] = append(out[key][m[2]], r)
	}
	return out, nil
}

// ratiosTable is each metric's median per side, with its runs, and
// Campfire's as a ratio to the peer's, per workload and stream count.
func ratiosTable(reps peerReports) string {
	type metric struct {
		name, kind string
		v          func(r peerReport) float64
	}
	metrics := []metric{
		{"fan-out receive p50 (ms)", "fanout", func(r peerReport) float64 { return r.d.Latency.P50 }},
		{"fan-out receive p99 (ms)", "fanout", func(r peerReport) float64 { return r.d.Latency.P99 }},
		{"server CPU per delivery (µs)", "fanout", func(r peerReport) float64 { return r.d.CPUPerDeliveryUS }},
		{"memory per idle stream (KiB)", "idle", func(r peerReport) float64 { return r.i.KiBPerConn }},
		{"storm: first event p50 (ms)", "storm", func(r peerReport) float64 { return r.s.FirstEvent.P50 }},
		{"storm: first event p95 (ms)", "storm", func(r peerReport) float64 { return r.s.FirstEvent.P95 }},
		{"storm: last stream live (ms)", "storm", func(r peerReport) float64 { return r.s.LastLiveMS }},
		{"storm: server CPU per reconnect (ms)", "storm", func(r peerReport) float64 { return r.s.ServerCPUPerReconnectMS }},
		{"storm: connects finding the accept queue full (each waits 1 s)", "storm", func(r peerReport) float64 { return float64(r.s.ListenOverflows) }},
	}
	keys := make([]string, 0, len(reps))
	for k := range reps {
		keys = append(keys, k)
	}
	// Storms, idle, then fan-outs by stream count.
	count := func(k string) int {
		_, n, _ := strings.Cut(k, " ")
		v, _ := strconv.Atoi(n)
		return v
	}
	slices.SortFunc(keys, func(a, b string) int {
		ka, kb := strings.Fields(a)[0], strings.Fields(b)[0]
		if ka != kb {
			return -strings.Compare(ka, kb)
		}
		return count(a) - count(b)
	})
	var b strings.Builder
	b.WriteString("| What | Campfire (median; runs) | Centrifugo (median; runs) | Ratio |\n|---|---|---|---:|\n")
	for _, k := range keys {
		kind := strings.Fields(k)[0]
		cf, peer := reps[k]["campfire"], reps[k]["centrifugo"]
		if len(cf) == 0 || len(peer) == 0 {
			continue
		}
		where := ""
		if kind == "storm" {
			where = fmt.Sprintf(", %d streams", cf[0].s.Streams)
		}
		if kind == "fanout" {
			where = fmt.Sprintf(", %d streams at %g posts/s", cf[0].d.Streams, cf[0].d.Rate)
			if n := count(k); n > 0 {
				where = fmt.Sprintf(", %d streams at %g posts/s", n, cf[0].d.Rate)
			}
		}
		for _, m := range metrics {
			if m.kind != kind {
				continue
			}
			var vals [2][]float64
			for s, side := range [][]peerReport{cf, peer} {
				for _, r := range side {
					vals[s] = append(vals[s], m.v(r))
				}
			}
			a, c := median(vals[0]), median(vals[1])
			ratio := "—"
			if c > 0 {
				ratio = fmt.Sprintf("%.2f×", a/c)
			}
			fmt.Fprintf(&b, "| %s%s | %s; %s | %s; %s | %s |\n", m.name, where, num(a), runs(vals[0]), num(c), runs(vals[1]), ratio)
		}
		if kind == "fanout" {
			// Whether every run delivered everything: a ratio of runs that
			// lost messages would flatter the one that lost more.
			var del [2][]string
			for s, side := range [][]peerReport{cf, peer} {
				for _, r := range side {
					del[s] = append(del[s], fmt.Sprintf("%d/%d", r.d.Delivered, r.d.Expected))
				}
			}
			fmt.Fprintf(&b, "| delivered%s | %s | %s | |\n", where, strings.Join(del[0], ", "), strings.Join(del[1], ", "))
		}
		if kind == "storm" {
			// Streams that never got their first event count at 60 s in
			// the percentiles; say how many there were.
			var got [2][]string
			for s, side := range [][]peerReport{cf, peer} {
				for _, r := range side {
					got[s] = append(got[s], fmt.Sprintf("%d/%d (%d errors)", r.s.GotFirst, r.s.Streams, r.s.Errors))
				}
			}
			fmt.Fprintf(&b, "| storm: streams live%s | %s | %s | |\n", where, strings.Join(got[0], ", "), strings.Join(got[1], ", "))
		}
	}
	return b.String()
}

// ratiosCmd reads the alternating runs of scripts/bench-peer.sh or
// scripts/bench-issue17.sh from a folder (fanout-campfire-*.json,
// fanout-centrifugo-*.json, idle-...) and prints, as a Markdown table, each
// side's median with its runs and Campfire's as a ratio to the peer's.
func ratiosCmd(args []string) error {
	fs := flag.NewFlagSet("ratios", flag.ExitOnError)
	fs.Parse(args)
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: campfire-bench ratios DIR")
	}
	reps, err := readPeerReports(fs.Arg(0))
	if err != nil {
		return err
	}
	t := ratiosTable(reps)
	fmt.Print(t)
	return os.WriteFile(filepath.Join(fs.Arg(0), "ratios.md"), []byte(t), 0o644)
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
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
		parts[i] = num(x)
	}
	return strings.Join(parts, " / ")
}

// num formats a figure with one decimal, or three below 1 (a reconnect's
// milliseconds of CPU).
func num(v float64) string {
	if v != 0 && v < 1 && v > -1 {
		return fmt.Sprintf("%.3f", v)
	}
	return fmt.Sprintf("%.1f", v)
}
