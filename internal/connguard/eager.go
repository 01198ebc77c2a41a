package connguard

import (
	"sync"
	"sync/atomic"
	"time"
)

// An eager listener takes connections off the kernel's accept queue as soon
// as they come, into memory, so that the queue never overflows: a connect
// that finds it full is retried by the client's kernel only after a second.
// When thousands of browsers reconnect at once (a restart), net/http's
// accepting goroutine waits its turn behind the handlers of the connections
// it already accepted, and the queue (net.core.somaxconn, often 4096) filled
// in a quarter of a 10,000-stream storm (docs/BENCHMARKS.md).
//
// So one goroutine does nothing but accept, and Accept hands a connection to
// net/http only while fewer than eagerFresh of those it handed on have yet to
// get as far as a request, keeping the handlers runnable at once few enough
// for the accepting goroutine to run often. A client that connects and sends
// nothing must not stall accepting: Accept waits at most eagerWait, and then
// stops counting the connections that held it (a new generation).
const (
	eagerFresh = 64
	eagerWait  = 20 * time.Millisecond
	eagerQueue = 1 << 15
)

type eagerState struct {
	start  sync.Once
	queue  chan *Conn
	failed chan struct{} // closed when accepting has ended; err says why
	err    error
	closed chan struct{}
	close  sync.Once

	fresh atomic.Int64
	gen   atomic.Uint64
	freed chan struct{}
}

func (l *Listener) startEager() {
	e := &l.eager
	e.start.Do(func() {
		e.queue = make(chan *Conn, eagerQueue)
		e.failed = make(chan struct{})
		e.closed = make(chan struct{})
		e.freed = make(chan struct{}, 1)
		go l.acceptLoop()
	})
}

// acceptLoop accepts until the listener fails or closes. Each connection
// is counted against the limits as it is accepted, so those waiting here
// hold no more descriptors than the limits allow, and one over a limit is
// closed at once. A temporary failure is retried after a pause, as net/http's
// own loop does.
func (l *Listener) acceptLoop() {
	e := &l.eager
	var delay time.Duration
	for {
		nc, err := l.acceptLimited()
		if err == nil && nc == nil {
			continue
		}
		if err != nil {
			if t, ok := err.(interface{ Temporary() bool }); ok && t.Temporary() {
				delay = min(max(2*delay, firstBackoff), maxBackoff)
				l.opt.sleep(delay)
				continue
			}
			e.err = err
			close(e.failed)
			return
		}
		delay = 0
		select {
		case e.queue <- nc:
			// Close may have emptied the queue just before.
			select {
			case <-e.closed:
				l.dropQueued()
			default:
			}
		case <-e.closed:
			_ = nc.Close()
		}
	}
}

// dropQueued closes the connections accepted but not handed on.
func (l *Listener) dropQueued() {
	for {
		select {
		case nc := <-l.eager.queue:
			_ = nc.Close()
		default:
			return
		}
	}
}

// eagerNext is the next accepted connection, once few handed on are fresh.
func (l *Listener) eagerNext() (*Conn, error) {
	l.startEager()
	e := &l.eager
	if e.fresh.Load() >= eagerFresh {
		t := time.NewTimer(eagerWait)
	wait:
		for e.fresh.Load() >= eagerFresh {
			select {
			case <-e.freed:
			case <-t.C:
				// Whatever holds them has stopped counting.
				e.gen.Add(1)
				e.fresh.Store(0)
				break wait
			}
		}
		t.Stop()
	}
	select {
	case nc := <-e.queue:
		return nc, nil
	case <-e.failed:
		// What was accepted before the failure is served first.
		select {
		case nc := <-e.queue:
			return nc, nil
		default:
			return nil, e.err
		}
	}
}

// markFresh counts a connection handed on that has sent no request yet.
func (l *Listener) markFresh(c *Conn) {
	c.gen = l.eager.gen.Load()
	c.fresh.Store(true)
	l.eager.fresh.Add(1)
}

// unfresh stops counting a connection: its request came, or it closed.
func (l *Listener) unfresh(c *Conn) {
	e := &l.eager
	if c.fresh.CompareAndSwap(true, false) && c.gen == e.gen.Load() {
		e.fresh.Add(-1)
		select {
		case e.freed <- struct{}{}:
		default:
		}
	}
}

// Close stops accepting and closes the connections accepted but not yet
// handed on.
func (l *Listener) Close() error {
	err := l.Listener.Close()
	if l.opt.Eager {
		l.startEager()
		e := &l.eager
		e.close.Do(func() { close(e.closed) })
		l.dropQueued()
	}
	return err
}
