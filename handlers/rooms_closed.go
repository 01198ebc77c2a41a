package handlers

import (
	"context"
	"errors"
	"net/http"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/views"
)

// Closed rooms: exactly the people picked, and the room's creator.

const unknownPeople = "Pick people from the list: some are not on this account any more."

func (h *Handler) newClosedRoom(w http.ResponseWriter, r *http.Request) {
	h.newRoomForm(w, r, model.RoomClosed)
}

func (h *Handler) createClosedRoom(w http.ResponseWriter, r *http.Request) {
	u, ok := h.requireRoomCreation(w, r)
	if !ok {
		return
	}
	form, ok := h.submittedRoomForm(w, r, model.RoomClosed, model.Room{})
	if !ok {
		return
	}
	ch, err := h.chat.ChangeRoom(r.Context(), func(ctx context.Context) (db.RoomChange, error) {
		return h.store.CreateClosedRoom(ctx, form.Name, u.ID, form.UserIDs)
	})
	if errors.Is(err, db.ErrUnknownUsers) {
		h.rerenderRoomForm(w, r, model.RoomClosed, model.Room{}, form, unknownPeople)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.redirect(w, r, views.RoomURL(ch.Room.ID))
}

func (h *Handler) editClosedRoom(w http.ResponseWriter, r *http.Request) {
	h.editRoomForm(w, r, model.RoomClosed)
}

// updateClosedRoom renames a shared room and sets its members to those picked
// (and its creator), closing it when it was open. People left out lose the
// room at once: it leaves their sidebar and their streams on it end.
func (h *Handler) updateClosedRoom(w http.ResponseWriter, r *http.Request) {
	room, u, ok := h.administeredSharedRoom(w, r)
	if !ok {
		return
	}
	form, ok := h.submittedRoomForm(w, r, model.RoomClosed, room.Room)
	if !ok {
		return
	}
	ch, err := h.chat.ChangeRoom(r.Context(), func(ctx context.Context) (db.RoomChange, error) {
		return h.store.UpdateClosedRoom(ctx, room.ID, form.Name, form.UserIDs)
	})
	switch {
	case errors.Is(err, db.ErrUnknownUsers):
		h.rerenderRoomForm(w, r, model.RoomClosed, room.Room, form, unknownPeople)
		return
	case errors.Is(err, db.ErrNotFound):
		h.notFound(w, r)
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	if !idSet(ch.Members)[u.ID] {
		// An administrator who left themselves out can no longer see it.
		h.redirect(w, r, "/")
		return
	}
	h.redirect(w, r, views.RoomURL(room.ID))
}
