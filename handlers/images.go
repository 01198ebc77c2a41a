package handlers

import (
	"bytes"
	"errors"
	"image"
	"io/fs"
	"mime"
	"net/http"
	"time"

	"github.com/campfire-go/campfire/internal/files"
	"github.com/campfire-go/campfire/internal/imaging"
)

// Avatars and the logo are pictures, not documents: a file larger than this
// is refused before it is decoded (413).
const maxImageUpload = 10 << 20

// multipartMemory is how much of a multipart form is kept in memory; larger
// file parts go to temporary files.
const multipartMemory = 1 << 20

// errImageTooLarge is an image file over maxImageUpload.
var errImageTooLarge = errors.New("the image is larger than 10 MiB")

// parseImageForm reads a form that may carry an avatar or a logo, in either
// encoding: plain forms are urlencoded, forms with a file input multipart. A
// multipart body is held to an image's limit and its other fields, not the
// upload limit of attachments: a larger one is refused by its length, or
// cut off as soon as it passes the limit (a *http.MaxBytesError, 413), never
// read whole.
func parseImageForm(w http.ResponseWriter, r *http.Request) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		const limit = maxImageUpload + maxBody
		if r.ContentLength > limit {
			return &http.MaxBytesError{Limit: limit}
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		return r.ParseMultipartForm(multipartMemory)
	}
	return r.ParseForm()
}

// uploadedImage decodes the image sent in a form's file field: ok is false
// when none was chosen. A problem is a sentence for the person (422), or
// errImageTooLarge (413). Decompression bombs are refused from their header,
// before decoding (internal/imaging).
func uploadedImage(r *http.Request, field string) (img image.Image, ok bool, problem string, err error) {
	if r.MultipartForm == nil {
		return nil, false, "", nil
	}
	fhs := r.MultipartForm.File[field]
	if len(fhs) == 0 || (fhs[0].Filename == "" && fhs[0].Size == 0) {
		// A file input left empty sends a part with no name and no bytes.
		return nil, false, "", nil
	}
	fh := fhs[0]
	if fh.Size > maxImageUpload {
		return nil, true, "", errImageTooLarge
	}
	if fh.Size == 0 {
		return nil, true, "The file is empty. Choose a PNG, JPEG, GIF or WebP image.", nil
	}
	f, err := fh.Open()
	if err != nil {
		return nil, true, "", err
	}
	defer f.Close()
	img, _, err = imaging.Decode(f)
	switch {
	case errors.Is(err, imaging.ErrTooManyPixels):
		return nil, true, "The image has too many pixels. Choose one under 50 megapixels.", nil
	case errors.Is(err, imaging.ErrNotImage):
		return nil, true, "That is not an image this server reads. Choose a PNG, JPEG, GIF or WebP image.", nil
	case err != nil:
		return nil, true, "", err
	}
	return img, true, "", nil
}

// keepSquare crops img to its centre square of at most side pixels and
// writes it to the file storage, pending until its row is committed. It is
// a JPEG when opaque, else a PNG; asPNG makes it a PNG always (icons).
func (h *Handler) keepSquare(img image.Image, side int, asPNG bool) (*files.Pending, error) {
	var buf bytes.Buffer
	if err := imaging.EncodeSquare(&buf, img, side, asPNG); err != nil {
		return nil, err
	}
	return h.cfg.Files.Put(&buf, int64(buf.Len()))
}

// serveBlob answers with a stored image. When the address carries the
// image's current version (v), the answer never changes and is cached for
// a year; otherwise browsers revalidate after half an hour. scope is the
// Cache-Control scope: "private", or "public" for what anyone may see. It
// answers nothing and returns false when the file is missing from the
// storage folder (lost with a partial restore, say): the caller falls back.
func (h *Handler) serveBlob(w http.ResponseWriter, r *http.Request, key, version, scope string) bool {
	f, err := h.cfg.Files.Open(key)
	if errors.Is(err, fs.ErrNotExist) {
		h.log.Warn("stored image missing from the storage folder", "key", key)
		return false
	}
	if err != nil {
		h.serverError(w, r, err)
		return true
	}
	defer f.Close()
	hd := w.Header()
	hd.Set("ETag", `"`+key+`"`)
	if r.URL.Query().Get("v") == version {
		hd.Set("Cache-Control", scope+", max-age=31536000, immutable")
	} else {
		hd.Set("Cache-Control", scope+", max-age=1800, stale-while-revalidate=604800")
	}
	var head [512]byte
	n, _ := f.ReadAt(head[:], 0)
	hd.Set("Content-Type", http.DetectContentType(head[:n]))
	http.ServeContent(w, r, "", time.Time{}, f)
	return true
}
