package live

import "errors"

// A bot's stream (SPEC §14) differs from a tab's in three ways: it follows
// every room the bot is in rather than one, the set changes while it is
// open, and its events are JSON for programs rather than fragments for
// htmx. It shares everything else: the durable ids, publication in commit
// order, the replay from the database, heartbeats and eviction.

// BotStream is what a bot's stream follows.
type BotStream struct {
	// Rooms are the rooms the bot is in when it connects.
	Rooms []int64
	// Base is the scheme and host the bot connected to: the JSON's URLs are
	// absolute, under it.
	Base string
}

// BotRender renders one durable room event for bot streams: its SSE event
// name and JSON data, with URLs under base. The hub calls it once per base
// among the streams that receive the event, and not at all when none do.
type BotRender func(base string) (name string, data []byte)

// ErrReplayTruncated is returned by a Replay that wrote as much as one
// connection is given: the stream ends once that is written, and the
// client's reconnect, from the last id it got, continues where it stopped.
var ErrReplayTruncated = errors.New("live: replay continues on the next connection")

// botSub is a bot stream's part of the hub's state, guarded by the hub's lock.
type botSub struct {
	base  string
	rooms map[int64]struct{}
}

// addBot registers a bot stream; the hub's lock is held.
func (h *Hub) addBot(c *conn) {
	for id := range c.bot.rooms {
		h.botRoomSet(id)[c] = struct{}{}
	}
	set := h.bots[c.userID]
	if set == nil {
		set = map[*conn]struct{}{}
		h.bots[c.userID] = set
	}
	set[c] = struct{}{}
}

// removeBot forgets a bot stream; the hub's lock is held.
func (h *Hub) removeBot(c *conn) {
	for id := range c.bot.rooms {
		h.leaveBotRoom(c, id)
	}
	if set := h.bots[c.userID]; set != nil {
		delete(set, c)
		if len(set) == 0 {
			delete(h.bots, c.userID)
		}
	}
}

func (h *Hub) botRoomSet(roomID int64) map[*conn]struct{} {
	set := h.botsByRoom[roomID]
	if set == nil {
		set = map[*conn]struct{}{}
		h.botsByRoom[roomID] = set
	}
	return set
}

func (h *Hub) leaveBotRoom(c *conn, roomID int64) {
	delete(c.bot.rooms, roomID)
	if set := h.botsByRoom[roomID]; set != nil {
		delete(set, c)
		if len(set) == 0 {
			delete(h.botsByRoom, roomID)
		}
	}
}

// SetBotRooms makes the bot's open streams follow exactly these rooms, after
// its memberships changed: events of a room it joined reach them from the
// next one published, and a room it left sends nothing more.
func (h *Hub) SetBotRooms(botID int64, rooms []int64) {
	want := make(map[int64]struct{}, len(rooms))
	for _, id := range rooms {
		want[id] = struct{}{}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.bots[botID] {
		for id := range c.bot.rooms {
			if _, ok := want[id]; !ok {
				h.leaveBotRoom(c, id)
			}
		}
		for id := range want {
			c.bot.rooms[id] = struct{}{}
			h.botRoomSet(id)[c] = struct{}{}
		}
	}
}

// HasBotStreams reports whether the bot has a stream open, so callers can
// skip reading what only an open stream needs.
func (h *Hub) HasBotStreams(botID int64) bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.bots[botID]) > 0
}

// PublishBots sends a durable room event to the bot streams following the
// room, rendered once per base URL among them. Callers publish in commit
// order, as for PublishRoom.
func (h *Hub) PublishBots(roomID, eventID int64, render BotRender) {
	h.mu.RLock()
	set := h.botsByRoom[roomID]
	if len(set) == 0 {
		h.mu.RUnlock()
		return
	}
	byBase := map[string][]*conn{}
	for c := range set {
		byBase[c.bot.base] = append(byBase[c.bot.base], c)
	}
	h.mu.RUnlock()
	for base, conns := range byBase {
		name, data := render(base)
		h.deliver(conns, frame{id: eventID, b: encode(eventID, name, data)})
	}
}

// botConns copies the bot's streams, to be ended outside the lock.
func (h *Hub) botConns(botID int64) []*conn {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return setSlice(h.bots[botID], 0)
}
