package notify

import (
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// lookups runs a hook's database work (who a new message concerns) on a
// goroutine of its own, in the order the messages were posted, so the poster
// never waits on it. Like the deliveries it feeds, it is bounded: when full,
// a message's notifications are dropped and logged rather than stall the chat.
type lookups struct {
	name string
	log  *slog.Logger
	jobs chan func()
	done chan struct{}

	// mu guards closed against the close of jobs; add holds it only for a
	// non-blocking send.
	mu     sync.RWMutex
	closed bool

	dropped atomic.Uint64 // messages refused: queue full or closed
}

// lookupBacklog is how many posted messages may wait for their lookup.
const lookupBacklog = 1024

func newLookups(name string, log *slog.Logger) *lookups {
	l := &lookups{name: name, log: log, jobs: make(chan func(), lookupBacklog), done: make(chan struct{})}
	go l.run()
	return l
}

// add queues a job without blocking; it reports false, and logs, when the
// queue is full or closed.
func (l *lookups) add(job func()) bool {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if !l.closed {
		select {
		case l.jobs <- job:
			return true
		default:
		}
	}
	l.dropped.Add(1)
	l.log.Warn(l.name+" dropped: lookup queue full or closed", "waiting", len(l.jobs))
	return false
}

// flush returns once every job queued before it has run.
func (l *lookups) flush() {
	ran := make(chan struct{})
	l.mu.RLock()
	if l.closed {
		l.mu.RUnlock()
		<-l.done
		return
	}
	l.jobs <- func() { close(ran) }
	l.mu.RUnlock()
	<-ran
}

// close runs the jobs already queued, then stops. Safe to call more than once.
func (l *lookups) close() {
	l.mu.Lock()
	if !l.closed {
		l.closed = true
		close(l.jobs)
	}
	l.mu.Unlock()
	<-l.done
}

func (l *lookups) run() {
	defer close(l.done)
	for job := range l.jobs {
		l.do(job)
	}
}

func (l *lookups) do(job func()) {
	// A panic here would otherwise take the server down with this goroutine.
	defer func() {
		if r := recover(); r != nil {
			l.log.Error(l.name+" lookup panicked", "panic", r, "stack", string(debug.Stack()))
		}
	}()
	job()
}
