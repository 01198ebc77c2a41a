package handlers

import (
	"bytes"
	"context"
	"errors"
	"image"
	"net/http"
	"strconv"
	"time"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/files"
	"github.com/campfire-go/campfire/static"
	"github.com/campfire-go/campfire/views"
)

// logoSizes are the squares made of an uploaded logo: the largest (manifest
// icon, up to 512 px), 192 (manifest icon, the header, push notifications)
// and 32 (the favicon).
var logoSizes = [3]int{512, 192, 32}

// ourIcons are the project's own icons, served while the account has no logo.
var ourIcons = map[int]string{512: "images/icon-512.png", 192: "images/icon-192.png", 32: "images/icon-32.png"}

// showLogo serves the account's logo, or the project's icon, as a square of
// ?size= 32, 192 or 512 pixels (512 when absent). Anyone may fetch it: the
// sign-in page has a favicon too.
func (h *Handler) showLogo(w http.ResponseWriter, r *http.Request) {
	size := 512
	if v := r.URL.Query().Get("size"); v != "" {
		n, err := strconv.Atoi(v)
		if _, ok := ourIcons[n]; err != nil || !ok {
			h.notFound(w, r)
			return
		}
		size = n
	}
	h.serveLogo(w, r, size)
}

// favicon answers the /favicon.ico every browser asks for with the 32-pixel
// logo (a PNG, which every browser takes at that address).
func (h *Handler) favicon(w http.ResponseWriter, r *http.Request) { h.serveLogo(w, r, 32) }

func (h *Handler) serveLogo(w http.ResponseWriter, r *http.Request, size int) {
	logo, err := h.store.AccountLogo(r.Context())
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		h.serverError(w, r, err)
		return
	}
	key := map[int]string{512: logo.Key, 192: logo.Key192, 32: logo.Key32}[size]
	// Anyone may see the logo, so shared caches may keep it too.
	if key != "" && h.serveBlob(w, r, key, views.URLVersion(logo.Key), "public") {
		return
	}
	icon, err := static.ReadFile(ourIcons[size])
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=300, stale-while-revalidate=604800")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(icon))
}

// setLogo stores img as the account's logo in its three sizes and lets the
// old one go.
func (h *Handler) setLogo(ctx context.Context, img image.Image) error {
	var blobs []files.Blob
	for _, side := range logoSizes {
		p, err := h.keepSquare(img, side, true)
		if err != nil {
			return err
		}
		defer p.Release()
		blobs = append(blobs, p.Blob)
	}
	old, err := h.store.SetLogo(ctx, blobs)
	if err != nil {
		return err
	}
	h.chat.ReleaseFiles(ctx, old.Keys()...)
	return nil
}

// destroyLogo goes back to the project's icon (administrators).
func (h *Handler) destroyLogo(w http.ResponseWriter, r *http.Request) {
	old, err := h.store.SetLogo(r.Context(), nil)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.chat.ReleaseFiles(r.Context(), old.Keys()...)
	h.sessions.Put(r.Context(), flashKey, "The logo is removed.")
	h.redirect(w, r, "/account/edit")
}
