package handlers

import (
	"errors"
	"image"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/internal/richtext"
	"github.com/campfire-go/campfire/views"
)

// maxBio is the longest a bio may be, in characters.
const maxBio = 200

// profileForm is a person's own name, email, new password (blank keeps the
// old one) and bio.
type profileForm struct {
	userForm
	Bio string
	// Avatar is a new avatar picked in the form, nil when none was;
	// AvatarProblem says what is wrong with the file sent instead.
	Avatar        image.Image
	AvatarProblem string
}

func parseProfileForm(w http.ResponseWriter, r *http.Request, current model.User) (profileForm, error) {
	if err := parseImageForm(w, r); err != nil {
		return profileForm{}, err
	}
	f := profileForm{userForm: userForm{Name: current.Name, Email: current.Email}, Bio: current.Bio}
	if vs, ok := r.PostForm["user[name]"]; ok {
		f.Name = strings.TrimSpace(vs[0])
	}
	if vs, ok := r.PostForm["user[email_address]"]; ok {
		f.Email = strings.TrimSpace(vs[0])
	}
	if vs, ok := r.PostForm["user[bio]"]; ok {
		f.Bio = strings.TrimSpace(vs[0])
	}
	f.Password = r.PostForm.Get("user[password]")
	img, _, problem, err := uploadedImage(r, "user[avatar]")
	if err != nil {
		return profileForm{}, err
	}
	f.Avatar, f.AvatarProblem = img, problem
	return f, nil
}

func (f profileForm) problems() map[string]string {
	errs := f.userForm.problems()
	if f.Password == "" {
		delete(errs, "password")
	}
	if f.AvatarProblem != "" {
		errs["avatar"] = f.AvatarProblem
	}
	if !utf8.ValidString(f.Bio) {
		errs["bio"] = "The bio is not valid UTF-8 text."
	} else if utf8.RuneCountInString(f.Bio) > maxBio {
		errs["bio"] = "Use at most 200 characters."
	} else if p := richtext.LineProblem(f.Bio); f.Bio != "" && p != "" {
		errs["bio"] = p
	}
	return errs
}

func (h *Handler) showProfile(w http.ResponseWriter, r *http.Request) {
	u := mustUser(r)
	f := profileForm{userForm: userForm{Name: u.Name, Email: u.Email}, Bio: u.Bio}
	h.renderProfile(w, r, http.StatusOK, f, nil)
}

func (h *Handler) renderProfile(w http.ResponseWriter, r *http.Request, status int, f profileForm, errs map[string]string) {
	u := mustUser(r)
	rooms, err := h.store.UserMemberships(r.Context(), u.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	token, err := h.transferToken(r.Context(), u.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	sid := h.sessions.GetInt64(r.Context(), sessionIDKey)
	sessions, err := h.store.UserSessions(r.Context(), u.ID, h.cfg.SessionLifetime)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	page := h.page(r, "My profile")
	page.Notice = h.sessions.PopString(r.Context(), flashKey)
	h.render(w, r, status, views.ProfilePage(page, views.ProfileProps{
		UserID: u.ID, AvatarKey: u.AvatarKey, Name: f.Name, Email: f.Email, Bio: f.Bio, Errors: errs,
		Memberships: rooms,
		TransferURL: h.remote(r).url(views.TransferURL(token)),
		Sessions:    sessions, CurrentSession: sid,
	}))
}

// updateProfile saves the current person's own profile; nobody edits
// another's.
func (h *Handler) updateProfile(w http.ResponseWriter, r *http.Request) {
	u := mustUser(r)
	f, err := parseProfileForm(w, r, u)
	if err != nil {
		h.formError(w, r, err)
		return
	}
	if errs := f.problems(); len(errs) > 0 {
		h.renderProfile(w, r, http.StatusUnprocessableEntity, f, errs)
		return
	}
	change := db.ProfileChange{Name: f.Name, Email: f.Email, Bio: f.Bio}
	if f.Password != "" {
		digest, err := h.hashPassword(f.Password)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		change.PasswordDigest = string(digest)
	}
	sid := h.sessions.GetInt64(r.Context(), sessionIDKey)
	err = h.store.UpdateProfile(r.Context(), u.ID, sid, change)
	if errors.Is(err, db.ErrEmailTaken) {
		h.renderProfile(w, r, http.StatusUnprocessableEntity, f,
			map[string]string{"email_address": "Someone else already uses this email address."})
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if f.Avatar != nil {
		if err := h.setAvatar(r.Context(), u.ID, f.Avatar); err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	if change.PasswordDigest != "" {
		// A new password is a change of credentials: the session token
		// changes too, so one copied before is worthless.
		if err := h.sessions.RenewToken(r.Context()); err != nil {
			h.serverError(w, r, err)
			return
		}
		// Streams of the ended sign-ins close now; this one's stay.
		h.hub.DisconnectUserExcept(u.ID, sid)
	}
	h.sessions.Put(r.Context(), flashKey, "Saved.")
	h.redirect(w, r, "/users/me/profile")
}

// destroyOtherSessions signs the person out of every browser but this one:
// the ended sign-ins stop working at their next request, and their open
// streams close now.
func (h *Handler) destroyOtherSessions(w http.ResponseWriter, r *http.Request) {
	u, _ := currentUser(r.Context())
	sid := h.sessions.GetInt64(r.Context(), sessionIDKey)
	n, err := h.store.DeleteOtherUserSessions(r.Context(), u.ID, sid)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if n > 0 {
		// This tab's stream closes too and reconnects, still signed in.
		h.hub.DisconnectUser(u.ID)
	}
	msg := "You are signed out everywhere else."
	if n == 0 {
		msg = "You were signed in nowhere else."
	}
	h.sessions.Put(r.Context(), flashKey, msg)
	h.redirect(w, r, "/users/me/profile")
}
