package handlers

import (
	"errors"
	"net/http"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/views"
)

// deleteLinkPreview takes the preview card off a message; only the
// message's creator may (SPEC §12). Every open tab sees the message
// replaced without it.
func (h *Handler) deleteLinkPreview(w http.ResponseWriter, r *http.Request) {
	_, m, ok := h.roomMessage(w, r)
	if !ok {
		return
	}
	if mustUser(r).ID != m.CreatorID {
		h.forbidden(w, r)
		return
	}
	if m.Preview == nil {
		h.notFound(w, r)
		return
	}
	err := h.chat.RemoveLinkPreview(r.Context(), m.ID)
	if errors.Is(err, db.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if isPartial(r) {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	h.redirect(w, r, views.MessagePermalink(m.RoomID, m.ID))
}

// showLinkPreviewImage serves the image of a message's preview card, made
// by the server from the linked page's image, to the members of its room.
func (h *Handler) showLinkPreviewImage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "messageID")
	if err != nil {
		h.notFound(w, r)
		return
	}
	roomID, key, err := h.store.LinkPreviewImage(r.Context(), id)
	if errors.Is(err, db.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	member, err := h.store.IsMember(r.Context(), roomID, mustUser(r).ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if !member {
		h.notFound(w, r)
		return
	}
	if !h.serveBlob(w, r, key, views.URLVersion(key), "private") {
		h.notFound(w, r)
	}
}
