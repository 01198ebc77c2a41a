package handlers

import (
	"errors"
	"net/http"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/views"
)

const signInAlert = "Too many requests or unauthorized."

func (h *Handler) newSession(w http.ResponseWriter, r *http.Request) {
	if ok, err := h.store.HasUsers(r.Context()); err != nil {
		h.serverError(w, r, err)
		return
	} else if !ok {
		h.redirect(w, r, "/first_run")
		return
	}
	h.renderSignIn(w, r, http.StatusOK, r.URL.Query().Get("email_address"), "")
}

func (h *Handler) renderSignIn(w http.ResponseWriter, r *http.Request, status int, email, alert string) {
	name := "Campfire"
	if a, err := h.store.Account(r.Context()); err == nil {
		name = a.Name
	}
	h.render(w, r, status, views.SignInPage(h.page(r, "Sign in"), views.SignInProps{
		AccountName: name, Email: email, Alert: alert,
	}))
}

// createSession signs a person in. Guessing is limited two ways: failed
// attempts on one account, from any address (so a password is not guessed
// from many addresses), and failures from one address (so one address does
// not try many accounts). Successes do not count: a whole office signs in
// from one address, and one person from many tabs and devices.
func (h *Handler) createSession(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		h.badRequest(w, r, "The form could not be read.")
		return
	}
	email, password := r.PostForm.Get("email_address"), r.PostForm.Get("password")
	ip, account := h.remote(r).IP, accountKey(email)
	if wait, limited := h.signInLimited(ip, account); limited {
		h.refuseAttempts(w, wait)
		h.renderSignIn(w, r, http.StatusTooManyRequests, email, tooManyAttempts(wait))
		return
	}
	u, digest, err := h.store.UserPassword(r.Context(), email)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		h.serverError(w, r, err)
		return
	}
	if !h.passwordMatches(digest, password) {
		h.failures.record(ip)
		h.accountFailures.record(account)
		h.renderSignIn(w, r, http.StatusUnauthorized, email, signInAlert)
		return
	}
	returnTo, err := h.signIn(w, r, u)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.redirect(w, r, returnTo)
}

func (h *Handler) destroySession(w http.ResponseWriter, r *http.Request) {
	if sid := h.sessions.GetInt64(r.Context(), sessionIDKey); sid != 0 {
		if err := h.store.DeleteUserSession(r.Context(), sid); err != nil {
			h.serverError(w, r, err)
			return
		}
		// The sign-in's streams end now, and its stream tokens with them.
		h.hub.DisconnectSessions(sid)
	}
	if err := h.sessions.Destroy(r.Context()); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.redirect(w, r, "/session/new")
}
