package handlers

import (
	"errors"
	"net/http"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/views"
)

// routeUser loads the user named by the route, answering 404 when there is none.
func (h *Handler) routeUser(w http.ResponseWriter, r *http.Request) (model.User, bool) {
	id, err := pathID(r, "userID")
	if err != nil {
		h.notFound(w, r)
		return model.User{}, false
	}
	u, err := h.store.User(r.Context(), id)
	if errors.Is(err, db.ErrNotFound) {
		h.notFound(w, r)
		return model.User{}, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return model.User{}, false
	}
	return u, true
}

// showUser is a person's profile card. Administrators also see the email
// address, a sign-in link to hand over, and the ban controls.
func (h *Handler) showUser(w http.ResponseWriter, r *http.Request) {
	viewer := mustUser(r)
	u, ok := h.routeUser(w, r)
	if !ok {
		return
	}
	props := views.UserPageProps{User: u, Viewer: viewer}
	if viewer.IsAdmin() && !u.IsBot() {
		if u.Status == model.StatusActive {
			token, err := h.transferToken(r.Context(), u.ID)
			if err != nil {
				h.serverError(w, r, err)
				return
			}
			props.TransferURL = h.remote(r).url(views.TransferURL(token))
		}
		if u.Status == model.StatusBanned {
			ips, err := h.store.BannedIPs(r.Context(), u.ID)
			if err != nil {
				h.serverError(w, r, err)
				return
			}
			props.BannedIPs = ips
		}
	}
	page := h.page(r, u.Name)
	page.Notice = h.sessions.PopString(r.Context(), flashKey)
	h.render(w, r, http.StatusOK, views.UserPage(page, props))
}

// updateUserRole makes an active person a member or an administrator.
func (h *Handler) updateUserRole(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "userID")
	if err != nil {
		h.notFound(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.formError(w, r, err)
		return
	}
	role := model.Role(r.PostForm.Get("user[role]"))
	if role != model.RoleMember && role != model.RoleAdministrator {
		h.unprocessable(w, r, "user[role] is member or administrator.")
		return
	}
	err = h.store.SetRole(r.Context(), id, role)
	if h.userChangeFailed(w, r, err) {
		return
	}
	h.sessions.Put(r.Context(), flashKey, "Role changed.")
	h.redirect(w, r, "/account/edit")
}

// deactivateUser removes a person from the account. Every sign-in ends and
// open streams close now, not at their next request.
func (h *Handler) deactivateUser(w http.ResponseWriter, r *http.Request) {
	viewer := mustUser(r)
	id, err := pathID(r, "userID")
	if err != nil {
		h.notFound(w, r)
		return
	}
	if id == viewer.ID {
		h.unprocessable(w, r, "You can't remove yourself from the account.")
		return
	}
	err = h.store.DeactivateUser(r.Context(), id)
	if h.userChangeFailed(w, r, err) {
		return
	}
	h.hub.DisconnectUser(id)
	h.sessions.Put(r.Context(), flashKey, "Removed from the account.")
	h.redirect(w, r, "/account/edit")
}

// userChangeFailed answers a failed change to a person by an administrator
// (role, removal, ban): 404 for nobody, 422 when it would leave the account
// without an administrator, 500 otherwise. It reports whether it answered.
func (h *Handler) userChangeFailed(w http.ResponseWriter, r *http.Request, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, db.ErrNotFound):
		h.notFound(w, r)
	case errors.Is(err, db.ErrLastAdministrator):
		h.unprocessable(w, r, "The account needs at least one administrator.")
	default:
		h.serverError(w, r, err)
	}
	return true
}
