package chat

import (
	"context"
	"slices"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/live"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/views"
)

// Sidebars are changed in one order (publishMu) with messages: an unread
// mark is written and published by the committer while holding it, and so is
// everything below. A room list read while a post commits could otherwise be
// sent after that post's unread mark and paint over it, and a mark read could
// overtake the unread mark it follows.

// MarkRead clears the room's unread and mention marks for the user, when it
// had either as loaded, and updates its line in the user's open tabs. The
// room comes back as it now is.
func (s *Service) MarkRead(ctx context.Context, room model.SidebarRoom, userID int64) (model.SidebarRoom, error) {
	if !room.Unread && !room.Mentioned {
		return room, nil
	}
	s.publishMu.Lock()
	defer s.publishMu.Unlock()
	changed, err := s.store.MarkRead(ctx, room.ID, userID)
	if err != nil {
		return room, err
	}
	room.Unread, room.Mentioned = false, false
	// Unchanged, another tab marked it read and published the line already.
	if changed {
		s.hub.PublishUser(userID, live.EventSidebar, render(ctx, views.SidebarRoomUpdate(room)))
	}
	return room, nil
}

// SidebarsChanged sends each user with an open tab their whole room list, as
// it is now, after a change to their rooms the caller has committed.
func (s *Service) SidebarsChanged(ctx context.Context, userIDs []int64) {
	// Bots have no room list, but their event streams follow their rooms.
	s.MembershipsChanged(ctx, userIDs)
	for _, uid := range userIDs {
		s.publishSidebar(ctx, uid)
	}
}

// publishSidebar holds the order for one user's list at a time, so a change
// to a thousand people's lists lets posts through between them.
func (s *Service) publishSidebar(ctx context.Context, userID int64) {
	if !s.hub.HasStreams(userID) {
		return
	}
	s.publishMu.Lock()
	defer s.publishMu.Unlock()
	rooms, err := s.store.SidebarRooms(ctx, userID)
	if err != nil {
		s.log.Warn("sidebar update", "user_id", userID, "error", err)
		return
	}
	s.hub.PublishUser(userID, live.EventSidebar, render(ctx, views.SidebarRoomsReplace(rooms)))
}

// ChangeRoom writes a change to a room and its members, then publishes it
// (RoomChanged). The write runs in the publication order: a post commits
// either wholly before it or wholly after, and bots' open streams follow
// their new rooms before the next post is published. Otherwise a message
// committed between the change and the streams learning of it would be sent
// to no bot that just joined, and its cursor would pass the message by.
func (s *Service) ChangeRoom(ctx context.Context, write func(context.Context) (db.RoomChange, error)) (db.RoomChange, error) {
	s.publishMu.Lock()
	ch, err := write(ctx)
	if err == nil {
		s.followMemberships(ctx, ch.Members)
		s.followMemberships(ctx, ch.Revoked)
	}
	s.publishMu.Unlock()
	if err != nil {
		return ch, err
	}
	s.RoomChanged(ctx, ch)
	return ch, nil
}

// RoomChanged tells open tabs about a room made or changed (db.RoomChange):
// those removed lose it, every member gets their list afresh, and tabs
// showing a shared room get its name.
func (s *Service) RoomChanged(ctx context.Context, ch db.RoomChange) {
	s.RoomRevoked(ctx, ch.Room.ID, ch.Revoked)
	s.SidebarsChanged(ctx, ch.Members)
	if ch.Room.IsDirect() {
		return
	}
	s.publishMu.Lock()
	defer s.publishMu.Unlock()
	// Read again under the order: of two renames committed close together,
	// the name sent last is the one that stands.
	room, err := s.store.Room(ctx, ch.Room.ID)
	if err != nil {
		s.log.Warn("room name update", "room_id", ch.Room.ID, "error", err)
		return
	}
	s.hub.PublishRoomEphemeral(room.ID, live.EventSidebar, render(ctx, views.RoomNameUpdate(room.Name)), 0)
}

// RoomRevoked tells people who lost a room (removed from it, or it was
// deleted): the room leaves their sidebars, and their streams on it end at
// once, so nothing more of it reaches them; a reconnect is refused.
func (s *Service) RoomRevoked(ctx context.Context, roomID int64, userIDs []int64) {
	if len(userIDs) == 0 {
		return
	}
	frag := render(ctx, views.SidebarRoomRemove(roomID))
	s.publishMu.Lock()
	for _, uid := range userIDs {
		s.hub.PublishUser(uid, live.EventSidebar, frag)
	}
	s.publishMu.Unlock()
	for _, uid := range userIDs {
		s.hub.DisconnectUserFromRoom(uid, roomID)
	}
}

// InvolvementChanged updates the user's sidebars after they set how much of
// a room reaches them: hidden (invisible), it leaves them; shown again, it
// comes back.
func (s *Service) InvolvementChanged(ctx context.Context, roomID, userID int64, before, after model.Involvement) {
	switch {
	case after == model.InvolvementInvisible && before != model.InvolvementInvisible:
		frag := render(ctx, views.SidebarRoomRemove(roomID))
		s.publishMu.Lock()
		s.hub.PublishUser(userID, live.EventSidebar, frag)
		s.publishMu.Unlock()
	case after != model.InvolvementInvisible && before == model.InvolvementInvisible:
		s.SidebarsChanged(ctx, []int64{userID})
	}
}

// publishUnread updates the room's line in the sidebars of those for whom it
// just became unread or who were just mentioned in it; the committer calls
// it holding publishMu. A shared room looks the same to all (but the mark of
// a mention), so it is rendered once or twice; a direct room's name depends
// on who looks.
func (s *Service) publishUnread(ctx context.Context, room model.SidebarRoom, unread, mentioned []int64) {
	if len(unread) == 0 && len(mentioned) == 0 {
		return
	}
	userIDs := unread
	for _, uid := range mentioned {
		if !slices.Contains(userIDs, uid) {
			userIDs = append(slices.Clip(userIDs), uid)
		}
	}
	if !room.IsDirect() {
		line := room
		line.DisplayName, line.Unread, line.Mentioned = room.Name, true, false
		var plain, marked []byte
		for _, uid := range userIDs {
			if slices.Contains(mentioned, uid) {
				if marked == nil {
					m := line
					m.Mentioned = true
					marked = render(ctx, views.SidebarRoomUpdate(m))
				}
				s.hub.PublishUser(uid, live.EventSidebar, marked)
				continue
			}
			if plain == nil {
				plain = render(ctx, views.SidebarRoomUpdate(line))
			}
			s.hub.PublishUser(uid, live.EventSidebar, plain)
		}
		return
	}
	for _, uid := range userIDs {
		line, err := s.store.MemberRoom(ctx, room.ID, uid)
		if err != nil {
			s.log.Warn("sidebar update", "room_id", room.ID, "user_id", uid, "error", err)
			continue
		}
		s.hub.PublishUser(uid, live.EventSidebar, render(ctx, views.SidebarRoomUpdate(line)))
	}
}
