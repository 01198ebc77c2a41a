package push

import (
	"context"
	"errors"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// sendTimeout bounds one delivery so a hung push service can't pin a worker
// (or Close) for longer than this.
const sendTimeout = 30 * time.Second

// Stats counts what a Queue did with each subscription handed to Enqueue.
type Stats struct {
	Enqueued uint64 // accepted onto the queue
	Dropped  uint64 // refused because the queue was full or closed
	Sent     uint64 // push service accepted it
	Gone     uint64 // subscription dead (onGone called)
	Failed   uint64 // any other error
	Queued   int    // waiting for a worker now
}

// Queue sends notifications in the background so that posting a message
// never waits on push services. Each subscription is its own job, so one slow
// endpoint delays only the worker it landed on.
type Queue struct {
	sender *Sender
	jobs   chan job
	wg     sync.WaitGroup

	// mu guards closed against the close of jobs; Enqueue only holds it for
	// a non-blocking send, so Close never waits behind a caller.
	mu     sync.RWMutex
	closed bool

	enqueued, dropped, sent, gone, failed atomic.Uint64
}

type job struct {
	sub   Subscription
	msg   []byte // shared by every job of one Enqueue call; read-only
	topic string
}

// NewQueue starts workers goroutines draining a queue of size jobs.
func NewQueue(sender *Sender, workers, size int) *Queue {
	workers = max(workers, 1)
	size = max(size, 0)
	q := &Queue{sender: sender, jobs: make(chan job, size)}
	q.wg.Add(workers)
	for range workers {
		go q.work()
	}
	return q
}

// Enqueue schedules p for every subscription without blocking. It returns
// false if any of them was dropped because the queue was full or closed, or
// if p cannot be encoded; drops are logged and counted, never retried:
// a missed notification is cheaper than a stalled chat.
func (q *Queue) Enqueue(subs []Subscription, p Payload) bool {
	if len(subs) == 0 {
		return true
	}
	msg, err := p.encode()
	if err != nil {
		q.sender.logger.Error("push payload not sent", "err", err)
		q.dropped.Add(uint64(len(subs)))
		return false
	}

	q.mu.RLock()
	defer q.mu.RUnlock()
	dropped := 0
	for _, sub := range subs {
		if q.closed {
			dropped++
			continue
		}
		select {
		case q.jobs <- job{sub: sub, msg: msg, topic: p.Topic}:
			q.enqueued.Add(1)
		default:
			dropped++
		}
	}
	if dropped > 0 {
		q.dropped.Add(uint64(dropped))
		q.sender.logger.Warn("push queue full, notifications dropped", "dropped", dropped, "of", len(subs))
		return false
	}
	return true
}

// Close stops accepting jobs, delivers those already queued, and returns once
// every worker has finished. It is safe to call more than once.
func (q *Queue) Close() {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		close(q.jobs)
	}
	q.mu.Unlock()
	q.wg.Wait()
}

// Stats returns a snapshot of the counters.
func (q *Queue) Stats() Stats {
	return Stats{
		Enqueued: q.enqueued.Load(),
		Dropped:  q.dropped.Load(),
		Sent:     q.sent.Load(),
		Gone:     q.gone.Load(),
		Failed:   q.failed.Load(),
		Queued:   len(q.jobs),
	}
}

func (q *Queue) work() {
	defer q.wg.Done()
	for j := range q.jobs {
		q.deliver(j)
	}
}

func (q *Queue) deliver(j job) {
	// onGone is the app's code; a panic in it must not take the server down
	// with this background goroutine.
	defer func() {
		if r := recover(); r != nil {
			q.failed.Add(1)
			q.sender.logger.Error("push delivery panicked", "subscription", j.sub.ID,
				"panic", r, "stack", string(debug.Stack()))
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), sendTimeout)
	defer cancel()
	err := q.sender.send(ctx, j.sub, j.msg, j.topic)
	switch {
	case err == nil:
		q.sent.Add(1)
	case errors.Is(err, ErrGone):
		q.gone.Add(1)
	default:
		q.failed.Add(1)
		q.sender.logger.Warn("push failed", "subscription", j.sub.ID, "err", err)
	}
}
