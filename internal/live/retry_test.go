package live

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestStreamStartsWithItsReconnectDelay: before anything else a stream tells
// its browser a reconnect delay within the jitter's bounds, on a hijacked
// socket and through a ResponseWriter alike, and the replay follows.
func TestStreamStartsWithItsReconnectDelay(t *testing.T) {
	hub := New(slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Heartbeat: time.Hour})
	defer hub.Close()
	serve := func(w http.ResponseWriter, r *http.Request) {
		hub.Serve(w, r, Stream{UserID: 1, RoomID: 1, Replay: func(_ context.Context, emit func(Frame) error) error {
			return emit(Frame{ID: 1, Event: EventMessage, Data: []byte("replayed")})
		}})
	}
	hijacked := httptest.NewServer(http.HandlerFunc(serve))
	defer hijacked.Close()
	written := httptest.NewUnstartedServer(http.HandlerFunc(serve))
	written.EnableHTTP2 = true
	written.StartTLS()
	defer written.Close()
	for name, get := range map[string]func() (*http.Response, error){
		"hijacked":    func() (*http.Response, error) { return http.Get(hijacked.URL) },
		"http/2 body": func() (*http.Response, error) { return written.Client().Get(written.URL) },
	} {
		res, err := get()
		if err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(res.Body)
		line, _ := br.ReadString('\n')
		ms, err := strconv.ParseInt(strings.TrimSpace(strings.TrimPrefix(line, "retry: ")), 10, 64)
		if !strings.HasPrefix(line, "retry: ") || err != nil {
			t.Fatalf("%s: first line %q", name, line)
		}
		if d := time.Duration(ms) * time.Millisecond; d < ReconnectMin || d >= ReconnectMin+ReconnectJitter {
			t.Fatalf("%s: retry %v outside [%v, %v)", name, d, ReconnectMin, ReconnectMin+ReconnectJitter)
		}
		rest, _ := br.ReadString('\n') // the blank line ending the block
		data := ""
		for !strings.HasPrefix(data, "data: ") {
			if data, err = br.ReadString('\n'); err != nil {
				t.Fatalf("%s: %q then %v", name, rest, err)
			}
		}
		if strings.TrimSpace(data) != "data: replayed" {
			t.Fatalf("%s: replay %q", name, data)
		}
		res.Body.Close()
	}
}
