package app

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape fetches /metrics and parses it with Prometheus's own text parser.
func scrape(t *testing.T, h http.Handler) map[string]*dto.MetricFamily {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics answered %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("/metrics Content-Type %q, want the text format", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return families
}

// value is a metric's value (a histogram's count) among those whose labels
// include all of want.
func value(t *testing.T, families map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	t.Helper()
	f, ok := families[name]
	if !ok {
		t.Fatalf("no %s in /metrics", name)
	}
	total := 0.0
	for _, m := range f.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		match := true
		for k, v := range want {
			match = match && labels[k] == v
		}
		if !match {
			continue
		}
		switch {
		case m.Counter != nil:
			total += m.GetCounter().GetValue()
		case m.Gauge != nil:
			total += m.GetGauge().GetValue()
		case m.Histogram != nil:
			total += float64(m.GetHistogram().GetSampleCount())
		case m.Untyped != nil:
			total += m.GetUntyped().GetValue()
		}
	}
	return total
}

// TestMetricsScrape drives the real app (first run, two posts, an open
// stream that replays) and checks each metric the README lists moved.
func TestMetricsScrape(t *testing.T) {
	s, err := New(context.Background(), Config{DBPath: filepath.Join(t.TempDir(), "campfire.db"), MetricsAddr: "127.0.0.1:0"},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		s.Hub.Close()
		srv.CloseClientConnections()
		srv.Close()
		s.Close()
	})
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.PostForm(srv.URL+"/first_run", url.Values{
		"user[name]": {"Ada"}, "user[email_address]": {"ada@example.com"}, "user[password]": {"secret-password"},
	})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	room := strings.TrimPrefix(res.Request.URL.Path, "/rooms/")
	if res.StatusCode != http.StatusOK || room == res.Request.URL.Path {
		t.Fatalf("first run ended at %d %s", res.StatusCode, res.Request.URL)
	}
	for i := range 2 {
		res, err := c.PostForm(srv.URL+"/rooms/"+room+"/messages", url.Values{
			"message[body]": {fmt.Sprintf("hello %d", i)}, "message[client_message_id]": {fmt.Sprintf("m%d", i)},
		})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode >= 400 {
			t.Fatalf("post: %d", res.StatusCode)
		}
	}
	// A stream from before the posts replays them; its first frame is read
	// so the replay is known to have been written.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/events?room_id="+room, nil)
	req.Header.Set("Last-Event-ID", "1")
	stream, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Body.Close()
	r := bufio.NewReader(stream.Body)
	if _, err := r.ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	// A third post, live, is delivered to the stream.
	res, err = c.PostForm(srv.URL+"/rooms/"+room+"/messages", url.Values{
		"message[body]": {"live"}, "message[client_message_id]": {"m-live"},
	})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()

	m := scrape(t, s.Metrics())
	for _, check := range []struct {
		name   string
		labels map[string]string
		min    float64
	}{
		{"campfire_streams_open", nil, 1},
		{"campfire_messages_posted_total", nil, 3},
		{"campfire_sqlite_commit_duration_seconds", nil, 3},
		{"campfire_sqlite_commit_group_size", nil, 3},
		{"campfire_stream_replay_events", nil, 1},
		{"campfire_http_request_duration_seconds", map[string]string{"route": "/rooms/{roomID}/messages", "method": "POST"}, 3},
		{"campfire_http_request_duration_seconds", map[string]string{"route": "/first_run", "method": "POST", "code": "303"}, 1},
		{"campfire_queue_length", map[string]string{"queue": "push"}, 0},
		{"campfire_queue_failures_total", map[string]string{"queue": "webhook"}, 0},
		{"go_goroutines", nil, 1},
	} {
		if got := value(t, m, check.name, check.labels); got < check.min {
			t.Errorf("%s%v = %v, want at least %v", check.name, check.labels, got, check.min)
		}
	}
	// Live delivery is asynchronous: the counter is checked once the frame
	// has reached the stream's reader, which is the delivery itself.
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(line, "live") {
			break
		}
	}
	if got := value(t, scrape(t, s.Metrics()), "campfire_stream_events_delivered_total", nil); got < 1 {
		t.Errorf("events delivered %v, want at least 1", got)
	}
	// Paths do not become labels: an unknown one is counted as unmatched.
	res, err = c.Get(srv.URL + "/no/such/page/12345")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for _, mm := range scrape(t, s.Metrics())["campfire_http_request_duration_seconds"].GetMetric() {
		for _, l := range mm.GetLabel() {
			if l.GetName() == "route" && strings.Contains(l.GetValue(), "12345") {
				t.Fatalf("a raw path became a label: %s", l.GetValue())
			}
		}
	}
}
