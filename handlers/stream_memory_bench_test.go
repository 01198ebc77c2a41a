package handlers

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

// BenchmarkIdleStreamMemory opens idle SSE streams against the real router and
// reports what each costs the server, split into goroutine stacks and heap.
// The client side is a bare socket that is never read (idle streams only get
// a heartbeat comment), so it adds almost nothing to the figures.
func BenchmarkIdleStreamMemory(b *testing.B) {
	const n = 2000
	a, l, cookie := benchApp(b)
	addr := strings.TrimPrefix(a.srv.URL, "http://")
	b.ReportAllocs()
	for b.Loop() {
		before := memNow()
		conns := make([]net.Conn, 0, n)
		for i := 0; i < n; i++ {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				b.Fatal(err)
			}
			fmt.Fprintf(c, "GET /events?room_id=%d HTTP/1.1\r\nHost: %s\r\nCookie: %s\r\n\r\n", l.AllTalk, addr, cookie)
			res, err := http.ReadResponse(bufio.NewReaderSize(c, 512), nil)
			if err != nil || res.StatusCode != http.StatusOK {
				b.Fatalf("stream %d: %v %v", i, err, res)
			}
			conns = append(conns, c)
		}
		for a.hub.Connections() < n {
			time.Sleep(time.Millisecond)
		}
		after := memNow()
		per := func(x, y uint64) float64 { return float64(int64(y)-int64(x)) / n / 1024 }
		b.ReportMetric(per(before.StackInuse, after.StackInuse), "stack-KiB/conn")
		b.ReportMetric(per(before.HeapInuse, after.HeapInuse), "heap-KiB/conn")
		b.ReportMetric(float64(after.goroutines-before.goroutines)/n, "goroutines/conn")
		for _, c := range conns {
			c.Close()
		}
		for a.hub.Connections() > 0 {
			time.Sleep(time.Millisecond)
		}
	}
}

type memSample struct {
	runtime.MemStats
	goroutines int
}

func memNow() memSample {
	runtime.GC()
	var m memSample
	runtime.ReadMemStats(&m.MemStats)
	m.goroutines = runtime.NumGoroutine()
	return m
}

// BenchmarkStreamReconnect is one tab reconnecting: GET /events with a
// Last-Event-ID five events back, until the first replayed event arrives.
// Its CPU cost bounds how fast a server drains a reconnect storm.
func BenchmarkStreamReconnect(b *testing.B) {
	a, l, cookie := benchApp(b)
	addr := strings.TrimPrefix(a.srv.URL, "http://")
	var times []time.Duration
	for b.Loop() {
		t := time.Now()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(c, "GET /events?room_id=%d HTTP/1.1\r\nHost: %s\r\nCookie: %s\r\nLast-Event-ID: %d\r\n\r\n",
			l.AllTalk, addr, cookie, l.Cursors[l.AllTalk])
		br := bufio.NewReader(c)
		res, err := http.ReadResponse(br, nil)
		if err != nil || res.StatusCode != http.StatusOK {
			b.Fatalf("stream: %v %v", err, res)
		}
		body := bufio.NewReader(res.Body)
		for {
			line, err := body.ReadString('\n')
			if err != nil {
				b.Fatal(err)
			}
			if line == "\n" {
				break
			}
		}
		times = append(times, time.Since(t))
		c.Close()
	}
	reportLatency(b, times)
}
