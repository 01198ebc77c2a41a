package chat

import (
	"context"
	"encoding/json"

	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/views"
)

// Bots' event streams (SPEC §14) carry the same events of the log as tabs,
// named for programs and with JSON data: the message as the bot API gives
// it, with the boost for a boost's events.
const (
	BotMessageCreated = "message_created"
	BotMessageUpdated = "message_updated"
	BotMessageDeleted = "message_deleted"
	BotBoostCreated   = "boost_created"
	BotBoostDeleted   = "boost_deleted"
)

// BotEventName names an event of the log for bots.
func BotEventName(e model.Event) string {
	switch {
	case e.Kind == model.EventCreated:
		return BotMessageCreated
	case e.Kind == model.EventDeleted:
		return BotMessageDeleted
	case e.BoostChange == model.EventCreated:
		return BotBoostCreated
	case e.BoostChange == model.EventDeleted:
		return BotBoostDeleted
	default:
		return BotMessageUpdated
	}
}

// botEvent is an event of the log with what its JSON is made from, read
// when the event is published or replayed.
type botEvent struct {
	ev   model.Event
	room model.Room
	// msg is nil once the message is deleted.
	msg *model.Message
	// boost is the boost a boost_created event added, while it exists.
	boost       *model.Boost
	boosterRole model.Role
}

// botGoneJSON is a message that no longer exists: a message_deleted event,
// or an earlier event of a message deleted since (its deletion follows).
type botGoneJSON struct {
	ID      int64             `json:"id"`
	Room    views.BotRoomJSON `json:"room"`
	URL     string            `json:"url"`
	Deleted bool              `json:"deleted"`
}

// botBoostRefJSON is a boost removed since (or by) the event.
type botBoostRefJSON struct {
	ID int64 `json:"id"`
}

type botMessageEventJSON struct {
	views.BotMessageJSON
	Boost any `json:"boost,omitempty"`
}

// render makes the event's SSE name and data for streams under base.
func (b botEvent) render(base string) (string, []byte) {
	name := BotEventName(b.ev)
	var v any
	switch {
	case b.msg == nil:
		v = botGoneJSON{ID: b.ev.MessageID, Room: views.BotRoom(b.room),
			URL: base + views.MessagePermalink(b.room.ID, b.ev.MessageID), Deleted: true}
	case b.ev.BoostChange == "":
		v = views.BotMessage(base, b.room, *b.msg)
	case b.boost != nil:
		v = botMessageEventJSON{views.BotMessage(base, b.room, *b.msg), views.BotBoost(base, *b.boost, b.room.ID, b.boosterRole)}
	default:
		v = botMessageEventJSON{views.BotMessage(base, b.room, *b.msg), botBoostRefJSON{b.ev.BoostID}}
	}
	data, err := json.Marshal(v)
	if err != nil {
		panic("chat: encode bot event: " + err.Error()) // plain structs of strings and numbers
	}
	return name, data
}

// publishBots sends a change to the bot streams following its room. What
// the JSON needs beyond what the caller has (the room, a booster's role) is
// read only when a bot stream is there to receive it, and once however many
// there are (the hub renders once per base URL). Called with publishMu held,
// in commit order.
func (s *Service) publishBots(ctx context.Context, b botEvent, roomKnown bool) {
	read := false
	s.hub.PublishBots(b.ev.RoomID, b.ev.ID, func(base string) (string, []byte) {
		if !read {
			read = true
			s.completeBotEvent(ctx, &b, roomKnown)
		}
		return b.render(base)
	})
}

// completeBotEvent reads the room and the booster's role when the caller
// did not have them. A failed read leaves a name or role out rather than
// the event: the stream's order matters more than a field.
func (s *Service) completeBotEvent(ctx context.Context, b *botEvent, roomKnown bool) {
	if !roomKnown {
		room, err := s.store.Room(ctx, b.ev.RoomID)
		if err != nil {
			s.log.Warn("bot event: room", "room_id", b.ev.RoomID, "error", err)
			room = model.Room{ID: b.ev.RoomID, Kind: model.RoomDirect}
		}
		b.room = room
	}
	if b.boost != nil {
		if u, err := s.store.User(ctx, b.boost.BoosterID); err == nil {
			b.boosterRole = u.Role
		}
	}
}

// MembershipsChanged makes the open streams of any bot among userIDs follow
// the rooms it is in now. It holds publishMu, so each event is sent or not
// by one set of rooms read after the change: those published from here on
// reach the rooms joined, and none from the rooms left.
func (s *Service) MembershipsChanged(ctx context.Context, userIDs []int64) {
	s.publishMu.Lock()
	defer s.publishMu.Unlock()
	s.followMemberships(ctx, userIDs)
}

// followMemberships is MembershipsChanged for a caller holding publishMu.
func (s *Service) followMemberships(ctx context.Context, userIDs []int64) {
	for _, id := range userIDs {
		if !s.hub.HasBotStreams(id) {
			continue
		}
		rooms, err := s.store.BotRoomIDs(ctx, id)
		if err != nil {
			s.log.Warn("bot stream rooms", "user_id", id, "error", err)
			continue
		}
		s.hub.SetBotRooms(id, rooms)
	}
}
