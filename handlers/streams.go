package handlers

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/campfire-go/campfire/internal/live"
)

// streamEntry opens a tab's stream on the token its page was given, checked
// in memory, or else through the session like any signed-in request. A token
// that is missing, expired, revoked or for another room only sends the
// request the cookie's way, so a token never lets in anyone the cookie
// would not.
func (h *Handler) streamEntry(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if tok := q.Get("token"); tok != "" && h.tokens != nil {
		if roomID, err := parseID(q.Get("room_id")); err == nil {
			if c, err := h.tokens.Check(tok, roomID, time.Now()); err == nil {
				h.refuseSubresources(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					after, ok := h.streamCursor(w, r)
					if !ok {
						return
					}
					h.chat.MarkReadSoon(c.RoomID, c.UserID)
					h.serveRoomStream(w, r, c.UserID, c.RoomID, c.SessionID, after)
				})).ServeHTTP(w, r)
				return
			}
		}
	}
	h.cookieStream.ServeHTTP(w, r)
}

// stream serves a tab's Server-Sent Events on the session's word.
func (h *Handler) stream(w http.ResponseWriter, r *http.Request) {
	u := mustUser(r)
	roomID, err := parseID(r.URL.Query().Get("room_id"))
	if err != nil {
		h.badRequest(w, r, "room_id must be a room's id.")
		return
	}
	after, ok := h.streamCursor(w, r)
	if !ok {
		return
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
	h.serveRoomStream(w, r, u.ID, room.ID, h.sessions.GetInt64(r.Context(), sessionIDKey), after)
}

// streamCursor is where a stream starts: the later of the Last-Event-ID a
// reconnecting browser sends and the after= the page rendered. htmx's
// extension reopens streams without Last-Event-ID after an error, so the page
// keeps after= current too.
func (h *Handler) streamCursor(w http.ResponseWriter, r *http.Request) (int64, bool) {
	after, err := parseCursor(r.URL.Query().Get("after"))
	if err != nil {
		h.badRequest(w, r, "after must be an event id.")
		return 0, false
	}
	// A malformed Last-Event-ID can only come from a confused client; the
	// after= cursor still stands, so it is ignored rather than refused.
	if leid, err := parseCursor(strings.TrimSpace(r.Header.Get("Last-Event-ID"))); err == nil {
		after = max(after, leid)
	}
	return after, true
}

func (h *Handler) serveRoomStream(w http.ResponseWriter, r *http.Request, userID, roomID, sessionID, after int64) {
	h.hub.Serve(w, r, live.Stream{
		UserID:    userID,
		RoomID:    roomID,
		SessionID: sessionID,
		Addr:      h.remote(r).IP,
		Replay: func(ctx context.Context, emit func(live.Frame) error) error {
			last := after
			err := h.chat.Replay(ctx, roomID, after, func(f live.Frame) error {
				last = max(last, f.ID)
				return emit(f)
			})
			if err != nil {
				return err
			}
			return h.chat.EmitPresence(ctx, roomID, last, emit)
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
