package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSummaryTable: storms and posts each get their table, a row per report
// in the order given, the CPU per post worked out, per reconnect as reported.
func TestSummaryTable(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, v any) string {
		p := filepath.Join(dir, name)
		b, _ := json.Marshal(v)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	storm := write("storm-campfire-1.json", reconnectReport{Command: "reconnect", Streams: 10000, GotFirst: 10000,
		FirstEvent: dist{P50: 910, P95: 1650, P99: 1680}, LastLiveMS: 1690, ServerCPU: cpuUse{RunS: 1.31, Cores: 0.77, LoadAvg: "1.4 1.9 2.0"},
		ServerCPUPerReconnectMS: 0.131, ToolCPUPerReconnectMS: 0.2, MachineBusyCores: 1.9})
	post := write("post-2000-1.json", deliveryReport{Command: "post", Streams: 1000, Rate: 2000, PostRateAch: 2000,
		Posted: 30000, Delivered: 300000, Expected: 300000, PostLatency: dist{P50: 3, P95: 19.9, P99: 65.1}, ServerCPU: cpuUse{RunS: 17.1}})
	table, err := summaryTable([]string{post, storm})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| storm-campfire-1.json | Campfire | 10000 | 10000 | 0 | 0.91 / 1.65 / 1.68 | 1.69 | 1.31 | 0.131 | 0.200 | 0.77 | 1.90 | 1.4 1.9 2.0 |",
		"| post-2000-1.json | Campfire | post | 1000 | 2000 | 2000 | 30000 / 0 / 0 | 3.0 / 19.9 / 65.1 | 300000 / 300000 |",
		"| 0.570 |",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("missing %q in\n%s", want, table)
		}
	}
	if strings.Index(table, "storm-campfire") > strings.Index(table, "post-2000") {
		t.Errorf("storms come first:\n%s", table)
	}
	bad := write("idle.json", idleReport{Command: "idle"})
	if _, err := summaryTable([]string{bad}); err == nil {
		t.Error("an idle report was summarised")
	}
}
