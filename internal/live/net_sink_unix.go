//go:build unix

package live

import "syscall"

// tryWrite makes one non-blocking write. Most events find the socket's
// buffer with room: they are written by the publisher there and then, with
// no goroutine, timer or wakeup; only what does not fit waits for a writer.
func (s *netSink) tryWrite(b []byte) (int, error) {
	if s.raw == nil {
		return 0, nil
	}
	var n int
	var werr error
	err := s.raw.Write(func(fd uintptr) bool {
		n, werr = syscall.Write(int(fd), b)
		return true // never wait: a full buffer is the writer's business
	})
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
