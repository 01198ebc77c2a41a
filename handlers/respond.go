package handlers

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/a-h/templ"
	"github.com/campfire-go/campfire/views"
)

// isPartial reports whether htmx asked for a fragment: a plain htmx request,
// not a boosted navigation or a history restore, which want whole pages.
func isPartial(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" &&
		r.Header.Get("HX-Boosted") == "" &&
		r.Header.Get("HX-History-Restore-Request") == ""
}

// render writes a component with a status. It renders into a buffer first so
// that a failure becomes a clean error page, not half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var b bytes.Buffer
	if err := c.Render(r.Context(), &b); err != nil {
		h.serverError(w, r, err)
		return
	}
	writeHTML(w, status, b.Bytes())
}

// writeHTML answers with an HTML page or fragment rendered already.
func writeHTML(w http.ResponseWriter, status int, html []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Add("Vary", "HX-Request")
	w.WriteHeader(status)
	_, _ = w.Write(html)
}

// redirect sends the browser on after a form: 303 for plain forms, and
// HX-Redirect for htmx, which would otherwise swap the next page into a fragment.
func (h *Handler) redirect(w http.ResponseWriter, r *http.Request, url string) {
	if isPartial(r) {
		w.Header().Set("HX-Redirect", url)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, url, http.StatusSeeOther)
}

// page fills what every page knows about the request.
func (h *Handler) page(r *http.Request, title string) views.Page {
	p := views.Page{Title: title, Nonce: nonceFrom(r.Context())}
	if u, ok := currentUser(r.Context()); ok {
		p.CurrentUserID = u.ID
		p.CurrentUserAdmin = u.IsAdmin()
	}
	if a, err := h.store.Account(r.Context()); err == nil {
		p.CustomStyles = a.CustomStyles
		p.LogoKey = a.LogoKey
		if title == "" {
			p.Title = a.Name
		}
	}
	if p.Title == "" {
		p.Title = "Campfire"
	}
	return p
}

func (h *Handler) errorPage(w http.ResponseWriter, r *http.Request, status int, heading, detail string) {
	if isPartial(r) || wantsJSON(r) {
		if wantsJSON(r) {
			writeJSON(w, status, map[string]string{"error": heading})
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(heading))
		return
	}
	h.render(w, r, status, views.ErrorPage(h.page(r, heading), status, heading, detail))
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.errorPage(w, r, http.StatusNotFound, "Not found", "There is nothing at this address, or it is not yours to see.")
}

func (h *Handler) notFoundPage(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) }

func (h *Handler) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	h.errorPage(w, r, http.StatusMethodNotAllowed, "Method not allowed", "")
}

func (h *Handler) forbidden(w http.ResponseWriter, r *http.Request) {
	h.errorPage(w, r, http.StatusForbidden, "Not allowed", "You don't have permission to do that.")
}

func (h *Handler) badRequest(w http.ResponseWriter, r *http.Request, detail string) {
	h.errorPage(w, r, http.StatusBadRequest, "Bad request", detail)
}

func (h *Handler) unprocessable(w http.ResponseWriter, r *http.Request, detail string) {
	h.errorPage(w, r, http.StatusUnprocessableEntity, "Can't do that", detail)
}

// serverError logs the cause once and shows a generic page: internal error
// text never reaches the client.
func (h *Handler) serverError(w http.ResponseWriter, r *http.Request, err error) {
	attrs := []any{"method", r.Method, "path", logPath(r), "error", err}
	if u, ok := currentUser(r.Context()); ok {
		attrs = append(attrs, "user_id", u.ID)
	}
	if r.Context().Err() != nil {
		// The client left, so the work was cut short; anyone can do that at
		// will, so it is no error of the server's and must not fill its log.
		h.log.Debug("request abandoned", attrs...)
		return
	}
	h.log.Error("request failed", attrs...)
	h.errorPage(w, r, http.StatusInternalServerError, "Something went wrong", "Please try again in a moment.")
}

func wantsJSON(r *http.Request) bool {
	return r.Header.Get("Accept") == "application/json"
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
