// Package metrics exposes the server's work in the Prometheus text format.
//
// Hot paths pay little: streams and deliveries are counters the hub keeps
// anyway, read only when /metrics is scraped; commits and replays observe a
// histogram (a few atomic adds); each request observes one histogram found
// by its route pattern, so the labels stay few whatever paths are asked for.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/campfire-go/campfire/internal/httpx"
	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Sources are what the metrics read when scraped. Any may be nil.
type Sources struct {
	// Streams and Delivered are the hub's open streams and events delivered.
	Streams   func() int
	Delivered func() uint64
	// Push and Webhooks report their queues.
	Push     func() Queue
	Webhooks func() Queue
}

// Queue is a delivery queue's length and counts.
type Queue struct {
	Queued    int
	Delivered uint64
	Failed    uint64
	Dropped   uint64
}

// Metrics holds the registry and the instruments the app observes.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.HistogramVec
	commits  prometheus.Histogram
	groups   prometheus.Histogram
	posts    prometheus.Counter
	replays  prometheus.Histogram
}

// New registers the app's instruments and the Go runtime's and the
// process's metrics; Watch adds what is read from the running parts.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "campfire_http_request_duration_seconds",
		Help:    "Time to answer a request, by route pattern, method and status. Event streams count until their replay is written.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"route", "method", "code"})
	m.commits = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "campfire_sqlite_commit_duration_seconds",
		Help:    "Time to write and commit one group of posts to SQLite.",
		Buckets: []float64{.0005, .001, .002, .005, .01, .025, .05, .1, .25, .5, 1},
	})
	m.groups = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "campfire_sqlite_commit_group_size",
		Help:    "Posts written together in one SQLite transaction.",
		Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128},
	})
	m.posts = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "campfire_messages_posted_total",
		Help: "Messages stored, by people and bots.",
	})
	m.replays = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "campfire_stream_replay_events",
		Help:    "Events replayed to a stream when it opened (count is the number of replays).",
		Buckets: []float64{0, 1, 5, 10, 50, 100, 250, 500},
	})
	m.reg.MustRegister(m.requests, m.commits, m.groups, m.posts, m.replays,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Watch registers the metrics read from the running parts at scrape time.
// Call it once.
func (m *Metrics) Watch(src Sources) {
	if src.Streams != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "campfire_streams_open",
			Help: "Event streams open now (one per browser tab).",
		}, func() float64 { return float64(src.Streams()) }))
	}
	if src.Delivered != nil {
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "campfire_stream_events_delivered_total",
			Help: "Live events written to streams (replays apart).",
		}, func() float64 { return float64(src.Delivered()) }))
	}
	m.reg.MustRegister(queueCollector{queues: map[string]func() Queue{"push": src.Push, "webhook": src.Webhooks}})
}

// Handler serves the metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Committed records one group of posts written to SQLite.
func (m *Metrics) Committed(d time.Duration, posts int) {
	m.commits.Observe(d.Seconds())
	m.groups.Observe(float64(posts))
	m.posts.Add(float64(posts))
}

// Replayed records a stream's replay.
func (m *Metrics) Replayed(events int) { m.replays.Observe(float64(events)) }

// Instrument times every request by the chi route pattern it matched. It
// hands chi a routing context of its own, which chi fills in (it uses one
// it finds rather than making its own), so the pattern is known afterwards.
func (m *Metrics) Instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rctx := chi.NewRouteContext()
		r = r.WithContext(contextWithRoute(r, rctx))
		sw := &httpx.StatusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		route := rctx.RoutePattern()
		if route == "" {
			route = "unmatched"
		}
		code := sw.Status
		if code == 0 {
			code = http.StatusOK
		}
		m.requests.WithLabelValues(route, r.Method, strconv.Itoa(code)).Observe(time.Since(start).Seconds())
	})
}
