package chat

import (
	"context"

	"github.com/campfire-go/campfire/internal/live"
	"github.com/campfire-go/campfire/internal/model"
)

// replayLimit is the most events a reconnecting tab is sent; past that a
// reload is cheaper than the replay.
const replayLimit = 500

// Replay writes every change to the room after the cursor, each rendered from
// the message's current state, so applying any of them twice changes nothing.
// A cursor older than the pruned log gets a reload event instead.
//
// The room's ring (replay_ring.go) answers when it reaches back to the
// cursor; otherwise the database does, and its answer may become the ring.
func (s *Service) Replay(ctx context.Context, roomID, after int64, emit func(live.Frame) error) error {
	if after <= 0 {
		return nil
	}
	gen := s.hub.LastEventID()
	frames, ok := s.ring.replay(roomID, after, gen)
	if !ok {
		read, err := s.replays.get(ctx, gen, replayKey{roomID, after}, func() (replayRead, error) {
			mark := s.ring.mark(roomID)
			entries, err := s.replayEntries(ctx, roomID, after)
			return replayRead{mark, entries}, err
		})
		if err != nil {
			return err
		}
		entries := read.entries
		frames = make([]live.Frame, len(entries))
		reload := false
		for i, e := range entries {
			frames[i] = e.frame
			reload = reload || e.frame.Event == live.EventReload
		}
		if !reload {
			s.ring.fill(roomID, after, read.mark, entries)
		}
	}
	for _, f := range frames {
		if err := emit(f); err != nil {
			return err
		}
	}
	return nil
}

// replayEntries reads and renders the room's events after the cursor.
func (s *Service) replayEntries(ctx context.Context, roomID, after int64) ([]ringEntry, error) {
	reload := func(id int64) []ringEntry {
		return []ringEntry{{frame: live.Frame{ID: id, Event: live.EventReload, Data: []byte("reload")}}}
	}
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
		return reload(last), nil
	}
	events, err := s.store.EventsAfter(ctx, roomID, after, replayLimit+1)
	if err != nil {
		return nil, err
	}
	if after < pruned || len(events) > replayLimit {
		return reload(max(after, s.hub.LastEventID())), nil
	}
	byID, err := s.eventMessages(ctx, events)
	if err != nil {
		return nil, err
	}
	entries := make([]ringEntry, 0, len(events))
	for _, e := range events {
		var m *model.Message
		if e.Kind != model.EventDeleted {
			m = byID[e.MessageID]
		}
		entries = append(entries, ringEntry{ev: e,
			frame: live.Encoded(live.Frame{ID: e.ID, Event: live.EventMessage, Data: replayData(ctx, e, m)})})
	}
	return entries, nil
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
