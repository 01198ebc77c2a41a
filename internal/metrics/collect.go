package metrics

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
)

func contextWithRoute(r *http.Request, rctx *chi.Context) context.Context {
	return context.WithValue(r.Context(), chi.RouteCtxKey, rctx)
}

// queueCollector reads the delivery queues' state at scrape time.
type queueCollector struct {
	queues map[string]func() Queue // by name; nil when absent
}

var (
	queueLength = prometheus.NewDesc("campfire_queue_length",
		"Deliveries waiting for a worker.", []string{"queue"}, nil)
	queueDelivered = prometheus.NewDesc("campfire_queue_delivered_total",
		"Deliveries the far end accepted.", []string{"queue"}, nil)
	queueFailed = prometheus.NewDesc("campfire_queue_failures_total",
		"Deliveries that failed (refused, timed out, unreachable).", []string{"queue"}, nil)
	queueDropped = prometheus.NewDesc("campfire_queue_dropped_total",
		"Deliveries refused because the queue was full.", []string{"queue"}, nil)
)

func (c queueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- queueLength
	ch <- queueDelivered
	ch <- queueFailed
	ch <- queueDropped
}

func (c queueCollector) Collect(ch chan<- prometheus.Metric) {
	for name, read := range c.queues {
		if read == nil {
			continue
		}
		q := read()
		ch <- prometheus.MustNewConstMetric(queueLength, prometheus.GaugeValue, float64(q.Queued), name)
		ch <- prometheus.MustNewConstMetric(queueDelivered, prometheus.CounterValue, float64(q.Delivered), name)
		ch <- prometheus.MustNewConstMetric(queueFailed, prometheus.CounterValue, float64(q.Failed), name)
		ch <- prometheus.MustNewConstMetric(queueDropped, prometheus.CounterValue, float64(q.Dropped), name)
	}
}
