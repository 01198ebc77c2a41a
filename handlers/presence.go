package handlers

import (
	"net/http"
)

// presence records that a tab was hidden (state=absent) or shown again
// (state=present); the chat service keeps who is here (internal/chat's
// presence.go says how). Shown again, the room counts as read.
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
	if err := h.chat.SetVisible(r.Context(), room, u.ID, visible); err != nil {
		h.serverError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
