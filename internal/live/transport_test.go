package live

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestStreamsThroughProxyAndHTTP2: a stream works behind a reverse proxy (the
// hijacked body ends at connection close, which proxies pass on as they
// read it) and over HTTP/2, where nothing can be hijacked and the handler
// keeps the stream.
func TestStreamsThroughProxyAndHTTP2(t *testing.T) {
	hub := New(slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Heartbeat: time.Hour})
	defer hub.Close()
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hub.Serve(w, r, Stream{UserID: 1, RoomID: 1})
	})

	direct := httptest.NewServer(app)
	defer direct.Close()
	target, _ := url.Parse(direct.URL)
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.FlushInterval = -1
	proxy := httptest.NewServer(rp)
	defer proxy.Close()

	h2 := httptest.NewUnstartedServer(app)
	h2.EnableHTTP2 = true
	h2.StartTLS()
	defer h2.Close()

	for _, tc := range []struct {
		name   string
		url    string
		client *http.Client
		proto  int
	}{
		{"reverse proxy", proxy.URL, http.DefaultClient, 1},
		{"HTTP/2", h2.URL, h2.Client(), 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			before := hub.Connections()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, tc.url, nil)
			res, err := tc.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.ProtoMajor != tc.proto || res.Header.Get("Content-Type") != "text/event-stream" {
				t.Fatalf("proto %d, content type %q", res.ProtoMajor, res.Header.Get("Content-Type"))
			}
			for hub.Connections() == before {
				time.Sleep(time.Millisecond)
			}
			hub.PublishRoom(1, 42, []byte("hello\nthere"))
			br := bufio.NewReader(res.Body)
			var got []string
			skipRetry(t, br)
			for len(got) < 4 {
				line, err := br.ReadString('\n')
				if err != nil {
					t.Fatalf("after %q: %v", got, err)
				}
				got = append(got, strings.TrimSuffix(line, "\n"))
			}
			want := []string{"id: 42", "event: message", "data: hello", "data: there"}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Fatalf("got %q, want %q", got, want)
			}
			cancel()
			deadline := time.Now().Add(10 * time.Second)
			for hub.Connections() != before {
				if time.Now().After(deadline) {
					t.Fatalf("stream still counted after the client left")
				}
				time.Sleep(time.Millisecond)
			}
		})
	}
}

// TestStreamOutlivesItsWriteTimeout: a stream keeps receiving long after its
// first write, however the writes before went. A write deadline left armed
// once made every stream fail its first event after the timeout.
func TestStreamOutlivesItsWriteTimeout(t *testing.T) {
	hub := New(slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Heartbeat: time.Hour, WriteTimeout: 50 * time.Millisecond})
	defer hub.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hub.Serve(w, r, Stream{UserID: 1, RoomID: 1, Replay: func(_ context.Context, emit func(Frame) error) error {
			return emit(Frame{ID: 1, Event: EventMessage, Data: []byte("replayed")})
		}})
	}))
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	br := bufio.NewReader(res.Body)
	readData := func() string {
		t.Helper()
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				t.Fatalf("stream ended: %v", err)
			}
			if strings.HasPrefix(line, "data: ") {
				return strings.TrimSpace(strings.TrimPrefix(line, "data: "))
			}
		}
	}
	if got := readData(); got != "replayed" {
		t.Fatalf("got %q", got)
	}
	for id := int64(2); id <= 4; id++ {
		time.Sleep(120 * time.Millisecond) // past the write timeout
		hub.PublishRoom(1, id, []byte("live"))
		if got := readData(); got != "live" {
			t.Fatalf("event %d: got %q", id, got)
		}
	}
}

// TestSlowReaderGetsEveryEventWhole: events that do not fit in the socket's
// buffer are finished by a writer, with later events behind them; a reader
// that falls behind and catches up sees every event whole and in order.
func TestSlowReaderGetsEveryEventWhole(t *testing.T) {
	const events = 200
	hub := New(slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Heartbeat: time.Hour, Buffer: events})
	defer hub.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hub.Serve(w, r, Stream{UserID: 1, RoomID: 1})
	}))
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	for hub.Connections() == 0 {
		time.Sleep(time.Millisecond)
	}
	// 200 events of 64 KiB: far more than socket buffers hold unread.
	payload := strings.Repeat("x", 64<<10)
	for id := int64(1); id <= events; id++ {
		hub.PublishRoom(1, id, []byte(strconv.FormatInt(id, 10)+" "+payload))
	}
	br := bufio.NewReaderSize(res.Body, 64<<10)
	skipRetry(t, br)
	for want := int64(1); want <= events; want++ {
		var id, data string
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				t.Fatalf("event %d: stream ended: %v", want, err)
			}
			line = strings.TrimSuffix(line, "\n")
			if line == "" {
				break
			}
			if v, ok := strings.CutPrefix(line, "id: "); ok {
				id = v
			}
			if v, ok := strings.CutPrefix(line, "data: "); ok {
				data = v
			}
		}
		w := strconv.FormatInt(want, 10)
		if id != w || data != w+" "+payload {
			t.Fatalf("event %d: id %q, data of %d bytes starting %.12q", want, id, len(data), data)
		}
	}
}

// skipRetry reads the reconnect delay every stream starts with (retry.go).
func skipRetry(t *testing.T, br *bufio.Reader) {
	t.Helper()
	for _, prefix := range []string{"retry: ", ""} {
		line, err := br.ReadString('\n')
		if err != nil || !strings.HasPrefix(line, prefix) || (prefix == "" && line != "\n") {
			t.Fatalf("stream starts %q (%v), want the retry field", line, err)
		}
	}
}
