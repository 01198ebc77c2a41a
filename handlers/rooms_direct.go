package handlers

import (
	"context"
	"errors"
	"net/http"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/views"
)

// Direct rooms: a conversation of exactly some people, found again when the
// same people start one. Any participant may delete it.

func (h *Handler) newDirectRoom(w http.ResponseWriter, r *http.Request) {
	h.renderDirectForm(w, r, http.StatusOK, "")
}

func (h *Handler) renderDirectForm(w http.ResponseWriter, r *http.Request, status int, problem string) {
	u := mustUser(r)
	people, err := h.store.ActivePeople(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	others := people[:0]
	for _, p := range people {
		if p.ID != u.ID {
			others = append(others, p)
		}
	}
	h.render(w, r, status, views.DirectFormPage(h.page(r, "New direct message"),
		views.DirectFormProps{People: others, Error: problem}))
}

func (h *Handler) createDirectRoom(w http.ResponseWriter, r *http.Request) {
	u := mustUser(r)
	if err := r.ParseForm(); err != nil {
		h.formError(w, r, err)
		return
	}
	ids, err := formIDs(r, "user_ids[]", "user_ids")
	if err != nil {
		h.roomFormError(w, r, err)
		return
	}
	// Nobody chosen used to become a conversation with oneself, unasked:
	// ask again. (Choosing oneself on purpose, for notes, stays possible.)
	if len(ids) == 0 {
		h.renderDirectForm(w, r, http.StatusUnprocessableEntity, "Choose at least one person to write to.")
		return
	}
	ch, err := h.chat.ChangeRoom(r.Context(), func(ctx context.Context) (db.RoomChange, error) {
		ch, _, err := h.store.FindOrCreateDirectRoom(ctx, u.ID, ids)
		return ch, err
	})
	if errors.Is(err, db.ErrUnknownUsers) {
		h.renderDirectForm(w, r, http.StatusUnprocessableEntity, unknownPeople)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	// Found or made, the room went to the top of everyone's list (ChangeRoom
	// published it), as when a message arrives.
	h.redirect(w, r, views.RoomURL(ch.Room.ID))
}

// directRoom loads the route's direct room for a participant.
func (h *Handler) directRoom(w http.ResponseWriter, r *http.Request) (model.SidebarRoom, bool) {
	room, ok := h.memberRoom(w, r)
	if !ok {
		return room, false
	}
	if !room.IsDirect() {
		h.notFound(w, r)
		return room, false
	}
	return room, true
}

func (h *Handler) editDirectRoom(w http.ResponseWriter, r *http.Request) {
	room, ok := h.directRoom(w, r)
	if !ok {
		return
	}
	people, err := h.store.RoomPeople(r.Context(), room.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.DirectEditPage(h.page(r, room.DisplayName),
		views.DirectEditProps{Room: room, People: people}))
}

func (h *Handler) deleteDirectRoom(w http.ResponseWriter, r *http.Request) {
	room, ok := h.directRoom(w, r)
	if !ok {
		return
	}
	h.destroyRoom(w, r, room)
}
