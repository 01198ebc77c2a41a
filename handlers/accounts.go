package handlers

import (
	"image"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/internal/richtext"
	"github.com/campfire-go/campfire/views"
)

// requireAdmin refuses everyone but administrators with 403.
func (h *Handler) requireAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, ok := currentUser(r.Context()); !ok || !u.IsAdmin() {
			h.forbidden(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// editAccount shows the account: administrators get its settings, the join
// link and the people with their roles; members see the same, read-only.
func (h *Handler) editAccount(w http.ResponseWriter, r *http.Request) {
	a, err := h.store.Account(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.renderAccount(w, r, http.StatusOK, a, a.Name, nil)
}

func (h *Handler) renderAccount(w http.ResponseWriter, r *http.Request, status int, a model.Account, name string, errs map[string]string) {
	u := mustUser(r)
	users, err := h.store.AccountUsers(r.Context(), u.IsAdmin())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	page := h.page(r, "Account settings")
	page.Notice = h.sessions.PopString(r.Context(), flashKey)
	h.render(w, r, status, views.AccountPage(page, views.AccountPageProps{
		Account: a, Viewer: u, Name: name, Errors: errs,
		JoinURL: h.remote(r).url(views.JoinURL(a.JoinCode)),
		Users:   users,
	}))
}

// accountForm is what PUT /account may change; a field left out of the
// request keeps its value.
type accountForm struct {
	Name     string
	Restrict bool
	// Logo is a new logo picked in the form, nil when none was.
	Logo image.Image
}

const restrictField = "account[settings][restrict_room_creation_to_administrators]"

func parseAccountForm(w http.ResponseWriter, r *http.Request, current model.Account) (accountForm, map[string]string, error) {
	if err := parseImageForm(w, r); err != nil {
		return accountForm{}, nil, err
	}
	f := accountForm{Name: current.Name, Restrict: current.RestrictRoomCreation}
	errs := map[string]string{}
	logo, _, problem, err := uploadedImage(r, "account[logo]")
	if err != nil {
		return accountForm{}, nil, err
	}
	f.Logo = logo
	if problem != "" {
		errs["logo"] = problem
	}
	if vs, ok := r.PostForm["account[name]"]; ok {
		f.Name = strings.TrimSpace(vs[len(vs)-1])
		switch n := utf8.RuneCountInString(f.Name); {
		case !utf8.ValidString(f.Name) || n == 0:
			errs["name"] = "Enter a name for the account."
		case n > 100:
			errs["name"] = "Use at most 100 characters."
		default:
			if p := richtext.LineProblem(f.Name); p != "" {
				errs["name"] = p
			}
		}
	}
	vs, ok := r.PostForm[restrictField]
	if !ok {
		vs, ok = r.PostForm["account[restrict_room_creation_to_administrators]"]
	}
	if ok {
		// A checkbox follows its hidden "false" twin; the last value wins.
		switch vs[len(vs)-1] {
		case "true", "1", "on":
			f.Restrict = true
		case "false", "0", "":
			f.Restrict = false
		default:
			errs["restrict"] = "restrict_room_creation_to_administrators is true or false."
		}
	}
	return f, errs, nil
}

func (h *Handler) updateAccount(w http.ResponseWriter, r *http.Request) {
	a, err := h.store.Account(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	f, errs, err := parseAccountForm(w, r, a)
	if err != nil {
		h.formError(w, r, err)
		return
	}
	if len(errs) > 0 {
		if errs["name"] == "" && errs["logo"] == "" {
			h.unprocessable(w, r, errs["restrict"])
			return
		}
		h.renderAccount(w, r, http.StatusUnprocessableEntity, a, f.Name, errs)
		return
	}
	if err := h.store.UpdateAccount(r.Context(), f.Name, f.Restrict); err != nil {
		h.serverError(w, r, err)
		return
	}
	if f.Logo != nil {
		if err := h.setLogo(r.Context(), f.Logo); err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	h.sessions.Put(r.Context(), flashKey, "Saved.")
	h.redirect(w, r, "/account/edit")
}

// resetJoinCode makes a new join code; the old link stops working at once.
func (h *Handler) resetJoinCode(w http.ResponseWriter, r *http.Request) {
	if err := h.store.SetJoinCode(r.Context(), newJoinCode()); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.sessions.Put(r.Context(), flashKey, "There is a new join link; the old one no longer works.")
	h.redirect(w, r, "/account/edit")
}
