package live

import "sync"

// replayBacklog is how many live events may wait while a stream's replay is
// being read and written; past it the stream is dropped and reconnects.
const replayBacklog = 1024

// conn is one browser tab's stream. Events are queued on it and written by a
// goroutine that exists only while there is something to write, so an idle
// stream costs no goroutine beyond the one that notices its peer leaving.
type conn struct {
	id        uint64
	userID    int64
	roomID    int64
	sessionID int64
	// bot is set on a bot's stream, which follows several rooms.
	bot *botSub
	// addr is the client address the stream counts against ("" for none);
	// admitted is guarded by the hub's admitMu.
	addr     string
	admitted bool
	out      sink
	// hidden is guarded by the hub's lock, which counts who is present.
	hidden bool

	mu    sync.Mutex
	queue []frame
	// replaying holds the queue while the replay is written; live events
	// committed meanwhile wait behind it.
	replaying bool
	// replayedThrough is the newest durable id the replay wrote: a live
	// event at or below it was in the replay and is not sent twice.
	replayedThrough int64
	writing         bool
	closed          bool
	// done is closed when the stream ends.
	done chan struct{}
	// flush drains the queue and drops the stream if a write fails.
	flush func()
}

// sink is where a stream's bytes go: the hijacked TCP connection, or, where
// that is not possible (HTTP/2, tests with a recorder), the ResponseWriter.
type sink interface {
	// tryWrite writes what it can of b without waiting; 0 when it cannot
	// write at once or at all.
	tryWrite(b []byte) (int, error)
	write(frames []frame) error
	// wake has drain run, now or soon, outside the caller's goroutine.
	wake(drain func())
	// close unblocks any write and ends the connection.
	close()
}

// enqueue sends an event: written at once when the stream is idle and its
// socket has room, queued for a writer otherwise. It reports false when the
// stream is full or broken and must be dropped, and whether a writer must be
// started.
func (c *conn) enqueue(f frame, limit int) (ok bool, write bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || (f.id != 0 && f.id <= c.replayedThrough) {
		return true, false
	}
	if !c.writing && !c.replaying && len(c.queue) == 0 {
		n, err := c.out.tryWrite(f.b)
		if err != nil {
			return false, false
		}
		if n == len(f.b) {
			return true, false
		}
		f.b = f.b[n:]
	}
	if c.replaying {
		limit = replayBacklog
	}
	if len(c.queue) >= limit {
		return false, false
	}
	c.queue = append(c.queue, f)
	if c.writing || c.replaying {
		return true, false
	}
	c.writing = true
	return true, true
}

// take hands the writer everything queued, or ends its turn when there is
// nothing left.
func (c *conn) take(spare []frame) []frame {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.queue) == 0 || c.closed {
		c.writing = false
		return nil
	}
	q := c.queue
	c.queue = spare[:0]
	return q
}

// drain writes queued events until the queue is empty. It runs in its own
// goroutine, started by the event that found the stream idle.
func (c *conn) drain() error {
	var spare []frame
	for {
		q := c.take(spare)
		if q == nil {
			return nil
		}
		if err := c.out.write(q); err != nil {
			c.mu.Lock()
			c.writing = false
			c.mu.Unlock()
			return err
		}
		clear(q)
		spare = q
	}
}

// replayed ends the replay: live events it already covered are dropped, and
// the rest are handed to a writer. It reports whether one must be started.
func (c *conn) replayed(through int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.replaying = false
	c.replayedThrough = through
	kept := c.queue[:0]
	for _, f := range c.queue {
		if f.id == 0 || f.id > through {
			kept = append(kept, f)
		}
	}
	clear(c.queue[len(kept):])
	c.queue = kept
	if c.closed || len(c.queue) == 0 || c.writing {
		return false
	}
	c.writing = true
	return true
}

// markClosed reports whether this call closed the stream.
func (c *conn) markClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	c.closed = true
	c.queue = nil
	return true
}
