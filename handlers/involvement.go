package handlers

import (
	"errors"
	"net/http"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/views"
)

// showInvolvement offers every notification choice for the room; htmx gets
// the bell alone.
func (h *Handler) showInvolvement(w http.ResponseWriter, r *http.Request) {
	room, ok := h.memberRoom(w, r)
	if !ok {
		return
	}
	if isPartial(r) {
		h.render(w, r, http.StatusOK, views.Bell(bellProps(room)))
		return
	}
	h.render(w, r, http.StatusOK, views.InvolvementPage(h.page(r, "Notifications"), room))
}

func bellProps(room model.SidebarRoom) views.BellProps {
	return views.BellProps{RoomID: room.ID, Involvement: room.Involvement, Direct: room.IsDirect()}
}

// updateInvolvement sets how much of the room reaches the user. Hiding a room
// takes it off their sidebar; showing it again puts it back.
func (h *Handler) updateInvolvement(w http.ResponseWriter, r *http.Request) {
	room, ok := h.memberRoom(w, r)
	if !ok {
		return
	}
	u := mustUser(r)
	if err := r.ParseForm(); err != nil {
		h.formError(w, r, err)
		return
	}
	involvement := model.Involvement(r.PostForm.Get("involvement"))
	if !involvement.Valid() {
		h.unprocessable(w, r, "involvement must be everything, mentions, nothing or invisible.")
		return
	}
	before, err := h.store.SetInvolvement(r.Context(), room.ID, u.ID, involvement)
	if errors.Is(err, db.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.chat.InvolvementChanged(r.Context(), room.ID, u.ID, before, involvement)
	room.Involvement = involvement
	if isPartial(r) {
		h.render(w, r, http.StatusOK, views.BellReplace(bellProps(room)))
		return
	}
	h.redirect(w, r, views.RoomURL(room.ID))
}
