package handlers

import (
	"net/http"

	"github.com/campfire-go/campfire/internal/chat"
	"github.com/campfire-go/campfire/internal/live"
	"github.com/campfire-go/campfire/views"
)

// typing passes "someone is typing" to the others in the room. Nothing is
// stored or replayed: it only matters for the next few seconds, and the
// browsers drop a line that is not renewed within 5 s.
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
	var frag []byte
	switch r.PostForm.Get("state") {
	case "start":
		frag = chat.Render(r.Context(), views.TypingStart(u.ID, u.Name))
	case "stop":
		frag = chat.Render(r.Context(), views.TypingStop(u.ID))
	default:
		h.unprocessable(w, r, "state must be start or stop.")
		return
	}
	h.hub.PublishRoomEphemeral(room.ID, live.EventTyping, frag, u.ID)
	w.WriteHeader(http.StatusNoContent)
}
