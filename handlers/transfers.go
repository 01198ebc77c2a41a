package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/views"
	"github.com/go-chi/chi/v5"
)

const badTransfer = "This sign-in link is not valid or has expired. Ask for a new one."

// transferUser resolves the route's token to the active person it signs in
// and the epoch it carries, answering 400 when the link can't work: forged,
// expired, used, or revoked by a password change or sign-out.
func (h *Handler) transferUser(w http.ResponseWriter, r *http.Request) (model.User, int64, bool) {
	key, err := h.transfer.get(r.Context(), h.store.SetSettingIfAbsent)
	if err != nil {
		h.serverError(w, r, err)
		return model.User{}, 0, false
	}
	id, epoch, ok := verifyTransfer(key, chi.URLParam(r, "token"), time.Now())
	if !ok {
		h.badRequest(w, r, badTransfer)
		return model.User{}, 0, false
	}
	u, err := h.store.User(r.Context(), id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && (u.Status != model.StatusActive || u.IsBot())) {
		h.badRequest(w, r, badTransfer)
		return model.User{}, 0, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return model.User{}, 0, false
	}
	current, err := h.store.TransferEpoch(r.Context(), u.ID)
	if errors.Is(err, db.ErrNotFound) || (err == nil && current != epoch) {
		h.badRequest(w, r, badTransfer)
		return model.User{}, 0, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return model.User{}, 0, false
	}
	return u, epoch, true
}

// showTransfer says whose account the link signs in to and asks before doing
// it. Following a link signs nobody in by itself (previews and scanners follow
// links too), and someone already signed in here is told they would be
// signed out of their own account.
func (h *Handler) showTransfer(w http.ResponseWriter, r *http.Request) {
	u, _, ok := h.transferUser(w, r)
	if !ok {
		return
	}
	h.renderTransfer(w, r, http.StatusOK, u)
}

func (h *Handler) renderTransfer(w http.ResponseWriter, r *http.Request, status int, u model.User) {
	props := views.TransferProps{Token: chi.URLParam(r, "token"), ID: u.ID, Name: u.Name}
	if cur, ok := currentUser(r.Context()); ok {
		props.CurrentID, props.CurrentName = cur.ID, cur.Name
	}
	h.render(w, r, status, views.TransferPage(h.page(r, "Sign in"), props))
}

// updateTransfer signs in with the link, once. Someone signed in as another
// person must have said so on the form (switch_from, their own id): their
// sign-in here is ended, never silently replaced.
func (h *Handler) updateTransfer(w http.ResponseWriter, r *http.Request) {
	u, epoch, ok := h.transferUser(w, r)
	if !ok {
		return
	}
	cur, signedIn := currentUser(r.Context())
	if signedIn && cur.ID == u.ID {
		h.redirect(w, r, "/") // already this person here; the link stays unused
		return
	}
	if signedIn {
		if err := r.ParseForm(); err != nil {
			h.formError(w, r, err)
			return
		}
		if r.PostForm.Get("switch_from") != strconv.FormatInt(cur.ID, 10) {
			h.renderTransfer(w, r, http.StatusConflict, u)
			return
		}
	}
	err := h.store.UseTransfer(r.Context(), u.ID, epoch)
	if errors.Is(err, db.ErrNotFound) {
		h.badRequest(w, r, badTransfer)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if signedIn {
		if sid := h.sessions.GetInt64(r.Context(), sessionIDKey); sid != 0 {
			if err := h.store.DeleteUserSession(r.Context(), sid); err != nil {
				h.serverError(w, r, err)
				return
			}
			h.hub.DisconnectSessions(sid)
		}
	}
	returnTo, err := h.signIn(w, r, u)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.redirect(w, r, returnTo)
}
