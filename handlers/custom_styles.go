package handlers

import (
	"net/http"
	"unicode/utf8"

	"github.com/campfire-go/campfire/views"
)

// maxCustomStyles bounds the CSS sent with every page.
const maxCustomStyles = 64 << 10

func (h *Handler) editCustomStyles(w http.ResponseWriter, r *http.Request) {
	a, err := h.store.Account(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	page := h.page(r, "Custom styles")
	page.Notice = h.sessions.PopString(r.Context(), flashKey)
	h.render(w, r, http.StatusOK, views.CustomStylesPage(page, views.CustomStylesProps{CSS: a.CustomStyles}))
}

// updateCustomStyles stores the CSS as written; the layout escapes anything
// that could end its <style> element when it places it on a page.
func (h *Handler) updateCustomStyles(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		h.formError(w, r, err)
		return
	}
	css, ok := r.PostForm["account[custom_styles]"]
	if !ok {
		h.unprocessable(w, r, "Send the CSS as account[custom_styles].")
		return
	}
	value := css[len(css)-1]
	problem := ""
	switch {
	case !utf8.ValidString(value):
		problem = "The CSS is not valid UTF-8 text."
	case len(value) > maxCustomStyles:
		problem = "Use at most 64 KB of CSS."
	}
	if problem != "" {
		h.render(w, r, http.StatusUnprocessableEntity, views.CustomStylesPage(h.page(r, "Custom styles"),
			views.CustomStylesProps{CSS: value, Error: problem}))
		return
	}
	if err := h.store.SetCustomStyles(r.Context(), value); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.sessions.Put(r.Context(), flashKey, "Saved.")
	h.redirect(w, r, "/account/custom_styles/edit")
}
