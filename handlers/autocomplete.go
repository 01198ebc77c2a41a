package handlers

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/views"
)

// maxAutocomplete is how many people an autocomplete answer lists.
const maxAutocomplete = 20

type autocompleteUser struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	AvatarURL string `json:"avatar_url"`
}

// autocompleteUsers answers the @mention and direct-room pickers: active
// people and bots (bots can be mentioned, and pinged in a direct room) whose
// name, or a word of it, starts with the query, ignoring case. With room_id
// only that room's members are listed, and the room must be the asker's.
// Names are plain text: a client must insert them as text, not markup.
func (h *Handler) autocompleteUsers(w http.ResponseWriter, r *http.Request) {
	u := mustUser(r)
	q := r.URL.Query()
	query := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(q.Get("query")), "@"))
	if !utf8.ValidString(query) || len(query) > 200 {
		h.badRequest(w, r, "query must be short UTF-8 text.")
		return
	}
	roomID, err := queryID(r, "room_id")
	if err != nil {
		h.badRequest(w, r, "room_id must be a room's id.")
		return
	}
	if roomID != 0 {
		if _, err := h.store.MemberRoom(r.Context(), roomID, u.ID); errors.Is(err, db.ErrNotFound) {
			h.notFound(w, r)
			return
		} else if err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	users, err := h.store.ActiveUsers(r.Context(), roomID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	out := make([]autocompleteUser, 0, maxAutocomplete)
	client := h.remote(r)
	// Whole-name prefix matches come first, then matches on a later word.
	for pass := 0; pass < 2 && len(out) < maxAutocomplete; pass++ {
		for _, c := range users {
			if len(out) == maxAutocomplete {
				break
			}
			if nameMatch(c.Name, query) == pass {
				out = append(out, autocompleteUser{ID: c.ID, Name: c.Name, AvatarURL: client.url(views.AvatarURL(c.ID, c.AvatarKey))})
			}
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// nameMatch is 0 when name starts with query, 1 when a later word of it
// does, and -1 otherwise; case is ignored (Unicode simple folding).
func nameMatch(name, query string) int {
	if hasPrefixFold(name, query) {
		return 0
	}
	words := strings.Fields(name)
	for _, w := range words[min(1, len(words)):] {
		if hasPrefixFold(w, query) {
			return 1
		}
	}
	return -1
}

func hasPrefixFold(s, prefix string) bool {
	for _, pr := range prefix {
		r, size := utf8.DecodeRuneInString(s)
		if size == 0 || !equalFoldRune(r, pr) {
			return false
		}
		s = s[size:]
	}
	return true
}

func equalFoldRune(a, b rune) bool {
	return strings.EqualFold(string(a), string(b))
}
