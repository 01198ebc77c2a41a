package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/avatar"
)

// showAvatar draws a person's initials avatar. It changes only with their
// name, so browsers keep it half an hour and then revalidate by ETag.
func (h *Handler) showAvatar(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "userID")
	if err != nil {
		h.notFound(w, r)
		return
	}
	u, err := h.store.User(r.Context(), id)
	if errors.Is(err, db.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	sum := sha256.Sum256([]byte("avatar-v1\x00" + strconv.FormatInt(u.ID, 10) + "\x00" + u.Name))
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "private, max-age=1800, stale-while-revalidate=604800")
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	_, _ = w.Write(avatar.SVG(u.ID, u.Name))
}

// etagMatches reports whether an If-None-Match header names etag (or is *).
func etagMatches(header, etag string) bool {
	for _, tag := range strings.Split(header, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" || tag == etag || tag == "W/"+etag {
			return true
		}
	}
	return false
}
