package chat

import (
	"context"
	"sync"

	"github.com/campfire-go/campfire/internal/live"
	"github.com/campfire-go/campfire/views"
)

// readMarks gathers the rooms that tabs opened streams on without a read of
// their membership (a stream token), to be marked read together: a
// reconnect storm of ten thousand tabs is a few transactions, not ten
// thousand, and no tab waits for one.
type readMarks struct {
	mu      sync.Mutex
	pending map[[2]int64]struct{} // {room, user}
	wake    chan struct{}
}

func newReadMarks() readMarks {
	return readMarks{pending: map[[2]int64]struct{}{}, wake: make(chan struct{}, 1)}
}

// MarkReadSoon marks the room read for the user shortly, and sends their
// tabs the room's sidebar line if it was unread, as MarkRead does.
func (s *Service) MarkReadSoon(roomID, userID int64) {
	s.marks.mu.Lock()
	s.marks.pending[[2]int64{roomID, userID}] = struct{}{}
	s.marks.mu.Unlock()
	select {
	case s.marks.wake <- struct{}{}:
	default:
	}
}

// markReads runs until the service closes, marking what MarkReadSoon gathered.
func (s *Service) markReads() {
	for {
		select {
		case <-s.closing:
			return
		case <-s.marks.wake:
		}
		s.marks.mu.Lock()
		pending := s.marks.pending
		s.marks.pending = map[[2]int64]struct{}{}
		s.marks.mu.Unlock()
		pairs := make([][2]int64, 0, len(pending))
		for p := range pending {
			pairs = append(pairs, p)
		}
		s.markReadBatch(context.Background(), pairs)
	}
}

func (s *Service) markReadBatch(ctx context.Context, pairs [][2]int64) {
	if len(pairs) == 0 {
		return
	}
	// Under the order, as MarkRead: the line sent is never older than a
	// post's unread mark sent before it.
	s.publishMu.Lock()
	defer s.publishMu.Unlock()
	changed, err := s.store.MarkReadMany(ctx, pairs)
	if err != nil {
		s.log.Warn("mark rooms read", "rooms", len(pairs), "error", err)
		return
	}
	for _, p := range changed {
		room, err := s.store.MemberRoom(ctx, p[0], p[1])
		if err != nil {
			continue // the room or the membership went meanwhile
		}
		s.hub.PublishUser(p[1], live.EventSidebar, render(ctx, views.SidebarRoomUpdate(room)))
	}
}
