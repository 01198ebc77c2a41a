package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/chat"
	"github.com/campfire-go/campfire/internal/live"
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

// PresenceAnnouncer tells a room's open tabs who is here whenever someone
// arrives or leaves. It is made before the hub, whose OnPresence option is its
// Changed method, and is given the hub with Attach before anything is served.
//
// Announcements are coalesced per room: the changes within presenceDelay make
// one announcement. When a thousand people open a room at once, each arrival
// sending the whole list to everyone there would be a million deliveries.
type PresenceAnnouncer struct {
	store *db.Store
	log   *slog.Logger
	hub   atomic.Pointer[live.Hub]

	mu      sync.Mutex
	pending map[int64]bool
	// last is each room's latest announcement, which a new stream is sent
	// as is: either it is current, or a change since is about to be announced
	// to every stream of the room, the new one included.
	last map[int64][]byte
	// flushMu makes each announcement read and publish the state in turn, so
	// the last one sent is the newest.
	flushMu sync.Mutex
}

// presenceDelay is how long an announcement waits to gather more changes.
const presenceDelay = 250 * time.Millisecond

// NewPresenceAnnouncer returns an announcer; call Attach with the hub.
func NewPresenceAnnouncer(store *db.Store, log *slog.Logger) *PresenceAnnouncer {
	return &PresenceAnnouncer{store: store, log: log, pending: map[int64]bool{}, last: map[int64][]byte{}}
}

// UsePresence has new streams sent the announcer's latest list of who is in
// their room instead of each reading and rendering it.
func (h *Handler) UsePresence(p *PresenceAnnouncer) { h.announcer = p }

// Attach gives the announcer the hub it announces on.
func (p *PresenceAnnouncer) Attach(hub *live.Hub) { p.hub.Store(hub) }

// Changed schedules an announcement of the room's list of who is here, unless
// one is already on its way.
func (p *PresenceAnnouncer) Changed(roomID, _ int64, _ bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pending[roomID] {
		return
	}
	p.pending[roomID] = true
	time.AfterFunc(presenceDelay, func() { p.announce(roomID) })
}

func (p *PresenceAnnouncer) announce(roomID int64) {
	hub := p.hub.Load()
	p.flushMu.Lock()
	defer p.flushMu.Unlock()
	// Cleared before the state is read: a change after this point schedules
	// another announcement, so none is lost.
	p.mu.Lock()
	delete(p.pending, roomID)
	p.mu.Unlock()
	if hub == nil {
		return
	}
	ctx := context.Background()
	ids := hub.PresentUserIDs(roomID)
	list, err := presentList(ctx, p.store, ids, 0)
	if err != nil {
		p.mu.Lock()
		delete(p.last, roomID)
		p.mu.Unlock()
		p.log.Warn("presence", "room_id", roomID, "error", err)
		return
	}
	data := chat.Render(ctx, views.PresenceUpdate(list))
	p.mu.Lock()
	if len(ids) == 0 {
		delete(p.last, roomID)
	} else {
		p.last[roomID] = data
	}
	p.mu.Unlock()
	hub.PublishRoomEphemeral(roomID, live.EventPresence, data, 0)
}

// offer keeps a list a new stream rendered as the room's latest, unless an
// announcement got there first. It is as good as an announcement: any change
// after it was read is on its way to every stream of the room. It never
// replaces one, which may be newer.
func (p *PresenceAnnouncer) offer(roomID int64, data []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.last[roomID]; !ok {
		p.last[roomID] = data
	}
}

// latest is the room's latest announcement, if it has one.
func (p *PresenceAnnouncer) latest(roomID int64) ([]byte, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	data, ok := p.last[roomID]
	return data, ok
}

// presentList names up to views.PresenceShown of the people present (first
// among them whoever comes first, then by id, so the names stay put as people
// come and go) and counts the rest.
func presentList(ctx context.Context, store *db.Store, ids []int64, first int64) (views.PresentList, error) {
	slices.Sort(ids)
	if first != 0 {
		ids = slices.DeleteFunc(ids, func(id int64) bool { return id == first })
		ids = append([]int64{first}, ids...)
	}
	shown := ids[:min(len(ids), views.PresenceShown)]
	people, err := store.PeopleByID(ctx, shown)
	return views.PresentList{People: people, More: len(ids) - len(shown)}, err
}

// presentPeople are who is in the room now, the viewer included (their tab's
// stream opens once the page has loaded).
func (h *Handler) presentPeople(ctx context.Context, roomID, viewerID int64) (views.PresentList, error) {
	return presentList(ctx, h.store, h.hub.PresentUserIDs(roomID), viewerID)
}

// presence records that a tab was hidden (state=absent) or shown again
// (state=present). Shown again, the room counts as read.
func (h *Handler) presence(w http.ResponseWriter, r *http.Request) {
	room, ok := h.memberRoom(w, r)
	if !ok {
		return
	}
	u, _ := currentUser(r.Context())
	if err := r.ParseForm(); err != nil {
		h.formError(w, r, err)
		return
	}
	var visible bool
	switch r.PostForm.Get("state") {
	case "present":
		visible = true
	case "absent":
	default:
		h.unprocessable(w, r, "state must be present or absent.")
		return
	}
	h.hub.SetVisible(room.ID, u.ID, visible)
	if visible && room.Unread {
		if changed, err := h.store.MarkRead(r.Context(), room.ID, u.ID); err == nil && changed {
			room.Unread = false
			h.hub.PublishUser(u.ID, live.EventSidebar, chat.Render(r.Context(), views.SidebarRoomUpdate(room)))
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

// emitPresence writes who is here as a new stream's first live word: the
// tab's own arrival was announced before its stream could receive anything.
// Its id is the last one the stream has delivered, never a later one, so a
// reconnect cannot skip an event still on its way.
//
// The room's latest announcement serves when there is one, so a thousand tabs
// reconnecting at once do not each read and render the list.
func (h *Handler) emitPresence(ctx context.Context, roomID, lastID int64, emit func(live.Frame) error) error {
	if h.announcer != nil {
		if data, ok := h.announcer.latest(roomID); ok {
			return emit(live.Frame{ID: lastID, Event: live.EventPresence, Data: data})
		}
	}
	list, err := presentList(ctx, h.store, h.hub.PresentUserIDs(roomID), 0)
	if err != nil {
		return err
	}
	data := chat.Render(ctx, views.PresenceUpdate(list))
	if h.announcer != nil {
		h.announcer.offer(roomID, data)
	}
	return emit(live.Frame{ID: lastID, Event: live.EventPresence, Data: data})
}
