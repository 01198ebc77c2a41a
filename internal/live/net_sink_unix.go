//go:build unix

package live

import "syscall"

// tryWrite makes one non-blocking write. Most events find the socket's
// buffer with room: they are written by the publisher there and then, with
// no goroutine, timer or wakeup; only what does not fit waits for a writer.
// The stream's lock is held (conn.enqueue), so the sink's fields carry the
// write's bytes and result: a closure over locals would be allocated for
// every delivery.
func (s *netSink) tryWrite(b []byte) (int, error) {
	if s.raw == nil {
		return 0, nil
	}
	if s.rawWrite == nil {
		s.rawWrite = s.writeNow
	}
	s.pending = b
	err := s.raw.Write(s.rawWrite)
	n, werr := s.wrote, s.werr
	s.pending, s.werr = nil, nil
	switch {
	case err != nil:
		return 0, err
	case werr == syscall.EAGAIN || werr == syscall.EINTR:
		return 0, nil
	case werr != nil:
		return 0, werr
	}
	return n, nil
}

// writeNow is tryWrite's one write(2); it never waits: a full buffer is the
// writer's business.
func (s *netSink) writeNow(fd uintptr) bool {
	s.wrote, s.werr = syscall.Write(int(fd), s.pending)
	return true
}
