package handlers

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/campfire-go/campfire/internal/live"
)

// stream serves a tab's Server-Sent Events. The cursor is the later of the
// Last-Event-ID a reconnecting browser sends and the after= the page rendered;
// htmx's extension reopens streams without Last-Event-ID after an error, so
// the page keeps after= current too.
func (h *Handler) stream(w http.ResponseWriter, r *http.Request) {
	u := mustUser(r)
	q := r.URL.Query()
	roomID, err := parseID(q.Get("room_id"))
	if err != nil {
		h.badRequest(w, r, "room_id must be a room's id.")
		return
	}
	after, err := parseCursor(q.Get("after"))
	if err != nil {
		h.badRequest(w, r, "after must be an event id.")
		return
	}
	// A malformed Last-Event-ID can only come from a confused client; the
	// after= cursor still stands, so it is ignored rather than refused.
	if leid, err := parseCursor(strings.TrimSpace(r.Header.Get("Last-Event-ID"))); err == nil {
		after = max(after, leid)
	}
	room, err := h.store.MemberRoom(r.Context(), roomID, u.ID)
	if err != nil {
		h.notFound(w, r)
		return
	}
	if room, err = h.chat.MarkRead(r.Context(), room, u.ID); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.hub.Serve(w, r, live.Stream{
		UserID:    u.ID,
		RoomID:    room.ID,
		SessionID: h.sessions.GetInt64(r.Context(), sessionIDKey),
		Addr:      h.remote(r).IP,
		Replay: func(ctx context.Context, emit func(live.Frame) error) error {
			last := after
			err := h.chat.Replay(ctx, room.ID, after, func(f live.Frame) error {
				last = max(last, f.ID)
				return emit(f)
			})
			if err != nil {
				return err
			}
			return h.chat.EmitPresence(ctx, room.ID, last, emit)
		},
	})
}

// parseCursor reads an event id: empty is 0, anything else must be a
// non-negative integer.
func parseCursor(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, errBadID
	}
	return n, nil
}
