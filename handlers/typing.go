package handlers

import (
	"net/http"
)

// typing passes "someone is typing" to the others in the room.
func (h *Handler) typing(w http.ResponseWriter, r *http.Request) {
	room, ok := h.memberRoom(w, r)
	if !ok {
		return
	}
	u, _ := currentUser(r.Context())
	if err := r.ParseForm(); err != nil {
		h.formError(w, r, err)
		return
	}
	var typing bool
	switch r.PostForm.Get("state") {
	case "start":
		typing = true
	case "stop":
	default:
		h.unprocessable(w, r, "state must be start or stop.")
		return
	}
	h.chat.Typing(r.Context(), room.ID, u, typing)
	w.WriteHeader(http.StatusNoContent)
}
