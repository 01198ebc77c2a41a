package live

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"time"
)

// Frame is one event written during replay.
type Frame struct {
	ID    int64
	Event string
	Data  []byte
	// wire is the frame as written, when Encoded made it already.
	wire []byte
}

// Encoded returns the frame with its wire form made once, for a frame that
// will be replayed to many streams (a cached replay).
func Encoded(f Frame) Frame {
	f.wire = encode(f.ID, f.Event, f.Data)
	return f
}

func (f Frame) bytes() []byte {
	if f.wire != nil {
		return f.wire
	}
	return encode(f.ID, f.Event, f.Data)
}

// Stream describes the stream a browser tab asks for.
type Stream struct {
	UserID int64
	RoomID int64
	// SessionID is the sign-in the stream was opened with, so the stream
	// ends when that sign-in does.
	SessionID int64
	// Addr is the client's IP address, for the per-address limit.
	Addr string
	// Replay writes, in order, what the tab missed. It runs once the stream is
	// registered, so anything committed later arrives live.
	Replay func(ctx context.Context, emit func(Frame) error) error
	// Bot, when set, makes this a bot's stream (bots.go); RoomID is unused.
	Bot *BotStream
}

// Serve runs the SSE stream until the client goes away, the hub closes, or the
// stream is dropped. The request must already be authorized.
//
// Over HTTP/1.1 the connection is taken over from net/http and Serve returns
// once the replay is written: the stream then lives on its socket alone. Where
// that is impossible (HTTP/2, a ResponseWriter that cannot hijack) Serve stays
// in the handler and writes through the ResponseWriter until the stream ends.
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request, st Stream) {
	select {
	case <-h.stop:
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	default:
	}
	c := &conn{id: h.seq.Add(1), userID: st.UserID, roomID: st.RoomID, sessionID: st.SessionID,
		addr: addressKey(st.Addr), replaying: true, done: make(chan struct{})}
	if !h.admit(c) {
		h.log.Debug("stream refused: over its limit", "user_id", st.UserID, "addr", st.Addr)
		refuse(w)
		return
	}
	if st.Bot != nil {
		c.bot = &botSub{base: st.Bot.Base, rooms: make(map[int64]struct{}, len(st.Bot.Rooms))}
		for _, id := range st.Bot.Rooms {
			c.bot.rooms[id] = struct{}{}
		}
	}
	c.flush = func() {
		if err := c.drain(); err != nil {
			h.evict(c, "write: "+err.Error())
		}
	}
	if r.ProtoAtLeast(1, 1) && r.ProtoMajor == 1 {
		head := responseHead(w.Header())
		if nc, _, err := http.NewResponseController(w).Hijack(); err == nil {
			h.serveConn(r.Context(), c, newNetSink(nc, h.writeTimeout), head, st)
			return
		}
	}
	h.serveWriter(w, r, c, st)
}

// serveConn writes the response head and the replay to a hijacked connection,
// then leaves the stream to its socket and a goroutine watching the peer.
func (h *Hub) serveConn(ctx context.Context, c *conn, s *netSink, head []byte, st Stream) {
	// The server's read and write timeouts were set for the request; a stream
	// outlives them, and bounds each write itself.
	_ = s.nc.SetDeadline(time.Time{})
	c.out = s
	if !h.add(c) {
		return
	}
	// The request's context ends when the handler returns; the stream does not.
	ctx = context.WithoutCancel(ctx)
	// The head and the replayed frames (shared with other streams when the
	// replay was cached) go out in one writev, without being copied together.
	frames := []frame{{b: head}, {b: retryField()}}
	through, err := h.replay(ctx, st, func(f Frame) { frames = append(frames, frame{b: f.bytes()}) })
	truncated := errors.Is(err, ErrReplayTruncated)
	if err != nil && !truncated {
		h.log.Warn("stream replay", "conn", c.id, "error", err)
		h.end(c)
		return
	}
	if err := s.write(frames); err != nil || truncated {
		h.end(c) // the peer left or stopped reading already, or reconnects for more
		return
	}
	if c.replayed(through) {
		s.wake(c.flush)
	}
	go h.watch(c, s)
}

// watch waits for the peer to close the connection. Browsers send nothing on
// a stream after the request; whatever a client sends is read and dropped,
// and the stream ends when a read fails (the peer closed or reset it).
func (h *Hub) watch(c *conn, s *netSink) {
	var b [1]byte
	for {
		if _, err := s.nc.Read(b[:]); err != nil {
			h.end(c)
			return
		}
	}
}

// serveWriter runs the stream in the handler, through the ResponseWriter.
func (h *Hub) serveWriter(w http.ResponseWriter, r *http.Request, c *conn, st Stream) {
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	rc := http.NewResponseController(w)
	s := &writerSink{w: w, rc: rc, cancel: cancel, timeout: h.writeTimeout, wakeup: make(chan struct{}, 1)}
	defer s.finish() // after end below, which may close s from here
	c.out = s
	if !h.add(c) {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	defer h.end(c)

	setStreamHeaders(w.Header())
	w.WriteHeader(http.StatusOK)
	frames := []frame{{b: retryField()}}
	through, err := h.replay(ctx, st, func(f Frame) { frames = append(frames, frame{b: f.bytes()}) })
	truncated := errors.Is(err, ErrReplayTruncated)
	if err != nil && !truncated {
		if ctx.Err() == nil {
			h.log.Warn("stream replay", "conn", c.id, "error", err)
		}
		return
	}
	if err := s.write(frames); err != nil || truncated {
		return // the peer left or stopped reading already, or reconnects for more
	}
	if c.replayed(through) {
		s.wake(c.flush)
	}
	for {
		select {
		case <-s.wakeup:
			c.flush()
		case <-c.done:
			return
		case <-ctx.Done():
			return
		}
	}
}

// replay runs the stream's replay and returns the newest durable id it wrote.
func (h *Hub) replay(ctx context.Context, st Stream, emit func(Frame)) (int64, error) {
	var through int64
	if st.Replay == nil {
		return 0, nil
	}
	n := 0
	err := st.Replay(ctx, func(f Frame) error {
		// Every event of a bot's stream is durable.
		if f.Event == EventMessage || st.Bot != nil {
			through = max(through, f.ID)
		}
		n++
		emit(f)
		return nil
	})
	if (err == nil || errors.Is(err, ErrReplayTruncated)) && h.onReplay != nil {
		h.onReplay(n)
	}
	return through, err
}

func setStreamHeaders(hd http.Header) {
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-cache")
	// nginx buffers proxied responses unless told not to.
	hd.Set("X-Accel-Buffering", "no")
	hd.Del("Content-Length")
}

// responseHead is the status line and headers of a hijacked stream. The body
// runs until the connection closes, which HTTP/1.1 allows without chunking.
//
// It is written straight into one slice of the right size: in a storm of
// reconnects, cloning the header map and writing it sorted through a buffer
// was 4% of the server's work. Order of fields does not matter in HTTP.
func responseHead(hd http.Header) []byte {
	date := httpDate()
	n := len(streamHead) + len(date)
	for k, vs := range hd {
		if !streamOwnsHeader(k) {
			for _, v := range vs {
				n += len(k) + len(v) + 4
			}
		}
	}
	b := make([]byte, 0, n+len("Date: \r\n\r\n"))
	b = append(b, streamHead...)
	for k, vs := range hd {
		if streamOwnsHeader(k) {
			continue
		}
		for _, v := range vs {
			b = append(b, k...)
			b = append(b, ": "...)
			b = appendHeaderValue(b, v)
			b = append(b, "\r\n"...)
		}
	}
	b = append(b, "Date: "...)
	b = append(b, date...)
	return append(b, "\r\n\r\n"...)
}

// streamHead is the status line and the fields every stream sets itself.
const streamHead = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n" +
	"X-Accel-Buffering: no\r\nConnection: close\r\n"

// streamOwnsHeader reports whether the stream sets the field itself (or,
// for Content-Length, leaves it out), whatever the handlers before it set.
func streamOwnsHeader(k string) bool {
	switch k {
	case "Content-Type", "Cache-Control", "X-Accel-Buffering", "Connection", "Date", "Content-Length":
		return true
	}
	return false
}

// appendHeaderValue appends a field's value with any line break made a
// space, as http.Header.Write does, so no value can add a field.
func appendHeaderValue(b []byte, v string) []byte {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == '\r' || c == '\n' {
			b = append(b, ' ')
		} else {
			b = append(b, c)
		}
	}
	return b
}

// httpDate is the current time in HTTP's format, made once a second.
func httpDate() string {
	now := time.Now().Unix()
	if d := lastDate.Load(); d != nil && d.unix == now {
		return d.s
	}
	d := &dateString{unix: now, s: time.Unix(now, 0).UTC().Format(http.TimeFormat)}
	lastDate.Store(d)
	return d.s
}

type dateString struct {
	unix int64
	s    string
}

var lastDate atomic.Pointer[dateString]
