package handlers

import (
	"errors"
	"net/http"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/views"
)

func firstRunForm(f userForm, errs map[string]string) views.UserFormProps {
	return views.UserFormProps{
		Action:  "/first_run",
		Heading: "Set up Campfire",
		Intro:   "You'll be the administrator. Your team's first room, All Talk, is made for you.",
		Name:    f.Name, Email: f.Email, Errors: errs, Submit: "Create my account",
	}
}

func (h *Handler) newFirstRun(w http.ResponseWriter, r *http.Request) {
	if ok, err := h.store.HasUsers(r.Context()); err != nil {
		h.serverError(w, r, err)
		return
	} else if ok {
		h.redirect(w, r, "/")
		return
	}
	h.render(w, r, http.StatusOK, views.UserFormPage(h.page(r, "Set up Campfire"), firstRunForm(userForm{}, nil)))
}

func (h *Handler) createFirstRun(w http.ResponseWriter, r *http.Request) {
	f, err := parseUserForm(r)
	if err != nil {
		h.badRequest(w, r, "The form could not be read.")
		return
	}
	if errs := f.problems(); len(errs) > 0 {
		h.render(w, r, http.StatusUnprocessableEntity, views.UserFormPage(h.page(r, "Set up Campfire"), firstRunForm(f, errs)))
		return
	}
	digest, err := h.hashPassword(f.Password)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	u, err := h.store.FirstRun(r.Context(), db.FirstRunParams{
		Name: f.Name, Email: f.Email, PasswordDigest: string(digest), JoinCode: newJoinCode(),
	})
	if errors.Is(err, db.ErrAlreadySetUp) {
		h.redirect(w, r, "/")
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
