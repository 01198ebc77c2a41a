package handlers

import (
	"crypto/subtle"
	"errors"
	"net/http"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/views"
	"github.com/go-chi/chi/v5"
)

func joinForm(code string, f userForm, errs map[string]string) views.UserFormProps {
	return views.UserFormProps{
		Action:  views.JoinURL(code),
		Heading: "Sign up",
		Intro:   "Make your account to join the conversation.",
		Name:    f.Name, Email: f.Email, Errors: errs, Submit: "Join",
	}
}

// joinCode checks the route's join code. Signed-in people are sent home and
// a wrong code is a 404, so a guessed link reveals nothing.
func (h *Handler) joinCode(w http.ResponseWriter, r *http.Request) (string, bool) {
	if _, ok := currentUser(r.Context()); ok {
		h.redirect(w, r, "/")
		return "", false
	}
	// Guessing codes counts against the address like a wrong password.
	ip := h.remote(r).IP
	if wait, limited := h.failures.blocked(ip); limited {
		h.refuseAttempts(w, wait)
		h.errorPage(w, r, http.StatusTooManyRequests, "Too many attempts", tooManyAttempts(wait))
		return "", false
	}
	code := chi.URLParam(r, "joinCode")
	a, err := h.store.Account(r.Context())
	if errors.Is(err, db.ErrNotFound) {
		h.notFound(w, r)
		return "", false
	}
	if err != nil {
		h.serverError(w, r, err)
		return "", false
	}
	if code == "" || subtle.ConstantTimeCompare([]byte(code), []byte(a.JoinCode)) != 1 {
		h.failures.record(ip)
		h.notFound(w, r)
		return "", false
	}
	return code, true
}

func (h *Handler) newJoin(w http.ResponseWriter, r *http.Request) {
	code, ok := h.joinCode(w, r)
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, views.UserFormPage(h.page(r, "Sign up"), joinForm(code, userForm{}, nil)))
}

// createJoin makes a member of every open room and signs them in.
func (h *Handler) createJoin(w http.ResponseWriter, r *http.Request) {
	code, ok := h.joinCode(w, r)
	if !ok {
		return
	}
	// Only failures count against the address: an office joins together
	// from one address, and each join is an account the admins can see.
	f, err := parseUserForm(r)
	if err != nil {
		h.formError(w, r, err)
		return
	}
	if errs := f.problems(); len(errs) > 0 {
		h.failures.record(h.remote(r).IP)
		h.render(w, r, http.StatusUnprocessableEntity, views.UserFormPage(h.page(r, "Sign up"), joinForm(code, f, errs)))
		return
	}
	digest, err := h.hashPassword(f.Password)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	u, err := h.store.CreateMember(r.Context(), f.Name, f.Email, string(digest))
	if errors.Is(err, db.ErrEmailTaken) {
		h.failures.record(h.remote(r).IP)
		h.render(w, r, http.StatusUnprocessableEntity, views.UserFormPage(h.page(r, "Sign up"), joinForm(code, f,
			map[string]string{"email_address": "Someone already uses this email address. Sign in instead, or use another one."})))
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if _, err := h.signIn(w, r, u); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.redirect(w, r, "/")
}
