package live

import (
	"net"
	"syscall"
	"time"
)

// netSink writes to a connection taken over from net/http.
type netSink struct {
	nc net.Conn
	// w is the connection written to: nc itself, or the socket under a
	// wrapper that counts connections (internal/connguard), so that writes
	// keep writev and direct non-blocking writes. Closing goes through nc.
	w       net.Conn
	raw     syscall.RawConn // nil when the connection has no file descriptor
	timeout time.Duration
	bufs    net.Buffers

	// tryWrite's write and its outcome (net_sink_unix.go), under the
	// stream's lock.
	rawWrite func(fd uintptr) bool
	pending  []byte
	wrote    int
	werr     error
}

func newNetSink(nc net.Conn, timeout time.Duration) *netSink {
	s := &netSink{nc: nc, w: nc, timeout: timeout}
	// Only the counter's own method: *tls.Conn has NetConn too, and writing
	// under it would bypass TLS.
	if u, ok := nc.(interface{ CountedSocket() net.Conn }); ok {
		s.w = u.CountedSocket()
	}
	if sc, ok := s.w.(syscall.Conn); ok {
		s.raw, _ = sc.SyscallConn()
	}
	return s
}

func (s *netSink) write(frames []frame) error {
	s.bufs = s.bufs[:0]
	for _, f := range frames {
		s.bufs = append(s.bufs, f.b)
	}
	_ = s.w.SetWriteDeadline(time.Now().Add(s.timeout))
	// WriteTo consumes the slice it is given; keep ours for reuse.
	bufs := s.bufs
	_, err := bufs.WriteTo(s.w)
	clear(s.bufs)
	if err == nil {
		// A deadline left armed would fail the next direct write once it
		// passed, however ready the socket.
		err = s.w.SetWriteDeadline(time.Time{})
	}
	return err
}

func (s *netSink) wake(drain func()) { go drain() }

func (s *netSink) close() { _ = s.nc.Close() }
