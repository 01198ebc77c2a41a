package handlers

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/campfire-go/campfire/db"
)

// showAttachment serves a message's file, or its preview with
// ?variant=preview, to members of the message's room; to anyone else it does
// not exist (404), also once they have left the room. The type is the one
// sniffed from the content, never the uploader's word; only raster images,
// audio, video and PDF are shown in the browser, everything else downloads.
// The content under an id never changes, so it is cached for good and
// validated by its hash; ranges work (video seeking).
func (h *Handler) showAttachment(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "attachmentID")
	if err != nil {
		h.notFound(w, r)
		return
	}
	a, err := h.store.Attachment(r.Context(), id)
	if errors.Is(err, db.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if member, err := h.store.IsMember(r.Context(), a.RoomID, mustUser(r).ID); err != nil {
		h.serverError(w, r, err)
		return
	} else if !member {
		h.notFound(w, r)
		return
	}
	key, contentType := a.Key, a.ContentType
	switch r.URL.Query().Get("variant") {
	case "":
	case "preview":
		if !a.HasPreview() {
			h.notFound(w, r)
			return
		}
		key, contentType = a.PreviewKey, ""
	default:
		h.notFound(w, r)
		return
	}
	f, err := h.chat.OpenFile(key)
	if err != nil {
		// A row whose file is gone: a backup restored without its files.
		h.log.Error("attachment file missing", "attachment", a.ID, "key", key, "error", err)
		h.notFound(w, r)
		return
	}
	defer f.Close()
	if contentType == "" {
		var head [512]byte
		n, _ := io.ReadFull(f, head[:])
		contentType = http.DetectContentType(head[:n])
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			h.serverError(w, r, err)
			return
		}
	}

	hd := w.Header()
	hd.Set("Content-Type", contentType)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("ETag", `"`+key+`"`)
	// Private: only the room's members may have it, so no shared cache keeps it.
	hd.Set("Cache-Control", "private, max-age=31536000, immutable")
	disposition := "attachment"
	if showsInline(contentType) {
		disposition = "inline"
	}
	if v := mime.FormatMediaType(disposition, map[string]string{"filename": a.Filename}); v != "" {
		disposition = v
	}
	hd.Set("Content-Disposition", disposition)
	// A file opened on its own is a document of our origin: it may run
	// nothing and load nothing (a PDF viewer or a media element needs no
	// more than itself).
	hd.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'")
	http.ServeContent(w, r, "", time.Time{}, f)
}

// showsInline lists the types a browser may show itself: raster images,
// audio, video and PDF. Anything else (HTML, SVG, scripts, text that a
// browser might run or render) is only ever downloaded.
func showsInline(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch {
	case mt == "application/pdf":
		return true
	case strings.HasPrefix(mt, "image/"):
		return mt != "image/svg+xml"
	case strings.HasPrefix(mt, "audio/"), strings.HasPrefix(mt, "video/"):
		return true
	}
	return false
}
