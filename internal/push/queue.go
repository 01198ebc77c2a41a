package push

import (
	"context"
	"errors"
	"net/url"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// sendTimeout bounds one delivery. Push services answer in well under a
// second; a service that takes longer is treated as down rather than allowed
// to hold a worker.
const sendTimeout = 10 * time.Second

// Stats counts what a Queue did with each subscription handed to Enqueue.
type Stats struct {
	Enqueued uint64 // accepted onto the queue
	Dropped  uint64 // pushed out by newer ones of the same person, or refused (closed, unencodable)
	Sent     uint64 // push service accepted it
	Gone     uint64 // subscription dead (onGone called)
	Failed   uint64 // any other error
	Queued   int    // waiting for a worker now
}

// Queue sends notifications in the background so that posting a message
// never waits on push services, and schedules them fairly: each person has
// their own queue, taken in turn, and at most a few sends are in flight for
// one person or to one push host. A person whose subscriptions all point at a
// service that never answers, or a slow host, delays only themselves.
type Queue struct {
	sender  *Sender
	size    int // pending notifications per person
	perUser int // sends in flight per person
	perHost int // sends in flight per push host

	mu      sync.Mutex
	wake    *sync.Cond
	closed  bool
	users   map[int64]*userQueue
	order   []int64 // people with pending notifications, served in turn
	next    int
	hosts   map[string]int // sends in flight per host
	pending int
	wg      sync.WaitGroup

	enqueued, dropped, sent, gone, failed atomic.Uint64
}

type userQueue struct {
	jobs     []job
	inflight int
}

type job struct {
	sub   Subscription
	host  string
	msg   []byte // shared by every job of one Enqueue call; read-only
	topic string
}

// NewQueue starts workers goroutines. Each person may have size
// notifications waiting (their oldest is dropped past that); a quarter of the
// workers (at least one) may serve one person, or one push host, at once.
func NewQueue(sender *Sender, workers, size int) *Queue {
	workers = max(workers, 1)
	share := max(workers/4, 1)
	q := &Queue{sender: sender, size: max(size, 1), perUser: share, perHost: share,
		users: map[int64]*userQueue{}, hosts: map[string]int{}}
	q.wake = sync.NewCond(&q.mu)
	q.wg.Add(workers)
	for range workers {
		go q.work()
	}
	return q
}

// Enqueue schedules p for every subscription without blocking. It returns
// false if anything was dropped: p cannot be encoded, the queue is closed, or
// a person's queue was full and their oldest waiting notifications made room.
// Drops are logged and counted, never retried: a missed notification is
// cheaper than a stalled chat.
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

	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		q.dropped.Add(uint64(len(subs)))
		return false
	}
	dropped := 0
	for _, sub := range subs {
		u := q.users[sub.UserID]
		if u == nil {
			u = &userQueue{}
			q.users[sub.UserID] = u
		}
		if len(u.jobs) == 0 {
			q.order = append(q.order, sub.UserID)
		}
		if len(u.jobs) >= q.size {
			u.jobs[0] = job{}
			u.jobs = u.jobs[1:]
			q.pending--
			dropped++
		}
		u.jobs = append(u.jobs, job{sub: sub, host: hostOf(sub.Endpoint), msg: msg, topic: p.Topic})
		q.pending++
		q.enqueued.Add(1)
	}
	q.wake.Broadcast()
	if dropped > 0 {
		q.dropped.Add(uint64(dropped))
		q.sender.logger.Warn("push queue full for a person, their oldest notifications dropped", "dropped", dropped)
		return false
	}
	return true
}

func hostOf(endpoint string) string {
	if u, err := url.Parse(endpoint); err == nil {
		return u.Host
	}
	return ""
}

// Close stops accepting jobs, delivers those already queued, and returns once
// every worker has finished. It is safe to call more than once.
func (q *Queue) Close() {
	q.mu.Lock()
	q.closed = true
	q.wake.Broadcast()
	q.mu.Unlock()
	q.wg.Wait()
}

// Stats returns a snapshot of the counters.
func (q *Queue) Stats() Stats {
	q.mu.Lock()
	queued := q.pending
	q.mu.Unlock()
	return Stats{
		Enqueued: q.enqueued.Load(),
		Dropped:  q.dropped.Load(),
		Sent:     q.sent.Load(),
		Gone:     q.gone.Load(),
		Failed:   q.failed.Load(),
		Queued:   queued,
	}
}

func (q *Queue) work() {
	defer q.wg.Done()
	q.mu.Lock()
	defer q.mu.Unlock()
	for {
		j, ok := q.take()
		if !ok {
			if q.closed && q.pending == 0 {
				return
			}
			q.wake.Wait()
			continue
		}
		q.mu.Unlock()
		q.deliver(j)
		q.mu.Lock()
		q.users[j.sub.UserID].inflight--
		q.forget(j.sub.UserID)
		if q.hosts[j.host]--; q.hosts[j.host] <= 0 {
			delete(q.hosts, j.host)
		}
		q.wake.Broadcast()
	}
}

// take picks the next job, with q.mu held: the first person in turn who has
// a send to spare and whose next notification's host has one too.
func (q *Queue) take() (job, bool) {
	for i := range len(q.order) {
		k := (q.next + i) % len(q.order)
		uid := q.order[k]
		u := q.users[uid]
		if u.inflight >= q.perUser || q.hosts[u.jobs[0].host] >= q.perHost {
			continue
		}
		j := u.jobs[0]
		u.jobs[0] = job{}
		u.jobs = u.jobs[1:]
		u.inflight++
		q.hosts[j.host]++
		q.pending--
		if len(u.jobs) == 0 {
			q.order = append(q.order[:k], q.order[k+1:]...)
			q.next = k
		} else {
			q.next = k + 1
		}
		if len(q.order) > 0 {
			q.next %= len(q.order)
		} else {
			q.next = 0
		}
		return j, true
	}
	return job{}, false
}

// forget drops a person's entry once nothing of theirs waits or runs.
func (q *Queue) forget(uid int64) {
	if u := q.users[uid]; u != nil && u.inflight == 0 && len(u.jobs) == 0 {
		delete(q.users, uid)
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
