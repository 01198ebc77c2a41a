package main

import (
	"bufio"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sseEvent is one parsed Server-Sent Event.
type sseEvent struct {
	ID   int64
	Name string
	Data string
}

// eventStream is a real /events connection read by a small parser.
type eventStream struct {
	events chan sseEvent
	cancel context.CancelFunc
	done   chan struct{}
}

// openEvents connects to path (an /events URL) with optional headers.
func (b *browser) openEvents(path string, headers ...string) *eventStream {
	b.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, b.srv.base+path, nil)
	req.Header.Set("X-Forwarded-For", b.ip)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	hc := *b.http
	hc.Timeout = 0
	res, err := hc.Do(req)
	if err != nil {
		cancel()
		b.t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		cancel()
		res.Body.Close()
		b.t.Fatalf("GET %s: status %d", path, res.StatusCode)
	}
	s := &eventStream{events: make(chan sseEvent, 4096), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		defer close(s.events)
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var ev sseEvent
		var data []string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if len(data) > 0 {
					ev.Data = strings.Join(data, "\n")
					s.events <- ev
				}
				ev, data = sseEvent{}, nil
			case strings.HasPrefix(line, "id: "):
				ev.ID, _ = strconv.ParseInt(strings.TrimPrefix(line, "id: "), 10, 64)
			case strings.HasPrefix(line, "event: "):
				ev.Name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data = append(data, strings.TrimPrefix(line, "data: "))
			}
		}
	}()
	b.t.Cleanup(s.close)
	return s
}

func (s *eventStream) close() {
	s.cancel()
	<-s.done
}

// messagesUntil collects the client_message_ids of message events, in order,
// up to and including the one whose id is stop.
func (s *eventStream) messagesUntil(t testing.TB, stop string) []string {
	t.Helper()
	var got []string
	timeout := time.After(20 * time.Second)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				t.Fatalf("stream closed before %q arrived (had %d)", stop, len(got))
			}
			if ev.Name == "reload" {
				t.Fatalf("stream asked for a reload instead of replaying")
			}
			if ev.Name != "message" {
				continue
			}
			cmid := domCMID(ev.Data)
			if cmid == "" {
				continue
			}
			got = append(got, cmid)
			if cmid == stop {
				return got
			}
		case <-timeout:
			t.Fatalf("no %q within 20s (had %d)", stop, len(got))
		}
	}
}

// domCMID finds the client_message_id in a message fragment's dom id.
func domCMID(data string) string {
	const marker = `id="message_`
	i := strings.Index(data, marker)
	if i < 0 {
		return ""
	}
	rest := data[i+len(marker):]
	j := strings.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return rest[:j]
}
