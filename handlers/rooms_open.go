package handlers

import (
	"context"
	"errors"
	"net/http"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/views"
)

// Open rooms: everyone active is a member, and everyone who joins later too.

func (h *Handler) newOpenRoom(w http.ResponseWriter, r *http.Request) {
	h.newRoomForm(w, r, model.RoomOpen)
}

func (h *Handler) createOpenRoom(w http.ResponseWriter, r *http.Request) {
	u, ok := h.requireRoomCreation(w, r)
	if !ok {
		return
	}
	form, ok := h.submittedRoomForm(w, r, model.RoomOpen, model.Room{})
	if !ok {
		return
	}
	ch, err := h.chat.ChangeRoom(r.Context(), func(ctx context.Context) (db.RoomChange, error) {
		return h.store.CreateOpenRoom(ctx, form.Name, u.ID)
	})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.redirect(w, r, views.RoomURL(ch.Room.ID))
}

func (h *Handler) editOpenRoom(w http.ResponseWriter, r *http.Request) {
	h.editRoomForm(w, r, model.RoomOpen)
}

// updateOpenRoom renames a shared room and, when it was closed, opens it to
// everyone.
func (h *Handler) updateOpenRoom(w http.ResponseWriter, r *http.Request) {
	room, _, ok := h.administeredSharedRoom(w, r)
	if !ok {
		return
	}
	form, ok := h.submittedRoomForm(w, r, model.RoomOpen, room.Room)
	if !ok {
		return
	}
	_, err := h.chat.ChangeRoom(r.Context(), func(ctx context.Context) (db.RoomChange, error) {
		return h.store.UpdateOpenRoom(ctx, room.ID, form.Name)
	})
	if errors.Is(err, db.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.redirect(w, r, views.RoomURL(room.ID))
}

// rerenderRoomForm answers 422 with the form as it was sent and what is wrong.
func (h *Handler) rerenderRoomForm(w http.ResponseWriter, r *http.Request, kind model.RoomKind, room model.Room, form roomForm, problem string) {
	f, err := h.roomFormProps(r, kind, room, form.Name, idSet(form.UserIDs))
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	f.Error = problem
	h.renderRoomForm(w, r, http.StatusUnprocessableEntity, f)
}
