package live

import "strconv"

// PublishRoom sends a durable room event (its id is the events row id) to every
// stream viewing the room. Callers publish in commit order.
func (h *Hub) PublishRoom(roomID, eventID int64, data []byte) {
	for {
		prev := h.lastID.Load()
		if eventID <= prev || h.lastID.CompareAndSwap(prev, eventID) {
			break
		}
	}
	f := frame{id: eventID, b: encode(eventID, EventMessage, data)}
	for _, c := range h.roomConns(roomID, 0) {
		h.send(c, f)
	}
}

// PublishRoomEphemeral sends a passing room event (typing, presence) to the
// room's streams, except those of the user who caused it.
func (h *Hub) PublishRoomEphemeral(roomID int64, name string, data []byte, exceptUserID int64) {
	f := h.ephemeral(name, data)
	for _, c := range h.roomConns(roomID, exceptUserID) {
		h.send(c, f)
	}
}

// PublishUser sends an event to every stream of a user, whatever room it views.
func (h *Hub) PublishUser(userID int64, name string, data []byte) {
	f := h.ephemeral(name, data)
	h.mu.RLock()
	conns := setSlice(h.byUser[userID], 0)
	h.mu.RUnlock()
	for _, c := range conns {
		h.send(c, f)
	}
}

// ephemeral encodes an event that is not in the log. It carries the newest
// durable id, which every stream has already been sent or queued.
func (h *Hub) ephemeral(name string, data []byte) frame {
	return frame{b: encode(h.lastID.Load(), name, data)}
}

func (h *Hub) roomConns(roomID, exceptUserID int64) []*conn {
	h.mu.RLock()
	defer h.mu.RUnlock()
	rm := h.byRoom[roomID]
	if rm == nil {
		return nil
	}
	return setSlice(rm.conns, exceptUserID)
}

// send queues an event on one stream. A stream that cannot take it is behind:
// it is closed rather than waited for.
func (h *Hub) send(c *conn, f frame) {
	ok, write := c.enqueue(f, h.buffer)
	switch {
	case !ok:
		h.evict(c, "queue full: "+strconv.Itoa(h.buffer)+" events waiting")
	case write:
		c.out.wake(c.flush)
	}
}
