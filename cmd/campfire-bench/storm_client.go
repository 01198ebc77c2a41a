package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"
)

// The storm's client. The load tool shares the server's two cores, so what
// it spends per stream is taken from the server's storm: this client does
// what a reconnecting tab needs for the measure and nothing more. It sends
// the same HTTP/1.1 request as dialPath (built before the storm starts),
// reads the real response head and checks its status, and parses the SSE
// stream up to the first event, with one buffer per stream and no header map.
// After that it only drains the stream, as a tab keeps reading, so the server
// writes to it as to any other.

// stormBuf is each storm stream's read buffer: the response head and the
// first event fit in it; a longer first event is read in more turns.
const stormBuf = 4096

// stormRequest is the request a tab reconnecting to path sends.
func stormRequest(addr, path, cookie string, lastEventID int64) []byte {
	b := make([]byte, 0, 256+len(path)+len(cookie))
	b = append(b, "GET "...)
	b = append(b, path...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, addr...)
	b = append(b, "\r\nAccept: text/event-stream\r\n"...)
	if cookie != "" {
		b = append(b, "Cookie: "...)
		b = append(b, cookie...)
		b = append(b, "\r\n"...)
	}
	if lastEventID > 0 {
		b = append(b, "Last-Event-ID: "...)
		b = strconv.AppendInt(b, lastEventID, 10)
		b = append(b, "\r\n"...)
	}
	return append(b, "\r\n"...)
}

// stormConn is one storm stream.
type stormConn struct {
	c   net.Conn
	buf []byte
}

// stormDial connects, sends the request and reads the response head; the
// stream must answer 200. deadline bounds all of it.
func stormDial(d *net.Dialer, addr string, req []byte, deadline time.Time) (*stormConn, []byte, error) {
	c, err := d.Dial("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	_ = c.SetDeadline(deadline)
	if _, err := c.Write(req); err != nil {
		c.Close()
		return nil, nil, err
	}
	s := &stormConn{c: c, buf: make([]byte, stormBuf)}
	n := 0
	for {
		if n == len(s.buf) {
			c.Close()
			return nil, nil, errors.New("stream: response head longer than 4 KiB")
		}
		m, err := c.Read(s.buf[n:])
		n += m
		if i := bytes.Index(s.buf[:n], []byte("\r\n\r\n")); i >= 0 {
			if err := checkStatus(s.buf[:i]); err != nil {
				c.Close()
				return nil, nil, err
			}
			// What follows the head is the start of the body.
			return s, s.buf[i+4 : n], nil
		}
		if err != nil {
			c.Close()
			return nil, nil, fmt.Errorf("stream: response head: %w", err)
		}
	}
}

// checkStatus reads the status line of a response head: it must be HTTP/1.x 200.
func checkStatus(head []byte) error {
	line, _, _ := bytes.Cut(head, []byte("\r\n"))
	proto, rest, ok := bytes.Cut(line, []byte(" "))
	if !ok || !bytes.HasPrefix(proto, []byte("HTTP/1.")) || len(rest) < 3 {
		return fmt.Errorf("stream: malformed status line %q", line)
	}
	if code := string(rest[:3]); code != "200" {
		return fmt.Errorf("stream: status %s", code)
	}
	return nil
}

// firstEvent reads the body, starting with what came with the head, until
// one whole event (a block with an id, event or data line) has arrived.
// Comments and blocks with only a retry field dispatch nothing, as in a
// browser.
func (s *stormConn) firstEvent(start []byte) error {
	// The body's unparsed bytes are kept at the front of buf.
	n := copy(s.buf, start)
	got := false
	for {
		// Parse whole lines.
		off := 0
		for {
			i := bytes.IndexByte(s.buf[off:n], '\n')
			if i < 0 {
				break
			}
			line := bytes.TrimSuffix(s.buf[off:off+i], []byte("\r"))
			off += i + 1
			switch {
			case len(line) == 0:
				if got {
					return nil
				}
			case line[0] == ':':
			case bytes.HasPrefix(line, []byte("id:")), bytes.HasPrefix(line, []byte("event:")),
				bytes.HasPrefix(line, []byte("data:")):
				got = true
			}
		}
		n = copy(s.buf, s.buf[off:n])
		if n == len(s.buf) {
			// A line longer than the buffer: only whether it is a field
			// matters, which its start has told; keep the last byte to
			// find its end.
			if bytes.HasPrefix(s.buf, []byte("id:")) || bytes.HasPrefix(s.buf, []byte("event:")) ||
				bytes.HasPrefix(s.buf, []byte("data:")) {
				got = true
			}
			s.buf[0] = 'x'
			n = 1
		}
		m, err := s.c.Read(s.buf[n:])
		n += m
		if err != nil && m == 0 {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return fmt.Errorf("stream ended before its first event: %w", err)
		}
	}
}

// drain reads the stream until it ends, as a tab keeps reading.
func (s *stormConn) drain() error {
	_ = s.c.SetDeadline(time.Time{})
	for {
		if _, err := s.c.Read(s.buf); err != nil {
			return err
		}
	}
}

func (s *stormConn) close() { s.c.Close() }
