package live

import (
	"context"
	"net/http"
	"sync"
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

	// mu keeps close from using the writer once its handler has returned
	// (finished): net/http's HTTP/2 server tears the stream down then, and a
	// deadline set at the same moment is a data race (seen as one under
	// -race when the hub closed while the server shut down).
	mu       sync.Mutex
	finished bool
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
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.finished {
		// Cuts short a write to a peer that stopped reading.
		_ = s.rc.SetWriteDeadline(time.Now())
	}
}

// finish is the handler's last word: after it, nobody touches the writer.
func (s *writerSink) finish() {
	s.mu.Lock()
	s.finished = true
	s.mu.Unlock()
}
