package live

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// benchFragment is the size and shape of a rendered message append.
var benchFragment = []byte(`<hx-partial hx-target="#messages" hx-swap="beforeend"><article id="message_k3j4h5g6f7d8s9a0" class="message" data-message-id="123456" data-user-id="345" data-created-at="1772620200000" data-updated-at="1772620200000" aria-labelledby="message_k3j4h5g6f7d8s9a0_author"><img class="message__avatar" src="/users/345/avatar" alt="" width="36" height="36" loading="lazy">
<header class="message__meta"><a id="message_k3j4h5g6f7d8s9a0_author" class="message__author" href="/users/345">Ann Lee</a> <a class="message__permalink" href="/rooms/12/@123456"><time datetime="2026-03-04T10:30:00Z">10:30</time></a></header>
<div class="message__body">Morning! The deploy notes are at <a href="https://example.com/releases/2024-06" rel="noreferrer">https://example.com/releases/2024-06</a>, can you check the <strong>migration</strong> part before <em>lunch</em>?</div></article></hx-partial>`)

// BenchmarkPublishRoom is one durable event fanned out to every stream of a
// room, until every client has parsed it, over real loopback connections.
// cpu-us/delivery is the whole process's CPU time (server and the clients'
// reading) per delivered event, which the machine's other load hardly moves.
func BenchmarkPublishRoom(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("streams=%d", n), func(b *testing.B) { benchPublish(b, n) })
	}
}

func benchPublish(b *testing.B, n int) {
	hub := New(slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Heartbeat: time.Hour, Buffer: 64})
	defer hub.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		uid, _ := strconv.ParseInt(r.URL.Query().Get("u"), 10, 64)
		hub.Serve(w, r, Stream{UserID: uid, RoomID: 1, Replay: func(context.Context, func(Frame) error) error { return nil }})
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")

	var delivered, target atomic.Int64
	done := make(chan struct{}, 1)
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < n; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		conns = append(conns, c)
		fmt.Fprintf(c, "GET /?u=%d HTTP/1.1\r\nHost: %s\r\n\r\n", i+1, addr)
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || res.StatusCode != http.StatusOK {
			b.Fatalf("stream %d: %v", i, err)
		}
		go func() {
			br := bufio.NewReader(res.Body)
			for {
				line, err := br.ReadSlice('\n')
				if err != nil {
					return
				}
				if len(line) == 1 && delivered.Add(1) == target.Load() {
					done <- struct{}{}
				}
			}
		}()
	}
	for hub.Connections() < n {
		time.Sleep(time.Millisecond)
	}
	var id int64
	cpu0 := cpuTime()
	for b.Loop() {
		id++
		target.Store(delivered.Load() + int64(n))
		hub.PublishRoom(1, id, benchFragment)
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			b.Fatalf("event %d: %d of %d delivered", id, delivered.Load(), target.Load())
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(id*int64(n)), "cpu-us/delivery")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
