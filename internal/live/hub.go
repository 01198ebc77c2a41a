// Package live delivers changes to browsers over Server-Sent Events: one stream
// per tab, fed in commit order, replayed from the database after a disconnect.
//
// Each event is encoded once and queued on every stream it goes to; a stream
// has a writer goroutine only while its queue is not empty. Streams over
// HTTP/1.1 are taken over from net/http once their headers are written, so an
// idle stream holds a socket, a few hundred bytes of state and one small
// goroutine waiting for its peer to leave (docs/BENCHMARKS.md has the costs).
package live

import (
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// SSE event names, the stable hooks of SPEC §10.
const (
	EventMessage  = "message"
	EventSidebar  = "sidebar"
	EventTyping   = "typing"
	EventPresence = "presence"
	EventReload   = "reload"
)

// Hub knows every open stream, by room and by user.
type Hub struct {
	log          *slog.Logger
	buffer       int
	writeTimeout time.Duration

	mu     sync.RWMutex
	all    map[*conn]struct{}
	byRoom map[int64]*room
	byUser map[int64]map[*conn]struct{}
	// Bots' streams, by the rooms they follow and by bot (bots.go). They
	// are not in byRoom or byUser: a bot is never present in a room, and
	// gets no room-list or typing events.
	botsByRoom map[int64]map[*conn]struct{}
	bots       map[int64]map[*conn]struct{}

	seq atomic.Uint64
	// lastID is the newest durable event id published. Ephemeral events carry
	// it as their id: an event without one would reset the browser's cursor,
	// and every durable event up to it was already queued on each stream.
	lastID atomic.Int64

	// delivered counts events sent to streams, replays apart.
	delivered atomic.Uint64
	onReplay  func(frames int)

	// Told of the room and user whose presence changed (first arrival, last
	// departure); set by OnPresence.
	onPresence atomic.Pointer[func(roomID, userID int64, present bool)]

	limits      Limits
	admitMu     sync.Mutex
	admitted    int
	userStreams map[int64]int
	addrStreams map[string]int

	revokers revokers // revoke.go

	stop chan struct{}
	wg   sync.WaitGroup
}

// room is the streams open on one room, and how many of each user's are
// visible: the user is present while that count is above zero.
type room struct {
	conns   map[*conn]struct{}
	visible map[int64]int
}

// Options tune a Hub.
type Options struct {
	// Heartbeat is how often every stream gets a comment, so proxies keep it open.
	Heartbeat time.Duration
	// Buffer is how many events may wait for one stream before it is dropped.
	Buffer int
	// WriteTimeout bounds one write to a stream, so a client that stopped
	// reading is found out and dropped instead of holding its buffers.
	WriteTimeout time.Duration
	// LastEventID is the newest event id in the database at start.
	LastEventID int64
	// OnReplay, when set, is told how many events each new stream was
	// replayed (metrics).
	OnReplay func(frames int)
	// Limits bound streams per person, per address and in all.
	Limits Limits
}

// New starts a hub.
func New(log *slog.Logger, opt Options) *Hub {
	if opt.Heartbeat <= 0 {
		opt.Heartbeat = 20 * time.Second
	}
	if opt.Buffer <= 0 {
		opt.Buffer = 32
	}
	if opt.WriteTimeout <= 0 {
		opt.WriteTimeout = 15 * time.Second
	}
	h := &Hub{
		log:          log,
		buffer:       opt.Buffer,
		writeTimeout: opt.WriteTimeout,
		all:          map[*conn]struct{}{},
		byRoom:       map[int64]*room{},
		byUser:       map[int64]map[*conn]struct{}{},
		botsByRoom:   map[int64]map[*conn]struct{}{},
		bots:         map[int64]map[*conn]struct{}{},
		onReplay:     opt.OnReplay,
		limits:       opt.Limits,
		userStreams:  map[int64]int{},
		addrStreams:  map[string]int{},
		stop:         make(chan struct{}),
	}
	h.lastID.Store(opt.LastEventID)
	h.wg.Add(1)
	go h.heartbeat(opt.Heartbeat)
	return h
}

// Close ends every stream; browsers reconnect and replay once the server is back.
func (h *Hub) Close() {
	select {
	case <-h.stop:
		return
	default:
		close(h.stop)
	}
	h.wg.Wait()
	for _, c := range h.allConns() {
		h.end(c)
	}
}

// LastEventID is the newest durable event id published.
func (h *Hub) LastEventID() int64 { return h.lastID.Load() }

// Streams is how many streams are open now.
func (h *Hub) Streams() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.all)
}

// Delivered is how many events have been sent to streams, replays apart.
func (h *Hub) Delivered() uint64 { return h.delivered.Load() }

func (h *Hub) heartbeat(every time.Duration) {
	defer h.wg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-h.stop:
			return
		case <-t.C:
			h.sendAll(h.allConns(), heartbeat)
		}
	}
}

// allConns copies the set of streams, to be written to outside the lock.
func (h *Hub) allConns() []*conn {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return setSlice(h.all, 0)
}

// setSlice copies a set of streams, leaving out those of one user (0: none).
func setSlice(set map[*conn]struct{}, exceptUserID int64) []*conn {
	out := make([]*conn, 0, len(set))
	for c := range set {
		if exceptUserID == 0 || c.userID != exceptUserID {
			out = append(out, c)
		}
	}
	return out
}

// add registers a stream, or closes it and reports false if the hub is closing.
func (h *Hub) add(c *conn) bool {
	h.mu.Lock()
	select {
	case <-h.stop:
		h.mu.Unlock()
		h.release(c)
		c.markClosed()
		c.out.close()
		close(c.done)
		return false
	default:
	}
	h.all[c] = struct{}{}
	if c.bot != nil {
		h.addBot(c)
		h.mu.Unlock()
		return true
	}
	rm := h.byRoom[c.roomID]
	if rm == nil {
		rm = &room{conns: map[*conn]struct{}{}, visible: map[int64]int{}}
		h.byRoom[c.roomID] = rm
	}
	rm.conns[c] = struct{}{}
	rm.visible[c.userID]++
	arrived := rm.visible[c.userID] == 1
	set := h.byUser[c.userID]
	if set == nil {
		set = map[*conn]struct{}{}
		h.byUser[c.userID] = set
	}
	set[c] = struct{}{}
	h.mu.Unlock()
	if arrived {
		h.presenceChanged(c.roomID, c.userID, true)
	}
	return true
}

func (h *Hub) remove(c *conn) {
	h.mu.Lock()
	if _, ok := h.all[c]; !ok {
		h.mu.Unlock()
		return
	}
	delete(h.all, c)
	h.release(c)
	if c.bot != nil {
		h.removeBot(c)
		h.mu.Unlock()
		return
	}
	left := false
	if rm := h.byRoom[c.roomID]; rm != nil {
		delete(rm.conns, c)
		if !c.hidden {
			left = rm.setVisible(c.userID, -1)
		}
		if len(rm.conns) == 0 {
			delete(h.byRoom, c.roomID)
		}
	}
	if set := h.byUser[c.userID]; set != nil {
		delete(set, c)
		if len(set) == 0 {
			delete(h.byUser, c.userID)
		}
	}
	h.mu.Unlock()
	if left {
		h.presenceChanged(c.roomID, c.userID, false)
	}
}

// setVisible adds delta to the user's visible streams and reports whether
// the user's presence changed.
func (rm *room) setVisible(userID int64, delta int) bool {
	before := rm.visible[userID]
	after := before + delta
	if after <= 0 {
		delete(rm.visible, userID)
	} else {
		rm.visible[userID] = after
	}
	return (before > 0) != (after > 0)
}

// OnPresence has f called (in its own goroutine) whenever a user arrives in
// or leaves a room. The hub is made before whoever announces presence on it,
// hence a setter; call it before serving.
func (h *Hub) OnPresence(f func(roomID, userID int64, present bool)) { h.onPresence.Store(&f) }

func (h *Hub) presenceChanged(roomID, userID int64, present bool) {
	if f := h.onPresence.Load(); f != nil {
		go (*f)(roomID, userID, present)
	}
}

// end closes a stream for good, whatever ended it.
func (h *Hub) end(c *conn) {
	if !c.markClosed() {
		return
	}
	h.remove(c)
	c.out.close()
	close(c.done)
}

// evict drops a stream that cannot keep up. Its browser reconnects and
// replays what it missed from the database: dropping the event and keeping
// the stream would let the browser's cursor pass over the gap.
func (h *Hub) evict(c *conn, why string) {
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if !closed {
		h.log.Info("stream evicted", "conn", c.id, "user_id", c.userID, "room_id", c.roomID, "why", why)
		h.end(c)
	}
}
