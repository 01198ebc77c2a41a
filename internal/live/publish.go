package live

import (
	"bytes"
	"strconv"

	"github.com/r3labs/sse/v2"
)

// PublishRoom sends a durable room event (its id is the events row id) to every
// stream viewing the room. Callers publish in commit order.
func (h *Hub) PublishRoom(roomID, eventID int64, data []byte) {
	for {
		prev := h.lastID.Load()
		if eventID <= prev || h.lastID.CompareAndSwap(prev, eventID) {
			break
		}
	}
	data = clean(data)
	id := []byte(strconv.FormatInt(eventID, 10))
	for _, c := range h.roomConns(roomID, 0) {
		h.send(c, &sse.Event{ID: id, Event: []byte(EventMessage), Data: data})
	}
}

// PublishRoomEphemeral sends a passing room event (typing, presence) to the
// room's streams, except those of the user who caused it.
func (h *Hub) PublishRoomEphemeral(roomID int64, name string, data []byte, exceptUserID int64) {
	data = clean(data)
	id := []byte(strconv.FormatInt(h.lastID.Load(), 10))
	for _, c := range h.roomConns(roomID, exceptUserID) {
		h.send(c, &sse.Event{ID: id, Event: []byte(name), Data: data})
	}
}

// PublishUser sends an event to every stream of a user, whatever room it views.
func (h *Hub) PublishUser(userID int64, name string, data []byte) {
	data = clean(data)
	id := []byte(strconv.FormatInt(h.lastID.Load(), 10))
	h.mu.RLock()
	conns := make([]*conn, 0, len(h.byUser[userID]))
	for c := range h.byUser[userID] {
		conns = append(conns, c)
	}
	h.mu.RUnlock()
	for _, c := range conns {
		h.send(c, &sse.Event{ID: id, Event: []byte(name), Data: data})
	}
}

func (h *Hub) roomConns(roomID, exceptUserID int64) []*conn {
	h.mu.RLock()
	defer h.mu.RUnlock()
	set := h.byRoom[roomID]
	conns := make([]*conn, 0, len(set))
	for c := range set {
		if c.userID != exceptUserID {
			conns = append(conns, c)
		}
	}
	return conns
}

// send queues an event on one stream. A stream that cannot take it is behind:
// it is closed rather than waited for, and its browser reconnects and replays
// what it missed from the database. Dropping the event and keeping the stream
// would let the browser's cursor pass over the gap.
func (h *Hub) send(c *conn, ev *sse.Event) {
	if c.evicted.Load() {
		return
	}
	if !h.sse.TryPublish(c.id, ev) && h.sse.StreamExists(c.id) {
		h.evict(c)
	}
}

func (h *Hub) evict(c *conn) {
	if c.evicted.CompareAndSwap(false, true) {
		h.log.Info("stream evicted", "conn", c.id, "user_id", c.userID, "room_id", c.roomID)
		c.cancel()
		if c.abort != nil {
			c.abort()
		}
	}
}

// clean drops carriage returns: the SSE parser treats them as line ends, while
// the library splits data lines on '\n' only.
func clean(b []byte) []byte {
	if bytes.IndexByte(b, '\r') < 0 {
		return b
	}
	return bytes.ReplaceAll(b, []byte("\r"), nil)
}
