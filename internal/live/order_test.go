package live

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestEphemeralNeverOvertakesDurable: an ephemeral event carries the newest
// durable id, so it must never reach a stream before that durable event did;
// a browser whose cursor jumped ahead and reconnected would never replay the
// event it skipped. Durable events fan out to hundreds of streams (spread
// over goroutines) while ephemeral ones are published at the same time.
func TestEphemeralNeverOvertakesDurable(t *testing.T) {
	const streams, durable = 600, 60
	hub := New(slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Heartbeat: time.Hour, Buffer: 4096})
	defer hub.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		uid, _ := strconv.ParseInt(r.URL.Query().Get("u"), 10, 64)
		hub.Serve(w, r, Stream{UserID: uid, RoomID: 1})
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")

	errs := make(chan error, streams)
	var readers sync.WaitGroup
	for i := range streams {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "GET /?u=%d HTTP/1.1\r\nHost: %s\r\n\r\n", i+1, addr)
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		readers.Go(func() {
			errs <- readInOrder(res.Body, durable)
		})
	}
	for hub.Connections() < streams {
		time.Sleep(time.Millisecond)
	}
	stop := make(chan struct{})
	var noise sync.WaitGroup
	noise.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
				hub.PublishRoomEphemeral(1, EventTyping, []byte("typing"), 0)
			}
		}
	})
	for id := int64(1); id <= durable; id++ {
		hub.PublishRoom(1, id, []byte("m"))
	}
	close(stop)
	noise.Wait()
	readers.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// readInOrder reads a stream until the last durable event, failing if an
// event's id is ahead of the durable events seen so far.
func readInOrder(body io.Reader, last int64) error {
	br := bufio.NewReader(body)
	var seen, id int64
	var name string
	for seen < last {
		line, err := br.ReadString('\n')
		if err != nil {
			return fmt.Errorf("after durable %d: %w", seen, err)
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case strings.HasPrefix(line, "id: "):
			id, _ = strconv.ParseInt(line[4:], 10, 64)
		case strings.HasPrefix(line, "event: "):
			name = line[7:]
		case line == "" && name != "":
			if name == EventMessage {
				seen = id
			} else if id > seen {
				return fmt.Errorf("%s event with id %d arrived before durable event %d", name, id, id)
			}
			name = ""
		}
	}
	return nil
}
