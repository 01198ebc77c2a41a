package chat

import (
	"context"
	"sync"

	"github.com/campfire-go/campfire/internal/live"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/views"
)

// ringSize is how many of a room's newest events its ring keeps. A tab
// reconnecting after a restart or a dropped connection is a few events
// behind; an older cursor is read from the database.
const ringSize = 64

// ringRooms and ringBytes bound how many rooms have a ring and the memory
// the rings hold; past either the rings start over (each room's is made
// again from the database at its next replay). A rendered message is 3–4 KB.
const (
	ringRooms = 1024
	ringBytes = 16 << 20
)

// replayRing keeps, per room, the newest events rendered as a replay renders
// them: each from its message's current state, the way replayFrames reads
// them from the database. A replay whose cursor is inside a room's ring is
// served from memory; any other is read from the database, and that read
// becomes the room's ring when nothing changed the room meanwhile.
//
// The rings are kept current by the publishes of the service, which hold
// publishMu and come in commit order: each event is appended, and an edit,
// boost or deletion renders the message's earlier events in the ring again.
// What changes rendered messages without an event of their room (a person
// renamed, a new avatar or role, a room deleted, old events pruned) clears
// every ring (forget), through the store's hook.
type replayRing struct {
	mu    sync.Mutex
	rooms map[int64]*roomRing
	// published is each room's newest event published since start, ring or
	// not: a read from the database becomes a ring only if no event of the
	// room was published while it read, which it might have missed.
	published map[int64]int64
	// epoch counts forget calls; a read begun in an earlier epoch may hold
	// what forget meant to drop.
	epoch uint64
	// bytes is about what the rings hold (entrySize).
	bytes int
}

// roomRing holds every event of the room with an id above from, oldest first.
type roomRing struct {
	from    int64
	entries []ringEntry
	bytes   int
}

type ringEntry struct {
	ev    model.Event
	frame live.Frame
}

// entrySize is about the memory an entry holds: its data and its wire form.
func entrySize(e ringEntry) int { return 2*len(e.frame.Data) + 128 }

// set replaces the ring's entry i, keeping count of the bytes.
func (r *replayRing) set(rr *roomRing, i int, e ringEntry) {
	d := entrySize(e) - entrySize(rr.entries[i])
	rr.entries[i] = e
	rr.bytes += d
	r.bytes += d
}

// ringMark is what a database read notes before it starts, to tell later
// whether it may become a ring.
type ringMark struct {
	epoch     uint64
	published int64
}

// replay returns the events after the cursor from the room's ring, and false
// when the ring does not reach back to the cursor. through is the newest
// event id published anywhere: a cursor beyond it comes from before a
// restore from backup, which only the database can answer.
func (r *replayRing) replay(roomID, after, through int64) ([]live.Frame, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rr := r.rooms[roomID]
	if rr == nil || after < rr.from || after > through {
		return nil, false
	}
	i := len(rr.entries)
	for i > 0 && rr.entries[i-1].ev.ID > after {
		i--
	}
	frames := make([]live.Frame, len(rr.entries)-i)
	for j, e := range rr.entries[i:] {
		frames[j] = e.frame
	}
	return frames, true
}

func (r *replayRing) mark(roomID int64) ringMark {
	r.mu.Lock()
	defer r.mu.Unlock()
	return ringMark{epoch: r.epoch, published: r.published[roomID]}
}

// fill makes a database read of the room's events after the cursor its ring,
// unless the ring already reaches further back, or something changed since
// the read began (m).
func (r *replayRing) fill(roomID, after int64, m ringMark, entries []ringEntry) {
	if len(entries) > ringSize {
		// The ring holds what follows the newest event it leaves out.
		after = entries[len(entries)-ringSize-1].ev.ID
		entries = entries[len(entries)-ringSize:]
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.epoch != m.epoch || r.published[roomID] != m.published {
		return
	}
	old := r.rooms[roomID]
	if old != nil && old.from <= after {
		return
	}
	rr := &roomRing{from: after, entries: entries}
	for _, e := range entries {
		rr.bytes += entrySize(e)
	}
	if old != nil {
		r.bytes -= old.bytes
		delete(r.rooms, roomID)
	}
	if r.rooms == nil || len(r.rooms) >= ringRooms || r.bytes+rr.bytes > ringBytes {
		r.rooms, r.bytes = map[int64]*roomRing{}, 0
	}
	r.rooms[roomID] = rr
	r.bytes += rr.bytes
}

// published records an event of the room published now, in commit order,
// with the message as it stands after it (nil for a deletion), and keeps the
// room's ring current.
func (r *replayRing) publish(ctx context.Context, ev model.Event, m *model.Message, data []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.published == nil {
		r.published = map[int64]int64{}
	}
	r.published[ev.RoomID] = max(r.published[ev.RoomID], ev.ID)
	rr := r.rooms[ev.RoomID]
	if rr == nil {
		return
	}
	// The message's earlier events replay its state now.
	for i := range rr.entries {
		e := &rr.entries[i]
		if e.ev.MessageID != ev.MessageID || e.ev.Kind == model.EventDeleted || e.ev.ID >= ev.ID {
			continue
		}
		r.set(rr, i, ringEntry{ev: e.ev, frame: live.Encoded(live.Frame{ID: e.ev.ID, Event: live.EventMessage, Data: replayData(ctx, e.ev, m)})})
	}
	last := rr.from
	if n := len(rr.entries); n > 0 {
		last = rr.entries[n-1].ev.ID
	}
	if ev.ID <= last {
		// Read from the database, committed, before its publication came.
		for i := range rr.entries {
			if rr.entries[i].ev.ID == ev.ID {
				r.set(rr, i, ringEntry{ev: rr.entries[i].ev, frame: live.Encoded(live.Frame{ID: ev.ID, Event: live.EventMessage, Data: data})})
			}
		}
		return
	}
	e := ringEntry{ev: ev, frame: live.Encoded(live.Frame{ID: ev.ID, Event: live.EventMessage, Data: data})}
	rr.entries = append(rr.entries, e)
	rr.bytes += entrySize(e)
	r.bytes += entrySize(e)
	if len(rr.entries) > ringSize {
		gone := entrySize(rr.entries[0])
		rr.bytes -= gone
		r.bytes -= gone
		rr.from = rr.entries[0].ev.ID
		rr.entries = append(rr.entries[:0], rr.entries[1:]...)
	}
	if r.bytes > ringBytes {
		r.rooms, r.bytes = map[int64]*roomRing{}, 0
	}
}

// forget drops every ring.
func (r *replayRing) forget() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.epoch++
	r.rooms, r.bytes = nil, 0
}

// replayData renders one event as a replay does: from the message's state
// now (nil when it no longer exists).
func replayData(ctx context.Context, e model.Event, m *model.Message) []byte {
	switch {
	case e.Kind == model.EventDeleted, m == nil:
		// A message deleted since: its own deletion event follows. Still an
		// event, so the tab's cursor moves past this id.
		return render(ctx, views.MessageRemove(e.DomID))
	case e.Kind == model.EventCreated:
		return render(ctx, views.MessageAppend(*m))
	default:
		return render(ctx, views.MessageReplace(*m))
	}
}

// publishRoom publishes a durable event of a room to its streams and keeps
// the room's ring current. Hold publishMu: rings and streams get events in
// commit order.
func (s *Service) publishRoom(ctx context.Context, ev model.Event, m *model.Message, data []byte) {
	s.ring.publish(ctx, ev, m, data)
	s.hub.PublishRoom(ev.RoomID, ev.ID, data)
}

// ForgetRendered drops the replay rings: something that shows in rendered
// messages changed without an event of their room (the store's hook).
func (s *Service) ForgetRendered() {
	s.ring.forget()
	s.replays.reset()
}
