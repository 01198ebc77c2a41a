package chat

import (
	"context"

	"github.com/campfire-go/campfire/internal/live"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/views"
)

// replayLimit is the most events a reconnecting tab is sent; past that a
// reload is cheaper than the replay.
const replayLimit = 500

// Replay writes every change to the room after the cursor, each rendered from
// the message's current state, so applying any of them twice changes nothing.
// A cursor older than the pruned log gets a reload event instead.
func (s *Service) Replay(ctx context.Context, roomID, after int64, emit func(live.Frame) error) error {
	if after <= 0 {
		return nil
	}
	gen := s.hub.LastEventID()
	frames, err := s.replays.get(ctx, gen, replayKey{roomID, after}, func() ([]live.Frame, error) {
		return s.replayFrames(ctx, roomID, after)
	})
	if err != nil {
		return err
	}
	for _, f := range frames {
		if err := emit(f); err != nil {
			return err
		}
	}
	return nil
}

// replayFrames reads and renders the room's events after the cursor.
func (s *Service) replayFrames(ctx context.Context, roomID, after int64) ([]live.Frame, error) {
	pruned, err := s.store.PrunedThrough(ctx)
	if err != nil {
		return nil, err
	}
	// A cursor past the newest event ever issued comes from before a restore
	// from backup: ids are being issued again, and events below the cursor
	// would pass the tab by. Only a reload brings it level.
	last, err := s.store.LastEventID(ctx)
	if err != nil {
		return nil, err
	}
	if after > last {
		return []live.Frame{{ID: last, Event: live.EventReload, Data: []byte("reload")}}, nil
	}
	events, err := s.store.EventsAfter(ctx, roomID, after, replayLimit+1)
	if err != nil {
		return nil, err
	}
	if after < pruned || len(events) > replayLimit {
		return []live.Frame{{ID: max(after, s.hub.LastEventID()), Event: live.EventReload, Data: []byte("reload")}}, nil
	}
	byID, err := s.eventMessages(ctx, events)
	if err != nil {
		return nil, err
	}
	frames := make([]live.Frame, 0, len(events))
	for _, e := range events {
		var data []byte
		m, exists := byID[e.MessageID]
		switch {
		case e.Kind == model.EventDeleted:
			data = render(ctx, views.MessageRemove(e.DomID))
		case !exists:
			// Deleted since; its own deletion event follows. Still emit an
			// event so the tab's cursor moves past this id.
			data = render(ctx, views.MessageRemove(e.DomID))
		case e.Kind == model.EventCreated:
			data = render(ctx, views.MessageAppend(*m))
		default:
			data = render(ctx, views.MessageReplace(*m))
		}
		frames = append(frames, live.Encoded(live.Frame{ID: e.ID, Event: live.EventMessage, Data: data}))
	}
	return frames, nil
}

// eventMessages reads, in one query, the messages the events are about as
// they are now, by id; a message deleted since is missing.
func (s *Service) eventMessages(ctx context.Context, events []model.Event) (map[int64]*model.Message, error) {
	ids := make([]int64, 0, len(events))
	for _, e := range events {
		if e.Kind != model.EventDeleted {
			ids = append(ids, e.MessageID)
		}
	}
	msgs, err := s.store.MessagesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*model.Message, len(msgs))
	for i := range msgs {
		byID[msgs[i].ID] = &msgs[i]
	}
	return byID, nil
}
