package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/campfire-go/campfire/internal/perf"
)

// benchApp is the app over a seeded database (perf.SharedDB: about 120,000
// messages, or the file named by CAMPFIRE_BENCH_DB, seeded by campfire-bench,
// for the million-message figures). It returns the
// session cookie of user 2, an ordinary member of the big rooms, the Fanout
// room and the first 10-member room (the administrator is in every room).
func benchApp(b *testing.B) (*testApp, perf.Layout, string) {
	b.Helper()
	path, l := benchDB(b)
	a := newTestAppAt(b, path)
	c := a.anonymous()
	res := c.postForm("/session", url.Values{"email_address": {perf.Email(2)}, "password": {perf.Password}})
	if res.StatusCode != http.StatusSeeOther {
		b.Fatalf("sign in: %d", res.StatusCode)
	}
	for _, ck := range res.Cookies() {
		if ck.Name == "session_token" {
			return a, l, ck.Name + "=" + ck.Value
		}
	}
	b.Fatal("no session cookie")
	return nil, l, ""
}

var (
	benchOnce sync.Once
	benchPath string
	benchLay  perf.Layout
	benchErr  error
)

func benchDB(b *testing.B) (string, perf.Layout) {
	benchOnce.Do(func() { benchPath, benchLay, benchErr = perf.SharedDB(context.Background()) })
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchPath, benchLay
}

// BenchmarkPostHTTPParallel is BenchmarkPostHTTP from 64 clients at once
// (32 per CPU here) into user 2's 10-member room: the load of the throughput
// target, where posts arriving together share a commit.
func BenchmarkPostHTTPParallel(b *testing.B) {
	a, l, cookie := benchApp(b)
	h := a.h.Routes()
	run := time.Now().UnixNano()
	var n atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			form := url.Values{"message[body]": {"deploying the release branch to staging after lunch"},
				"message[client_message_id]": {fmt.Sprintf("hp%d-%d", run, i)}}
			req := httptest.NewRequest(http.MethodPost, fmt.Sprintf("/rooms/%d/messages", l.Small[0]),
				strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("HX-Request", "true")
			req.Header.Set("Cookie", cookie)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Errorf("status %d", rec.Code)
				return
			}
		}
	})
}

// reportLatency adds the median and 99th percentile of the timed calls.
func reportLatency(b *testing.B, times []time.Duration) {
	if len(times) == 0 {
		return
	}
	slices.Sort(times)
	at := func(p float64) float64 {
		return float64(times[min(len(times)-1, int(p*float64(len(times))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// BenchmarkRoomPage is GET /rooms/{id} through the whole router (sessions,
// user, membership, newest page of 40 messages, sidebar, layout), timed at
// the handler: server time, no network. The room's size must not matter.
func BenchmarkRoomPage(b *testing.B) {
	a, l, cookie := benchApp(b)
	h := a.h.Routes()
	for _, room := range []int64{l.TenK, l.History} {
		b.Run(fmt.Sprintf("messages=%d", l.PerRoom[room]), func(b *testing.B) {
			b.ReportAllocs()
			benchGet(b, h, cookie, fmt.Sprintf("/rooms/%d", room))
		})
	}
}

// BenchmarkPostHTTP is POST /rooms/{id}/messages as htmx sends it, through the
// router, into a 10-member room of the seeded database.
func BenchmarkPostHTTP(b *testing.B) {
	a, l, cookie := benchApp(b)
	h := a.h.Routes()
	var times []time.Duration
	i := 0
	// The seeded database outlives the run, so each run's client ids are its
	// own: reused ones would be answered as duplicates, never stored.
	run := time.Now().UnixNano()
	b.ReportAllocs()
	for b.Loop() {
		i++
		form := url.Values{"message[body]": {"deploying the release branch to staging after lunch"},
			"message[client_message_id]": {fmt.Sprintf("h%d-%d", run, i)}}
		req := httptest.NewRequest(http.MethodPost, fmt.Sprintf("/rooms/%d/messages", l.Small[0]),
			strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("HX-Request", "true")
		req.Header.Set("Cookie", cookie)
		rec := httptest.NewRecorder()
		t := time.Now()
		h.ServeHTTP(rec, req)
		times = append(times, time.Since(t))
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
	reportLatency(b, times)
}

// BenchmarkSearchPage is GET /searches?q=… through the router: the app's own
// query (full-text match, the rooms the searcher belongs to, newest 100,
// highlighted) and the rendered results page. The words are the seeded
// vocabulary's: one in half of all messages, one in a few thousand, one in a
// few hundred, and two words together. (The app's search has no prefix
// syntax: what people type is words.)
func BenchmarkSearchPage(b *testing.B) {
	a, _, cookie := benchApp(b)
	h := a.h.Routes()
	vocab := perf.NewVocabulary(nil, 20_000)
	for _, w := range []struct{ name, q string }{
		{"common", vocab.Rank(0)},
		{"mid", vocab.Rank(300)},
		{"rare", vocab.Rank(5000)},
		{"two", vocab.Rank(0) + " " + vocab.Rank(300)},
	} {
		// How many messages hold the words, in any room: what the query
		// walks (newest first) before it has its 100, beside the time.
		var matches int
		expr := `"` + strings.Join(strings.Fields(w.q), `" "`) + `"`
		if err := a.store.Writer().QueryRow(`SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?`, expr).Scan(&matches); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("%s=%q", w.name, w.q), func(b *testing.B) {
			benchGet(b, h, cookie, "/searches?q="+url.QueryEscape(w.q))
			b.ReportMetric(float64(matches), "matches")
		})
	}
}

// benchGet times GET path through the router, signed in by the cookie, and
// reports the p50 and p99 of the single requests.
func benchGet(b *testing.B, h http.Handler, cookie, path string) {
	var times []time.Duration
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Cookie", cookie)
		rec := httptest.NewRecorder()
		t := time.Now()
		h.ServeHTTP(rec, req)
		times = append(times, time.Since(t))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: status %d", path, rec.Code)
		}
	}
	reportLatency(b, times)
}
