// Package live delivers changes to browsers over Server-Sent Events: one stream
// per tab, fed in commit order, replayed from the database after a disconnect.
package live

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/r3labs/sse/v2"
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
	sse *sse.Server
	log *slog.Logger

	mu     sync.RWMutex
	conns  map[string]*conn
	byRoom map[int64]map[*conn]struct{}
	byUser map[int64]map[*conn]struct{}

	seq atomic.Uint64
	// lastID is the newest durable event id published. Ephemeral events carry
	// it as their id: an event without one would reset the browser's cursor,
	// and every durable event up to it was already queued on each stream.
	lastID atomic.Int64

	// Fired with the room and user whose presence changed (first arrival, last departure).
	onPresence func(roomID, userID int64, present bool)

	stop chan struct{}
	wg   sync.WaitGroup
}

// conn is one browser tab's stream.
type conn struct {
	id      string
	userID  int64
	roomID  int64
	hidden  atomic.Bool
	cancel  context.CancelFunc
	evicted atomic.Bool
	// abort unblocks a write in progress, so an evicted stream that stopped
	// reading lets go of its goroutines now, not when the write times out.
	abort func()
}

// Options tune a Hub.
type Options struct {
	// Heartbeat is how often every stream gets a comment, so proxies keep it open.
	Heartbeat time.Duration
	// Buffer is how many events may wait for one stream before it is dropped.
	Buffer int
	// LastEventID is the newest event id in the database at start.
	LastEventID int64
	// OnPresence is called (in its own goroutine) when a user arrives in or
	// leaves a room; may be nil.
	OnPresence func(roomID, userID int64, present bool)
}

// New starts a hub.
func New(log *slog.Logger, opt Options) *Hub {
	if opt.Heartbeat <= 0 {
		opt.Heartbeat = 20 * time.Second
	}
	if opt.Buffer <= 0 {
		opt.Buffer = 32
	}
	s := sse.New()
	s.AutoReplay = false // its log is unbounded and rewrites our ids
	s.AutoStream = true  // a stream lives exactly as long as its one connection
	s.SplitData = true   // rendered HTML has many lines
	s.BufferSize = opt.Buffer
	s.Headers = map[string]string{"X-Accel-Buffering": "no"}
	h := &Hub{
		sse:        s,
		log:        log,
		conns:      map[string]*conn{},
		byRoom:     map[int64]map[*conn]struct{}{},
		byUser:     map[int64]map[*conn]struct{}{},
		onPresence: opt.OnPresence,
		stop:       make(chan struct{}),
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
	h.mu.RLock()
	for _, c := range h.conns {
		c.cancel()
	}
	h.mu.RUnlock()
}

// LastEventID is the newest durable event id published.
func (h *Hub) LastEventID() int64 { return h.lastID.Load() }

func (h *Hub) heartbeat(every time.Duration) {
	defer h.wg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-h.stop:
			return
		case <-t.C:
			h.mu.RLock()
			ids := make([]*conn, 0, len(h.conns))
			for _, c := range h.conns {
				ids = append(ids, c)
			}
			h.mu.RUnlock()
			for _, c := range ids {
				h.send(c, &sse.Event{Comment: []byte("hb")})
			}
		}
	}
}

func (h *Hub) add(c *conn) {
	h.mu.Lock()
	h.conns[c.id] = c
	arrived := !h.userPresentLocked(c.roomID, c.userID, nil)
	addTo(h.byRoom, c.roomID, c)
	addTo(h.byUser, c.userID, c)
	h.mu.Unlock()
	if arrived {
		h.presenceChanged(c.roomID, c.userID, true)
	}
}

func (h *Hub) remove(c *conn) {
	h.mu.Lock()
	delete(h.conns, c.id)
	removeFrom(h.byRoom, c.roomID, c)
	removeFrom(h.byUser, c.userID, c)
	left := !c.hidden.Load() && !h.userPresentLocked(c.roomID, c.userID, nil)
	h.mu.Unlock()
	if left {
		h.presenceChanged(c.roomID, c.userID, false)
	}
}

func (h *Hub) presenceChanged(roomID, userID int64, present bool) {
	if h.onPresence != nil {
		go h.onPresence(roomID, userID, present)
	}
}

func addTo(m map[int64]map[*conn]struct{}, key int64, c *conn) {
	set := m[key]
	if set == nil {
		set = map[*conn]struct{}{}
		m[key] = set
	}
	set[c] = struct{}{}
}

func removeFrom(m map[int64]map[*conn]struct{}, key int64, c *conn) {
	if set := m[key]; set != nil {
		delete(set, c)
		if len(set) == 0 {
			delete(m, key)
		}
	}
}

// userPresentLocked reports whether the user has a visible stream on the room
// other than except.
func (h *Hub) userPresentLocked(roomID, userID int64, except *conn) bool {
	for c := range h.byRoom[roomID] {
		if c != except && c.userID == userID && !c.hidden.Load() {
			return true
		}
	}
	return false
}

func (h *Hub) nextConnID() string {
	return "c" + strconv.FormatUint(h.seq.Add(1), 36)
}
