package main

import (
	"net/http"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

var metricsPattern = regexp.MustCompile(`msg="metrics listening" addr=(http://\S+/metrics)`)

// TestMetricsAddr: with CAMPFIRE_METRICS_ADDR the binary serves /metrics on
// that address (and only there), in a format Prometheus parses.
func TestMetricsAddr(t *testing.T) {
	s := startServer(t, filepath.Join(t.TempDir(), "campfire.db"), "CAMPFIRE_METRICS_ADDR=127.0.0.1:0")
	m := metricsPattern.FindStringSubmatch(s.out.String())
	if m == nil {
		t.Fatalf("no metrics address in the log:\n%s", s.out.String())
	}
	res, err := http.Get(m[1])
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"campfire_streams_open", "campfire_http_request_duration_seconds", "go_goroutines", "process_resident_memory_bytes"} {
		if families[name] == nil {
			t.Errorf("no %s", name)
		}
	}
	// The app's own port does not serve them.
	res, err = http.Get(s.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode == http.StatusOK {
		t.Error("/metrics is served to visitors")
	}
}
