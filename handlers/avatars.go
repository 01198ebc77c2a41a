package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"net/http"
	"strconv"
	"strings"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/avatar"
	"github.com/campfire-go/campfire/views"
)

// avatarSide is the largest an avatar is kept: a square of 512 pixels.
const avatarSide = 512

// showAvatar serves a person's uploaded avatar, or draws their initials.
// The initials change only with their name, so browsers keep them half an
// hour and then revalidate by ETag; an uploaded avatar's address carries its
// version, so that one is kept for good.
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
	if u.AvatarKey != "" && h.serveBlob(w, r, u.AvatarKey, views.URLVersion(u.AvatarKey), "private") {
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

// setAvatar stores img as the user's avatar (a centre square of at most 512
// pixels) and lets the one it replaces go.
func (h *Handler) setAvatar(ctx context.Context, userID int64, img image.Image) error {
	p, err := h.keepSquare(img, avatarSide, false)
	if err != nil {
		return err
	}
	defer p.Release()
	old, err := h.store.SetAvatar(ctx, userID, &p.Blob)
	if err != nil {
		return err
	}
	h.chat.ReleaseFiles(ctx, old)
	return nil
}

// removeAvatar goes back to the user's initials.
func (h *Handler) removeAvatar(ctx context.Context, userID int64) error {
	old, err := h.store.SetAvatar(ctx, userID, nil)
	if err != nil {
		return err
	}
	h.chat.ReleaseFiles(ctx, old)
	return nil
}

// destroyAvatar removes the current person's own avatar.
func (h *Handler) destroyAvatar(w http.ResponseWriter, r *http.Request) {
	u := mustUser(r)
	if err := h.removeAvatar(r.Context(), u.ID); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.sessions.Put(r.Context(), flashKey, "Your avatar is removed.")
	h.redirect(w, r, "/users/me/profile")
}

// destroyBotAvatar removes a bot's avatar (administrators).
func (h *Handler) destroyBotAvatar(w http.ResponseWriter, r *http.Request) {
	b, ok := h.routeBot(w, r)
	if !ok {
		return
	}
	if err := h.removeAvatar(r.Context(), b.ID); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.redirect(w, r, views.BotURL(b.ID)+"/edit")
}
