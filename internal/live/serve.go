package live

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// writeDeadline bounds one write to a stream, so a client that stopped reading
// is found out and dropped instead of holding its goroutines forever.
const writeDeadline = 15 * time.Second

// Frame is one event written during replay.
type Frame struct {
	ID    int64
	Event string
	Data  []byte
}

// Stream describes the stream a browser tab asks for.
type Stream struct {
	UserID int64
	RoomID int64
	// Replay writes, in order, what the tab missed. It runs once the stream is
	// registered, so anything committed later arrives live.
	Replay func(ctx context.Context, emit func(Frame) error) error
}

// Serve runs the SSE stream until the client goes away, the hub closes, or the
// stream is dropped. The request must already be authorized.
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request, st Stream) {
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	c := &conn{id: h.nextConnID(), userID: st.UserID, roomID: st.RoomID, cancel: cancel}

	select {
	case <-h.stop:
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	default:
	}

	// No server-wide write timeout applies to a stream; each write sets its own.
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{})
	// Deadlines live on the connection, which may be touched from any goroutine.
	c.abort = func() { _ = rc.SetWriteDeadline(time.Now()) }

	h.sse.CreateStream(c.id)
	h.add(c)
	defer h.remove(c)

	q := r.URL.Query()
	q.Set("stream", c.id)
	r = r.WithContext(ctx)
	r.URL.RawQuery = q.Encode()
	// The library refuses non-numeric ids with 400; the cursor was read already.
	r.Header.Del("Last-Event-ID")

	sw := &streamWriter{ResponseWriter: w, rc: rc, hub: h, conn: c}
	sw.replay = func() {
		err := st.Replay(ctx, func(f Frame) error { return writeFrame(sw, f) })
		if err != nil && ctx.Err() == nil {
			h.log.Warn("stream replay", "conn", c.id, "error", err)
			cancel()
		}
	}
	h.sse.ServeHTTP(sw, r)
}

// streamWriter hooks the replay between the library registering the
// subscriber and it draining live events, and bounds every write.
type streamWriter struct {
	http.ResponseWriter
	rc       *http.ResponseController
	hub      *Hub
	conn     *conn
	replay   func()
	replayed bool
}

func (w *streamWriter) WriteHeader(code int) {
	w.ResponseWriter.WriteHeader(code)
	if code == http.StatusOK && !w.replayed {
		w.replayed = true
		w.replay()
	}
}

func (w *streamWriter) Write(b []byte) (int, error) {
	_ = w.rc.SetWriteDeadline(time.Now().Add(writeDeadline))
	// Checked after the deadline is set: an eviction racing with this write
	// either is seen here or its abort lands after, and cuts the write short.
	if w.conn.evicted.Load() {
		return 0, errEvicted
	}
	n, err := w.ResponseWriter.Write(b)
	if err != nil {
		w.hub.evict(w.conn)
	}
	return n, err
}

func (w *streamWriter) Flush() {
	if err := w.rc.Flush(); err != nil {
		w.hub.evict(w.conn)
	}
}

func (w *streamWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

var errEvicted = errors.New("live: stream evicted")

func writeFrame(w io.Writer, f Frame) error {
	var b bytes.Buffer
	b.WriteString("id: ")
	b.WriteString(strconv.FormatInt(f.ID, 10))
	b.WriteString("\nevent: ")
	b.WriteString(f.Event)
	b.WriteByte('\n')
	for _, line := range bytes.Split(clean(f.Data), []byte("\n")) {
		b.WriteString("data: ")
		b.Write(line)
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("live: write frame: %w", err)
	}
	return nil
}
