package live

import (
	"runtime"
	"slices"
	"strconv"
	"sync"
)

// PublishRoom sends a durable room event (its id is the events row id) to every
// stream viewing the room. Callers publish in commit order.
func (h *Hub) PublishRoom(roomID, eventID int64, data []byte) {
	f := frame{id: eventID, b: encode(eventID, EventMessage, data)}
	h.deliver(h.roomConns(roomID, 0), f)
	// Only now may ephemeral events carry this id: one sent meanwhile (a
	// typing notice from another goroutine) could otherwise reach a stream
	// before this event did, move its browser's cursor past it, and a
	// reconnect at that moment would never replay it.
	for {
		prev := h.lastID.Load()
		if eventID <= prev || h.lastID.CompareAndSwap(prev, eventID) {
			break
		}
	}
}

// PublishRoomEphemeral sends a passing room event (typing, presence) to the
// room's streams, except those of the user who caused it.
func (h *Hub) PublishRoomEphemeral(roomID int64, name string, data []byte, exceptUserID int64) {
	f := h.ephemeral(name, data)
	h.deliver(h.roomConns(roomID, exceptUserID), f)
}

// PublishUser sends an event to every stream of a user, whatever room it views.
func (h *Hub) PublishUser(userID int64, name string, data []byte) {
	f := h.ephemeral(name, data)
	h.mu.RLock()
	conns := setSlice(h.byUser[userID], 0)
	h.mu.RUnlock()
	h.deliver(conns, f)
}

// deliver sends an event and counts it once per stream (heartbeats are not
// events). It counts first, so whoever reads the event sees it counted.
func (h *Hub) deliver(conns []*conn, f frame) {
	h.delivered.Add(uint64(len(conns)))
	h.sendAll(conns, f)
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

// send queues an event on one stream. A stream that cannot take it is behind
// or broken: it is closed rather than waited for.
func (h *Hub) send(c *conn, f frame) {
	ok, write := c.enqueue(f, h.buffer)
	switch {
	case !ok:
		h.evict(c, "cannot take more: "+strconv.Itoa(h.buffer)+" events waiting or a failed write")
	case write:
		c.out.wake(c.flush)
	}
}

// fanoutShard is the fewest streams worth a goroutine of their own when
// one event goes to many.
const fanoutShard = 256

// sendAll sends an event to many streams, spread over the CPUs: writes to
// sockets are most of the work. It returns once every stream has it, so the
// next event cannot overtake it on any of them.
func (h *Hub) sendAll(conns []*conn, f frame) {
	shards := min(runtime.GOMAXPROCS(0), len(conns)/fanoutShard)
	if shards <= 1 {
		for _, c := range conns {
			h.send(c, f)
		}
		return
	}
	var wg sync.WaitGroup
	per := (len(conns) + shards - 1) / shards
	for part := range slices.Chunk(conns, per) {
		wg.Go(func() {
			for _, c := range part {
				h.send(c, f)
			}
		})
	}
	wg.Wait()
}
