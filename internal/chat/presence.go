package chat

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/campfire-go/campfire/internal/live"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/views"
)

// Presence is who has a room open right now: a tab's stream on the room counts
// while the tab is visible. The hub tracks it in memory, per connection.
//
// Campfire keeps presence in database rows with a 60 s time-to-live, because
// its rows outlive the processes that wrote them: a crashed or redeployed
// server never decrements its counters, so stale rows must expire by
// themselves. Here nothing outlives its connection. The process that holds a
// stream is the one that counts it, and it stops counting when the stream
// ends: the client leaves, the stream is evicted or disconnected, the server
// shuts down. A peer that vanished without closing is found by the heartbeat
// (a write every 20 s, each bounded by a write deadline) and by TCP
// keep-alive, and when the process dies its count dies with it. Hidden tabs
// say so themselves (POST /rooms/{id}/presence with state=absent after 5 s
// hidden), so no timer is needed for them either.
//
// Whenever someone arrives or leaves, the room's open tabs are told who is
// here. Announcements are coalesced per room: the changes within
// presenceDelay make one announcement. When a thousand people open a room at
// once, each arrival sending the whole list to everyone there would be a
// million deliveries. One goroutine makes every announcement in turn, so the
// last one a room is sent is the newest; it is not in the order of messages
// and sidebars, which say nothing about who is here.

// presenceDelay is how long an announcement waits to gather more changes.
const presenceDelay = 250 * time.Millisecond

type presence struct {
	mu      sync.Mutex
	pending map[int64]bool
	// due is the rooms waiting, oldest first: with one delay for all, that
	// is also the order in which they fall due.
	due []dueRoom
	// last is each room's latest announcement, which a new stream is sent
	// as is: either it is current, or a change since is about to be announced
	// to every stream of the room, the new one included.
	last map[int64][]byte
	// sent is, per room, the last announcement a new stream was given,
	// encoded once with its id: the tabs of a room reconnecting together
	// mostly have the same cursor, hence the same frame.
	sent map[int64]live.Frame
	wake chan struct{}
}

type dueRoom struct {
	roomID int64
	at     time.Time
}

func newPresence() presence {
	return presence{pending: map[int64]bool{}, last: map[int64][]byte{}, sent: map[int64]live.Frame{}, wake: make(chan struct{}, 1)}
}

// PresenceChanged schedules an announcement of the room's list of who is
// here, unless one is already on its way. The hub calls it (live.Hub.OnPresence).
func (s *Service) PresenceChanged(roomID, _ int64, _ bool) {
	p := &s.presence
	p.mu.Lock()
	if p.pending[roomID] {
		p.mu.Unlock()
		return
	}
	p.pending[roomID] = true
	p.due = append(p.due, dueRoom{roomID, time.Now().Add(presenceDelay)})
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// announcePresence makes each announcement when it falls due, until Close.
func (s *Service) announcePresence() {
	p := &s.presence
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		p.mu.Lock()
		next, waiting := dueRoom{}, len(p.due) > 0
		if waiting {
			next = p.due[0]
		}
		p.mu.Unlock()
		if !waiting {
			select {
			case <-p.wake:
				continue
			case <-s.closing:
				return
			}
		}
		if wait := time.Until(next.at); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-s.closing:
				return
			}
		}
		// Cleared before the state is read: a change after this point
		// schedules another announcement, so none is lost.
		p.mu.Lock()
		p.due = p.due[1:]
		delete(p.pending, next.roomID)
		p.mu.Unlock()
		s.announce(next.roomID)
	}
}

func (s *Service) announce(roomID int64) {
	p := &s.presence
	ctx := context.Background()
	ids := s.hub.PresentUserIDs(roomID)
	list, err := s.presentList(ctx, ids, 0)
	if err != nil {
		p.mu.Lock()
		delete(p.last, roomID)
		delete(p.sent, roomID)
		p.mu.Unlock()
		s.log.Warn("presence", "room_id", roomID, "error", err)
		return
	}
	data := render(ctx, views.PresenceUpdate(list))
	p.mu.Lock()
	if len(ids) == 0 {
		delete(p.last, roomID)
	} else {
		p.last[roomID] = data
	}
	delete(p.sent, roomID)
	p.mu.Unlock()
	s.hub.PublishRoomEphemeral(roomID, live.EventPresence, data, 0)
}

// EmitPresence writes who is here as a new stream's first live word: the
// tab's own arrival was announced before its stream could receive anything.
// Its id is the last one the stream has delivered, never a later one, so a
// reconnect cannot skip an event still on its way.
//
// The room's latest announcement serves when there is one, so a thousand tabs
// reconnecting at once do not each read and render the list.
func (s *Service) EmitPresence(ctx context.Context, roomID, lastID int64, emit func(live.Frame) error) error {
	p := &s.presence
	p.mu.Lock()
	data, ok := p.last[roomID]
	f, sent := p.sent[roomID]
	p.mu.Unlock()
	if ok {
		if !sent || f.ID != lastID {
			f = live.Encoded(live.Frame{ID: lastID, Event: live.EventPresence, Data: data})
			p.mu.Lock()
			// Only while the announcement it encodes is still the room's.
			if d, ok := p.last[roomID]; ok && len(d) > 0 && len(data) > 0 && &d[0] == &data[0] {
				p.sent[roomID] = f
			}
			p.mu.Unlock()
		}
		return emit(f)
	}
	list, err := s.presentList(ctx, s.hub.PresentUserIDs(roomID), 0)
	if err != nil {
		return err
	}
	data = render(ctx, views.PresenceUpdate(list))
	// Kept as the room's latest unless an announcement got there first: it
	// is as good as one, since any change after it was read is on its way to
	// every stream of the room. It never replaces one, which may be newer.
	p.mu.Lock()
	if _, ok := p.last[roomID]; !ok {
		p.last[roomID] = data
	}
	p.mu.Unlock()
	return emit(live.Frame{ID: lastID, Event: live.EventPresence, Data: data})
}

// PresentPeople are who is in the room now, the viewer first (their tab's
// stream opens once the page has loaded).
func (s *Service) PresentPeople(ctx context.Context, roomID, viewerID int64) (views.PresentList, error) {
	return s.presentList(ctx, s.hub.PresentUserIDs(roomID), viewerID)
}

// SetVisible records that the user's tabs on the room were hidden or shown
// again. Shown again, the room counts as read.
func (s *Service) SetVisible(ctx context.Context, room model.SidebarRoom, userID int64, visible bool) error {
	s.hub.SetVisible(room.ID, userID, visible)
	if !visible {
		return nil
	}
	_, err := s.MarkRead(ctx, room, userID)
	return err
}

// presentList names up to views.PresenceShown of the people present (first
// among them whoever comes first, then by id, so the names stay put as people
// come and go) and counts the rest.
func (s *Service) presentList(ctx context.Context, ids []int64, first int64) (views.PresentList, error) {
	slices.Sort(ids)
	if first != 0 {
		ids = slices.DeleteFunc(ids, func(id int64) bool { return id == first })
		ids = append([]int64{first}, ids...)
	}
	shown := ids[:min(len(ids), views.PresenceShown)]
	people, err := s.store.PeopleByID(ctx, shown)
	return views.PresentList{People: people, More: len(ids) - len(shown)}, err
}
