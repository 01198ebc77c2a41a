package handlers

import (
	"errors"
	"net/http"
	"time"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/views"
	"github.com/go-chi/chi/v5"
)

const badTransfer = "This sign-in link is not valid or has expired. Ask for a new one."

// transferUser resolves the route's token to the active person it signs in,
// answering 400 when it can't.
func (h *Handler) transferUser(w http.ResponseWriter, r *http.Request) (model.User, bool) {
	key, err := h.transfer.get(r.Context(), h.store.SetSettingIfAbsent)
	if err != nil {
		h.serverError(w, r, err)
		return model.User{}, false
	}
	id, ok := verifyTransfer(key, chi.URLParam(r, "token"), time.Now())
	if !ok {
		h.badRequest(w, r, badTransfer)
		return model.User{}, false
	}
	u, err := h.store.User(r.Context(), id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && (u.Status != model.StatusActive || u.IsBot())) {
		h.badRequest(w, r, badTransfer)
		return model.User{}, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return model.User{}, false
	}
	return u, true
}

// showTransfer shows the form that signs in with the link. A link that can't
// work says so here rather than after the form is sent.
func (h *Handler) showTransfer(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.transferUser(w, r); !ok {
		return
	}
	h.render(w, r, http.StatusOK, views.TransferPage(h.page(r, "Sign in"), chi.URLParam(r, "token")))
}

func (h *Handler) updateTransfer(w http.ResponseWriter, r *http.Request) {
	u, ok := h.transferUser(w, r)
	if !ok {
		return
	}
	returnTo, err := h.signIn(w, r, u)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.redirect(w, r, returnTo)
}
