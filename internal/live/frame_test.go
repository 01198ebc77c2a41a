package live

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/r3labs/sse/v2"
)

// TestFramesReadByAnotherClient has an independent SSE client (r3labs/sse's)
// read a hijacked stream: multi-line data, event names and ids must come out
// as they went in, replay first and live events after.
func TestFramesReadByAnotherClient(t *testing.T) {
	hub := New(slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Heartbeat: 50 * time.Millisecond})
	defer hub.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hub.Serve(w, r, Stream{UserID: 1, RoomID: 7, Replay: func(_ context.Context, emit func(Frame) error) error {
			return emit(Frame{ID: 3, Event: EventMessage, Data: []byte("<p>replayed</p>\n<p>two lines</p>")})
		}})
	}))
	defer srv.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan *sse.Event, 16)
	client := sse.NewClient(srv.URL)
	go func() {
		_ = client.SubscribeRawWithContext(ctx, func(ev *sse.Event) {
			if len(ev.Data) > 0 {
				got <- ev
			}
		})
	}()
	next := func() *sse.Event {
		t.Helper()
		select {
		case ev := <-got:
			return ev
		case <-time.After(10 * time.Second):
			t.Fatal("no event within 10s")
			return nil
		}
	}
	want := func(ev *sse.Event, id int64, name, data string) {
		t.Helper()
		if string(ev.ID) != strconv.FormatInt(id, 10) || string(ev.Event) != name || string(ev.Data) != data {
			t.Fatalf("got id %q event %q data %q; want %d %q %q", ev.ID, ev.Event, ev.Data, id, name, data)
		}
	}
	want(next(), 3, EventMessage, "<p>replayed</p>\n<p>two lines</p>")
	for hub.Connections() == 0 {
		time.Sleep(time.Millisecond)
	}
	hub.PublishRoom(7, 4, []byte("first\r\nsecond\n\nfourth"))
	want(next(), 4, EventMessage, "first\nsecond\n\nfourth")
	hub.PublishRoomEphemeral(7, EventTyping, []byte("someone is typing"), 0)
	want(next(), 4, EventTyping, "someone is typing")
	hub.PublishUser(1, EventSidebar, []byte("<li>room</li>"))
	want(next(), 4, EventSidebar, "<li>room</li>")
}

// FuzzEncode checks that any data survives framing: parsed back by the SSE
// rules, a frame gives its id, its name and its data without carriage returns.
func FuzzEncode(f *testing.F) {
	f.Add(int64(1), "message", []byte("<p>hi</p>"))
	f.Add(int64(0), "typing", []byte("a\r\nb\rc\n"))
	f.Add(int64(99), "sidebar", []byte("\n\n"))
	f.Add(int64(5), "presence", []byte("data: id: event:\n: comment"))
	f.Fuzz(func(t *testing.T, id int64, name string, data []byte) {
		if id < 0 || !validName(name) {
			t.Skip()
		}
		b := encode(id, name, data)
		if !bytes.HasSuffix(b, []byte("\n\n")) || bytes.Count(b, []byte("\n\n")) != 1 {
			t.Fatalf("frame %q must end with its only blank line", b)
		}
		gotID, gotName, gotData := parseFrame(t, b)
		want := bytes.ReplaceAll(data, []byte("\r"), nil)
		if gotID != strconv.FormatInt(id, 10) || gotName != name || !bytes.Equal(gotData, want) {
			t.Fatalf("parsed %q %q %q from %q", gotID, gotName, gotData, b)
		}
	})
}

// validName is what the hub's callers use as event names: constants without
// line breaks or leading spaces.
func validName(s string) bool {
	if s == "" || s[0] == ' ' {
		return false
	}
	return bytes.IndexAny([]byte(s), "\r\n") < 0
}

// parseFrame applies the HTML standard's event-stream parsing to one frame.
func parseFrame(t *testing.T, b []byte) (id, name string, data []byte) {
	t.Helper()
	var lines [][]byte
	for _, l := range bytes.Split(bytes.TrimSuffix(b, []byte("\n\n")), []byte("\n")) {
		lines = append(lines, l)
	}
	first := true
	for _, l := range lines {
		field, value, _ := bytes.Cut(l, []byte(":"))
		value = bytes.TrimPrefix(value, []byte(" "))
		switch string(field) {
		case "id":
			id = string(value)
		case "event":
			name = string(value)
		case "data":
			if !first {
				data = append(data, '\n')
			}
			data = append(data, value...)
			first = false
		default:
			t.Fatalf("unexpected line %q", l)
		}
	}
	return id, name, data
}
