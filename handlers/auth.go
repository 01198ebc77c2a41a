package handlers

import (
	"errors"
	"net/http"
	"time"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/model"
)

// Keys in the scs session. Only signed-in people have a session: the page an
// anonymous visitor asked for waits in a small signed cookie (return_to.go).
const (
	sessionIDKey = "session_id"
	flashKey     = "flash"
	// alertKey carries a one-time error to the next page (flashKey is for
	// good news).
	alertKey = "alert"
)

// loadUser puts the signed-in user, if any, in the request context. A session
// whose sign-in was ended (sign-out elsewhere, deactivation, ban) signs nobody in.
func (h *Handler) loadUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sid := h.sessions.GetInt64(r.Context(), sessionIDKey)
		if sid != 0 {
			u, err := h.store.SessionUser(r.Context(), sid)
			switch {
			case err == nil:
				r = r.WithContext(withUser(r.Context(), u))
				if r.URL.Path != "/events" {
					// A hijacked stream sends no cookie after its head.
					h.renewSession(r)
				}
			case errors.Is(err, db.ErrNotFound):
				// The sign-in ended: its session row goes too, rather than
				// being kept (and rewritten) for someone now anonymous.
				if err := h.sessions.Destroy(r.Context()); err != nil {
					h.serverError(w, r, err)
					return
				}
			default:
				h.serverError(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// renewSession moves a used session's expiry a full lifetime ahead, so only
// a sign-in left unused for the whole lifetime expires. It does so at most
// once a day (or per tenth of a short lifetime), not on every request: each
// renewal writes the session and sends a new cookie.
func (h *Handler) renewSession(r *http.Request) {
	lifetime := h.cfg.SessionLifetime
	step := min(24*time.Hour, lifetime/10)
	now := time.Now()
	if h.sessions.Deadline(r.Context()).Sub(now) < lifetime-step {
		h.sessions.SetDeadline(r.Context(), now.Add(lifetime))
	}
}

// requireUser sends anonymous visitors to sign in (or to set up the app on a
// fresh install), remembering the page they asked for.
func (h *Handler) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := currentUser(r.Context()); ok {
			next.ServeHTTP(w, r)
			return
		}
		if r.URL.Path == "/events" || wantsJSON(r) {
			h.errorPage(w, r, http.StatusUnauthorized, "Sign in first", "")
			return
		}
		if isPartial(r) {
			w.Header().Set("HX-Refresh", "true")
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.Method == http.MethodGet {
			if err := h.rememberReturnTo(w, r); err != nil {
				h.serverError(w, r, err)
				return
			}
		}
		http.Redirect(w, r, "/session/new", http.StatusSeeOther)
	})
}

// signIn starts a new session for the user: a fresh token (so a token planted
// before sign-in is worthless) pointing at a new sign-in record.
func (h *Handler) signIn(w http.ResponseWriter, r *http.Request, u model.User) (returnTo string, err error) {
	returnTo = h.takeReturnTo(w, r)
	if err := h.sessions.RenewToken(r.Context()); err != nil {
		return "", err
	}
	sid, err := h.store.CreateUserSession(r.Context(), u.ID, h.remote(r).IP, r.UserAgent())
	if err != nil {
		return "", err
	}
	h.sessions.Put(r.Context(), sessionIDKey, sid)
	if !validReturnTo(returnTo) {
		returnTo = "/"
	}
	return returnTo, nil
}
