package handlers

import (
	"context"
	"errors"
	"net/http"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/views"
)

// blockBannedIPs answers 429 to any request that could change something
// (anything but GET and HEAD) from a banned address, signed in or not.
func (h *Handler) blockBannedIPs(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			banned, err := h.store.IsBannedIP(r.Context(), h.remote(r).IP)
			if err != nil {
				h.serverError(w, r, err)
				return
			}
			if banned {
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				w.WriteHeader(http.StatusTooManyRequests)
				_, _ = w.Write([]byte("Too many requests\n"))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// createBan bans a person: their public addresses are blocked from posting,
// their sessions and streams end, and every message they wrote is removed
// live, each removal an event that replays. Banning again finishes a removal
// that was interrupted.
func (h *Handler) createBan(w http.ResponseWriter, r *http.Request) {
	viewer := mustUser(r)
	id, err := pathID(r, "userID")
	if err != nil {
		h.notFound(w, r)
		return
	}
	if id == viewer.ID {
		h.unprocessable(w, r, "You can't ban yourself.")
		return
	}
	_, err = h.store.BanUser(r.Context(), id)
	if h.userChangeFailed(w, r, err) {
		return
	}
	h.hub.DisconnectUser(id)
	// The removal runs to the end even if the administrator's browser gives
	// up waiting; what is left of it is finished by banning again.
	if err := h.removeMessagesOf(context.WithoutCancel(r.Context()), id); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.sessions.Put(r.Context(), flashKey, "Banned.")
	h.redirect(w, r, views.UserURL(id))
}

func (h *Handler) removeMessagesOf(ctx context.Context, userID int64) error {
	msgs, err := h.store.MessagesByCreator(ctx, userID)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if err := h.chat.Delete(ctx, m); err != nil && !errors.Is(err, db.ErrNotFound) {
			return err
		}
	}
	return nil
}

// deleteBan lifts a ban: the person may sign in again and their addresses
// may post. Removed messages stay removed.
func (h *Handler) deleteBan(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "userID")
	if err != nil {
		h.notFound(w, r)
		return
	}
	switch err := h.store.UnbanUser(r.Context(), id); {
	case errors.Is(err, db.ErrNotFound):
		h.notFound(w, r)
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	h.sessions.Put(r.Context(), flashKey, "Ban removed.")
	h.redirect(w, r, views.UserURL(id))
}
