package handlers

import (
	"sync"
	"time"
)

// rateLimiter allows n events per window per key (a sliding window).
type rateLimiter struct {
	n      int
	window time.Duration

	mu   sync.Mutex
	hits map[string][]time.Time
	done chan struct{}
}

func newRateLimiter(n int, window time.Duration) *rateLimiter {
	l := &rateLimiter{n: n, window: window, hits: map[string][]time.Time{}, done: make(chan struct{})}
	go l.sweep()
	return l
}

// allow records an event for key and reports whether it is within the limit.
func (l *rateLimiter) allow(key string) bool {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	hits := recent(l.hits[key], now.Add(-l.window))
	if len(hits) >= l.n {
		l.hits[key] = hits
		return false
	}
	l.hits[key] = append(hits, now)
	return true
}

// blocked reports whether key has used its whole budget, and how long until
// the oldest of its events leaves the window. It records nothing.
func (l *rateLimiter) blocked(key string) (time.Duration, bool) {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	hits := recent(l.hits[key], now.Add(-l.window))
	l.hits[key] = hits
	if len(hits) < l.n {
		return 0, false
	}
	return hits[len(hits)-l.n].Add(l.window).Sub(now), true
}

// record counts an event for key without asking whether it is allowed.
func (l *rateLimiter) record(key string) {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.hits[key] = append(recent(l.hits[key], now.Add(-l.window)), now)
}

func recent(hits []time.Time, since time.Time) []time.Time {
	i := 0
	for i < len(hits) && !hits[i].After(since) {
		i++
	}
	return hits[i:]
}

// sweep forgets keys with no recent events, so memory follows current traffic.
func (l *rateLimiter) sweep() {
	t := time.NewTicker(l.window)
	defer t.Stop()
	for {
		select {
		case <-l.done:
			return
		case now := <-t.C:
			l.mu.Lock()
			for k, hits := range l.hits {
				if len(recent(hits, now.Add(-l.window))) == 0 {
					delete(l.hits, k)
				}
			}
			l.mu.Unlock()
		}
	}
}

func (l *rateLimiter) stop() { close(l.done) }
