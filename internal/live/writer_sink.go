package live

import (
	"context"
	"net/http"
	"time"
)

// writerSink writes through the ResponseWriter, for requests whose connection
// cannot be taken over. The handler's goroutine stays with the stream, as
// net/http requires, and does the writing when woken.
type writerSink struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	cancel  context.CancelFunc
	timeout time.Duration
	wakeup  chan struct{}
}

// tryWrite never writes: only the handler's goroutine may use the writer.
func (s *writerSink) tryWrite([]byte) (int, error) { return 0, nil }

func (s *writerSink) write(frames []frame) error {
	_ = s.rc.SetWriteDeadline(time.Now().Add(s.timeout))
	for _, f := range frames {
		if _, err := s.w.Write(f.b); err != nil {
			return err
		}
	}
	return s.rc.Flush()
}

func (s *writerSink) wake(func()) {
	select {
	case s.wakeup <- struct{}{}:
	default: // already woken; the drain takes everything queued
	}
}

func (s *writerSink) close() {
	s.cancel()
	// Cuts short a write to a peer that stopped reading.
	_ = s.rc.SetWriteDeadline(time.Now())
}
