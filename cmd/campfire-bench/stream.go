package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"
)

// stream is one SSE connection, spoken over a raw TCP connection so each one
// costs the load tool one goroutine and a small buffer.
type stream struct {
	conn net.Conn
	br   *bufio.Reader
	body *bufio.Reader
}

// dialStream opens GET /events for a room with the user's session.
func dialStream(ctx context.Context, d *net.Dialer, addr, token string, roomID, lastEventID int64) (*stream, error) {
	return dialPath(ctx, d, addr, fmt.Sprintf("/events?room_id=%d&after=0", roomID), "session_token="+token, lastEventID)
}

// dialBotStream opens a bot's own stream with its key.
func dialBotStream(ctx context.Context, d *net.Dialer, addr, key string, lastEventID int64) (*stream, error) {
	return dialPath(ctx, d, addr, "/bots/"+key+"/events", "", lastEventID)
}

func dialPath(ctx context.Context, d *net.Dialer, addr, path, cookie string, lastEventID int64) (*stream, error) {
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "GET %s HTTP/1.1\r\nHost: %s\r\nAccept: text/event-stream\r\n", path, addr)
	if cookie != "" {
		fmt.Fprintf(&b, "Cookie: %s\r\n", cookie)
	}
	if lastEventID > 0 {
		fmt.Fprintf(&b, "Last-Event-ID: %d\r\n", lastEventID)
	}
	b.WriteString("\r\n")
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	}
	if _, err := c.Write(b.Bytes()); err != nil {
		c.Close()
		return nil, err
	}
	br := bufio.NewReaderSize(c, 4096)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		c.Close()
		return nil, err
	}
	_ = c.SetDeadline(time.Time{})
	if res.StatusCode != http.StatusOK {
		c.Close()
		return nil, fmt.Errorf("stream: status %d", res.StatusCode)
	}
	return &stream{conn: c, br: br, body: bufio.NewReaderSize(res.Body, 4096)}, nil
}

// event is one parsed SSE event; data is only valid until the next read.
type event struct {
	id   int64
	name string
	data []byte
}

// next reads the next event, skipping comments (heartbeats).
func (s *stream) next(ev *event) error {
	ev.id, ev.name, ev.data = 0, "", ev.data[:0]
	got := false
	for {
		line, err := s.body.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			// A long data line: gather it.
			buf := append([]byte(nil), line...)
			for err == bufio.ErrBufferFull {
				line, err = s.body.ReadSlice('\n')
				buf = append(buf, line...)
			}
			line = buf
		}
		if err != nil {
			return err
		}
		line = bytes.TrimRight(line, "\n")
		switch {
		case len(line) == 0:
			if got {
				return nil
			}
		case line[0] == ':':
		case bytes.HasPrefix(line, []byte("id: ")):
			ev.id, _ = strconv.ParseInt(string(line[4:]), 10, 64)
			got = true
		case bytes.HasPrefix(line, []byte("event: ")):
			ev.name = string(line[7:])
			got = true
		case bytes.HasPrefix(line, []byte("data: ")):
			if len(ev.data) > 0 {
				ev.data = append(ev.data, '\n')
			}
			ev.data = append(ev.data, line[6:]...)
			got = true
		}
	}
}

func (s *stream) close() { s.conn.Close() }

// sentAt reads the send time the poster put in the message's client id
// ("message_t<unix ns>x<seq>", the element id in a tab's fragment, and in
// the body of posts made for bots, whose JSON has no element id); ok is
// false for other messages.
func sentAt(data []byte) (int64, bool) {
	i := bytes.Index(data, []byte("message_t"))
	if i < 0 {
		return 0, false
	}
	rest := data[i+len("message_t"):]
	j := bytes.IndexByte(rest, 'x')
	if j <= 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(string(rest[:j]), 10, 64)
	return n, err == nil
}
