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
