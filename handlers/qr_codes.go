package handlers

import (
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/campfire-go/campfire/internal/qrcode"
	"github.com/go-chi/chi/v5"
)

// maxQRText bounds what /qr_code encodes: links are far shorter, and a bigger
// symbol is unreadable on a screen anyway.
const maxQRText = 1024

// showQRCode draws the URL-safe base64 text of the route as an SVG QR code.
// The image depends only on the address, so it is cached for a year.
func (h *Handler) showQRCode(w http.ResponseWriter, r *http.Request) {
	enc := chi.URLParam(r, "code")
	if len(enc) > base64.URLEncoding.EncodedLen(maxQRText)+2 {
		h.errorPage(w, r, http.StatusRequestURITooLong, "Too long", "A QR code holds at most 1024 bytes here.")
		return
	}
	// Padded and unpadded spellings are both accepted; Strict refuses
	// stray bits and characters outside the URL-safe alphabet.
	text, err := base64.RawURLEncoding.Strict().DecodeString(strings.TrimRight(enc, "="))
	if err != nil || len(text) == 0 {
		h.badRequest(w, r, "The QR code's text must be URL-safe base64.")
		return
	}
	if len(text) > maxQRText {
		h.errorPage(w, r, http.StatusRequestURITooLong, "Too long", "A QR code holds at most 1024 bytes here.")
		return
	}
	svg, err := qrcode.SVG(string(text))
	if err != nil {
		h.unprocessable(w, r, "That text can't be drawn as a QR code.")
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, _ = w.Write(svg)
}
