package handlers

import (
	"errors"
	"net/http"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/chat"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/views"
)

// boostedMessage loads the route's message when the current user is a member
// of its room. A message the user cannot see is answered as not found, so
// its existence does not leak.
func (h *Handler) boostedMessage(w http.ResponseWriter, r *http.Request) (model.Message, bool) {
	u := mustUser(r)
	id, err := pathID(r, "messageID")
	if err != nil {
		h.notFound(w, r)
		return model.Message{}, false
	}
	m, err := h.store.Message(r.Context(), id)
	if errors.Is(err, db.ErrNotFound) {
		h.notFound(w, r)
		return model.Message{}, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return model.Message{}, false
	}
	member, err := h.store.IsMember(r.Context(), m.RoomID, u.ID)
	if err != nil {
		h.serverError(w, r, err)
		return model.Message{}, false
	}
	if !member {
		h.notFound(w, r)
		return model.Message{}, false
	}
	return m, true
}

func (h *Handler) createBoost(w http.ResponseWriter, r *http.Request) {
	m, ok := h.boostedMessage(w, r)
	if !ok {
		return
	}
	u := mustUser(r)
	if err := r.ParseForm(); err != nil {
		h.formError(w, r, err)
		return
	}
	_, err := h.chat.Boost(r.Context(), m, u, r.PostForm.Get("boost[content]"))
	var ve *chat.ValidationError
	switch {
	case errors.As(err, &ve):
		h.unprocessable(w, r, ve.Message)
		return
	case errors.Is(err, db.ErrNotFound):
		h.notFound(w, r) // deleted meanwhile
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	h.boosted(w, r, m)
}

func (h *Handler) deleteBoost(w http.ResponseWriter, r *http.Request) {
	m, ok := h.boostedMessage(w, r)
	if !ok {
		return
	}
	u := mustUser(r)
	id, err := pathID(r, "boostID")
	if err != nil {
		h.notFound(w, r)
		return
	}
	b, err := h.store.Boost(r.Context(), id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && b.MessageID != m.ID) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if b.BoosterID != u.ID {
		h.forbidden(w, r)
		return
	}
	if err := h.chat.RemoveBoost(r.Context(), b); err != nil && !errors.Is(err, db.ErrNotFound) {
		h.serverError(w, r, err)
		return
	}
	h.boosted(w, r, m)
}

// boosted answers a boost change: htmx gets the message's new state (the
// stream brings the same to everyone else), a plain form goes back to it.
func (h *Handler) boosted(w http.ResponseWriter, r *http.Request, m model.Message) {
	if !isPartial(r) {
		h.redirect(w, r, views.MessagePermalink(m.RoomID, m.ID))
		return
	}
	updated, err := h.store.Message(r.Context(), m.ID)
	if errors.Is(err, db.ErrNotFound) {
		h.render(w, r, http.StatusOK, views.MessageRemove(m.DomID()))
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.MessageReplace(updated))
}
