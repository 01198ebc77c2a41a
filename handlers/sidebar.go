package handlers

import (
	"context"
	"net/http"

	"github.com/campfire-go/campfire/internal/chat"
	"github.com/campfire-go/campfire/internal/live"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/views"
)

// showSidebar answers the current user's room list as a fragment; a tab
// fetches it after its stream reconnects, since room-list changes are not
// replayed.
func (h *Handler) showSidebar(w http.ResponseWriter, r *http.Request) {
	u, _ := currentUser(r.Context())
	rooms, err := h.store.SidebarRooms(r.Context(), u.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	current, _ := queryID(r, "room_id")
	h.render(w, r, http.StatusOK, views.SidebarRoomList(rooms, current))
}

// publishSidebars sends each user with an open stream their whole room list,
// read now, after the change that calls it. An unread mark published by the
// chat service between the read and the send can be painted over by this
// older list; the tab's list is fetched afresh on its next reconnect, and the
// room page marks the room read or unread correctly whenever it is opened.
func (h *Handler) publishSidebars(ctx context.Context, userIDs []int64) {
	// Bots have no room list, but their event streams follow their rooms.
	h.chat.MembershipsChanged(ctx, userIDs)
	h.sidebarMu.Lock()
	defer h.sidebarMu.Unlock()
	for _, uid := range userIDs {
		if !h.hub.HasStreams(uid) {
			continue
		}
		rooms, err := h.store.SidebarRooms(ctx, uid)
		if err != nil {
			h.log.Warn("sidebar update", "user_id", uid, "error", err)
			continue
		}
		h.hub.PublishUser(uid, live.EventSidebar, chat.Render(ctx, views.SidebarRoomsReplace(rooms)))
	}
}

// revoke tells people who lost a room (removed from it, or it was deleted):
// the room leaves their sidebars, and their streams on it end at once, so
// nothing more of it reaches them; a reconnect is refused.
func (h *Handler) revoke(ctx context.Context, roomID int64, userIDs []int64) {
	if len(userIDs) == 0 {
		return
	}
	frag := chat.Render(ctx, views.SidebarRoomRemove(roomID))
	h.sidebarMu.Lock()
	for _, uid := range userIDs {
		h.hub.PublishUser(uid, live.EventSidebar, frag)
	}
	h.sidebarMu.Unlock()
	for _, uid := range userIDs {
		h.hub.DisconnectUserFromRoom(uid, roomID)
	}
}

// publishRoomName updates the header of tabs showing a shared room that was
// renamed.
func (h *Handler) publishRoomName(ctx context.Context, room model.Room) {
	if room.IsDirect() {
		return
	}
	h.hub.PublishRoomEphemeral(room.ID, live.EventSidebar, chat.Render(ctx, views.RoomNameUpdate(room.Name)), 0)
}
