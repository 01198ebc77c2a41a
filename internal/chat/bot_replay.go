package chat

import (
	"context"
	"errors"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/live"
	"github.com/campfire-go/campfire/internal/model"
)

// botReplayLimit is the most events one connection of a bot replays. A bot
// is a program that wants every event, so a longer replay is not refused
// (a tab reloads instead): the stream ends after these and the bot's
// reconnect, from the last id it got, carries on.
const botReplayLimit = 1000

// ReplayBot writes every event of the rooms after the cursor, as bot events
// with URLs under base, in the order of the log; a negative cursor (none)
// writes nothing. Like a tab's replay, each is made from the message's
// current state.
func (s *Service) ReplayBot(ctx context.Context, roomIDs []int64, after int64, base string, emit func(live.Frame) error) error {
	if after < 0 {
		return nil
	}
	events, err := s.store.EventsAfterInRooms(ctx, roomIDs, after, botReplayLimit+1)
	if err != nil {
		return err
	}
	truncated := len(events) > botReplayLimit
	if truncated {
		events = events[:botReplayLimit]
	}
	built, err := s.botEvents(ctx, events)
	if err != nil {
		return err
	}
	for _, b := range built {
		name, data := b.render(base)
		if err := emit(live.Frame{ID: b.ev.ID, Event: name, Data: data}); err != nil {
			return err
		}
	}
	if truncated {
		return live.ErrReplayTruncated
	}
	return nil
}

// botEvents reads what the events' JSON is made from: messages, rooms,
// boosts and boosters, each once.
func (s *Service) botEvents(ctx context.Context, events []model.Event) ([]botEvent, error) {
	byID, err := s.eventMessages(ctx, events)
	if err != nil {
		return nil, err
	}
	rooms := map[int64]model.Room{}
	roles := map[int64]model.Role{}
	out := make([]botEvent, 0, len(events))
	for _, e := range events {
		b := botEvent{ev: e}
		if e.Kind != model.EventDeleted {
			b.msg = byID[e.MessageID]
		}
		room, ok := rooms[e.RoomID]
		if !ok {
			room, err = s.store.Room(ctx, e.RoomID)
			if errors.Is(err, db.ErrNotFound) {
				// Deleted since; its events are the bot's no more.
				room, err = model.Room{ID: e.RoomID, Kind: model.RoomDirect}, nil
			}
			if err != nil {
				return nil, err
			}
			rooms[e.RoomID] = room
		}
		b.room = room
		if e.BoostChange == model.EventCreated && b.msg != nil {
			boost, err := s.store.Boost(ctx, e.BoostID)
			switch {
			case err == nil:
				b.boost = &boost
				role, ok := roles[boost.BoosterID]
				if !ok {
					if u, err := s.store.User(ctx, boost.BoosterID); err == nil {
						role = u.Role
					}
					roles[boost.BoosterID] = role
				}
				b.boosterRole = role
			case !errors.Is(err, db.ErrNotFound):
				return nil, err
			}
		}
		out = append(out, b)
	}
	return out, nil
}
