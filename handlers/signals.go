package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/campfire-go/campfire/internal/chat"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/internal/typing"
)

// A tab's passing signals about a room: it was hidden or shown again, its
// person started or stopped typing. The chat service publishes them.

// presence records that a tab was hidden (state=absent) or shown again
// (state=present). Shown again, the room counts as read.
func (h *Handler) presence(w http.ResponseWriter, r *http.Request) {
	room, visible, ok := h.roomState(w, r, "present", "absent")
	if !ok {
		return
	}
	u := mustUser(r)
	if err := h.chat.SetVisible(r.Context(), room, u.ID, visible); err != nil {
		h.serverError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// typing passes "someone is typing" (state=start or stop) to the others in
// the room.
func (h *Handler) typing(w http.ResponseWriter, r *http.Request) {
	room, start, ok := h.roomState(w, r, "start", "stop")
	if !ok {
		return
	}
	u := mustUser(r)
	if err := h.chat.Typing(r.Context(), room.ID, u, start); errors.Is(err, chat.ErrTypingLimited) {
		w.Header().Set("Retry-After", strconv.Itoa(int(typing.Window/time.Second)))
		http.Error(w, "Too many typing notices.", http.StatusTooManyRequests)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// roomState reads a signal: the route's room, and whether its state is the
// first of the two words it may be. Otherwise it answers, and ok is false.
func (h *Handler) roomState(w http.ResponseWriter, r *http.Request, on, off string) (room model.SidebarRoom, isOn, ok bool) {
	room, ok = h.memberRoom(w, r)
	if !ok {
		return room, false, false
	}
	if err := r.ParseForm(); err != nil {
		h.formError(w, r, err)
		return room, false, false
	}
	switch r.PostForm.Get("state") {
	case on:
		return room, true, true
	case off:
		return room, false, true
	}
	h.unprocessable(w, r, "state must be "+on+" or "+off+".")
	return room, false, false
}
