package handlers

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/campfire-go/campfire/internal/live"
	"github.com/go-chi/chi/v5"
)

// errBotKeyChanged ends a stream whose key was reset (or whose bot was
// deactivated) while it was being opened.
var errBotKeyChanged = errors.New("bot key no longer valid")

// botStream serves a bot's own event stream (SPEC §14): every change in
// every room the bot is in, as JSON, replayed from the log after the
// Last-Event-ID (or after=) cursor, so a bot needs no public URL to hear
// its rooms. The key is the only credential, as for the bot API.
func (h *Handler) botStream(w http.ResponseWriter, r *http.Request) {
	bot, ok := h.keyedBot(w, r)
	if !ok {
		return
	}
	// Unlike a tab, a bot may ask for everything: a cursor of 0 replays the
	// whole log, and only no cursor at all starts from now.
	after := int64(-1)
	if q := r.URL.Query(); q.Has("after") {
		var err error
		if after, err = parseCursor(q.Get("after")); err != nil || q.Get("after") == "" {
			botJSONError(w, http.StatusBadRequest, "after must be an event id")
			return
		}
	}
	if v := strings.TrimSpace(r.Header.Get("Last-Event-ID")); v != "" {
		if leid, err := parseCursor(v); err == nil {
			after = max(after, leid)
		}
	}
	rooms, err := h.store.BotRoomIDs(r.Context(), bot.ID)
	if err != nil {
		h.botServerError(w, r, err)
		return
	}
	client := h.remote(r)
	base := client.origin()
	key := chi.URLParam(r, "botKey")
	h.hub.Serve(w, r, live.Stream{
		UserID: bot.ID,
		Addr:   client.IP,
		Bot:    &live.BotStream{Rooms: rooms, Base: base},
		Replay: func(ctx context.Context, emit func(live.Frame) error) error {
			// The stream is registered now: a key reset from here on ends
			// it, and one before is seen here.
			if _, err := h.store.BotByKey(ctx, key); err != nil {
				return errBotKeyChanged
			}
			return h.chat.ReplayBot(ctx, rooms, after, base, emit)
		},
	})
}
