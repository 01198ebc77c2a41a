package handlers

import (
	"net/http"

	"github.com/campfire-go/campfire/views"
)

// showSidebar answers the current user's room list as a fragment; a tab
// fetches it after its stream reconnects, since room-list changes are not
// replayed.
func (h *Handler) showSidebar(w http.ResponseWriter, r *http.Request) {
	u := mustUser(r)
	rooms, err := h.store.SidebarRooms(r.Context(), u.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	current, _ := queryID(r, "room_id")
	h.render(w, r, http.StatusOK, views.SidebarRoomList(rooms, current))
}
