package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRatiosByStreamCount: alternating runs at several stream counts give a
// block of rows per count, in order, each side's median with its runs in run
// order, and Campfire's median over Centrifugo's.
func TestRatiosByStreamCount(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, v any) {
		b, _ := json.Marshal(v)
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fan := func(streams int, rate, p50, p99, cpu float64) deliveryReport {
		return deliveryReport{Command: "fanout", Streams: streams, Rate: rate, Latency: dist{P50: p50, P99: p99},
			CPUPerDeliveryUS: cpu, Delivered: 10 * streams, Expected: 10 * streams}
	}
	write("fanout-campfire-19000-1.json", fan(19000, 1.5, 30, 90, 14))
	write("fanout-centrifugo-19000-1.json", fan(19000, 1.5, 40, 100, 20))
	write("fanout-campfire-19000-2.json", fan(19000, 1.5, 10, 70, 12))
	write("fanout-centrifugo-19000-2.json", fan(19000, 1.5, 20, 120, 18))
	write("fanout-campfire-19000-10.json", fan(19000, 1.5, 20, 80, 13))
	write("fanout-centrifugo-19000-10.json", fan(19000, 1.5, 30, 110, 19))
	write("fanout-campfire-1000-1.json", fan(1000, 10, 5, 10, 15))
	write("fanout-centrifugo-1000-1.json", fan(1000, 10, 10, 20, 20))
	write("idle-campfire-1.json", idleReport{Command: "idle", Streams: 2000, KiBPerConn: 6})
	write("idle-centrifugo-1.json", idleReport{Command: "idle", Streams: 2000, KiBPerConn: 60})
	storm := func(p50, p95, last, cpu float64, got, errs int) reconnectReport {
		return reconnectReport{Command: "reconnect", Streams: 10000, GotFirst: got, Errors: errs,
			FirstEvent: dist{P50: p50, P95: p95}, LastLiveMS: last, ServerCPUPerReconnectMS: cpu}
	}
	write("storm-campfire-1.json", storm(900, 1600, 1700, 0.13, 10000, 0))
	write("storm-centrifugo-1.json", storm(3000, 4000, 4200, 0.25, 9996, 4))
	write("storm-campfire-2.json", storm(1100, 1800, 1900, 0.12, 10000, 0))
	write("storm-centrifugo-2.json", storm(3200, 4400, 4500, 0.27, 10000, 0))
	write("notes.txt", "not a report")
	reps, err := readPeerReports(dir)
	if err != nil {
		t.Fatal(err)
	}
	table := ratiosTable(reps)
	for _, want := range []string{
		"| memory per idle stream (KiB) | 6.0; 6.0 | 60.0; 60.0 | 0.10× |",
		"| fan-out receive p50 (ms), 1000 streams at 10 posts/s | 5.0; 5.0 | 10.0; 10.0 | 0.50× |",
		// Medians 20 and 30 of the runs in run order 1, 2, 10.
		"| fan-out receive p50 (ms), 19000 streams at 1.5 posts/s | 20.0; 30.0 / 10.0 / 20.0 | 30.0; 40.0 / 20.0 / 30.0 | 0.67× |",
		"| fan-out receive p99 (ms), 19000 streams at 1.5 posts/s | 80.0; 90.0 / 70.0 / 80.0 | 110.0; 100.0 / 120.0 / 110.0 | 0.73× |",
		"| delivered, 19000 streams at 1.5 posts/s | 190000/190000, 190000/190000, 190000/190000 |",
		"| storm: first event p95 (ms), 10000 streams | 1700.0; 1600.0 / 1800.0 | 4200.0; 4000.0 / 4400.0 | 0.40× |",
		"| storm: server CPU per reconnect (ms), 10000 streams | 0.125; 0.130 / 0.120 | 0.260; 0.250 / 0.270 | 0.48× |",
		"| storm: streams live, 10000 streams | 10000/10000 (0 errors), 10000/10000 (0 errors) | 9996/10000 (4 errors), 10000/10000 (0 errors) | |",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("missing %q in\n%s", want, table)
		}
	}
	idle, small, big := strings.Index(table, "idle stream"), strings.Index(table, "1000 streams"), strings.Index(table, "19000 streams")
	if !(idle < small && small < big) {
		t.Errorf("rows out of order (idle, 1,000, 19,000):\n%s", table)
	}
}
