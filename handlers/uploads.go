package handlers

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/campfire-go/campfire/internal/chat"
)

// uploadRoutes are the only routes whose multipart bodies may be as large as
// a file upload (Config.MaxUpload); every other body keeps maxBody, so no
// handler that reads a form can be made to spool a large body.
var uploadRoutes = []struct {
	methods string
	path    *regexp.Regexp
}{
	{"POST", regexp.MustCompile(`^/rooms/[^/]+/messages$`)},
	{"POST", regexp.MustCompile(`^/rooms/[^/]+/[^/]+/messages$`)}, // bots
	// Pictures: avatars, the logo and bots' avatars (handlers/images.go).
	// Forms PUT them with _method, which is read after this limit is set.
	{"POST PUT PATCH", regexp.MustCompile(`^/users/me/profile$`)},
	{"POST PUT PATCH", regexp.MustCompile(`^/account$`)},
	{"POST PUT PATCH", regexp.MustCompile(`^/account/bots(/[^/]+)?$`)},
}

func acceptsFiles(r *http.Request) bool {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "multipart/form-data" {
		return false
	}
	for _, u := range uploadRoutes {
		if strings.Contains(u.methods, r.Method) && u.path.MatchString(r.URL.Path) {
			return true
		}
	}
	return false
}

// limitBodies bounds every request body: maxBody, or for an upload the
// largest file plus maxBody for the rest of the form. A body declared larger
// is refused before any of it is read.
func (h *Handler) limitBodies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := int64(maxBody)
		upload := acceptsFiles(r)
		if upload {
			limit += h.cfg.MaxUpload
		}
		if r.ContentLength > limit {
			w.Header().Set("Connection", "close")
			if upload {
				h.tooLarge(w, r, (&chat.TooLargeError{Limit: h.cfg.MaxUpload}).Error())
				return
			}
			http.Error(w, "Request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		if upload {
			r.Body = &readDeadline{ReadCloser: r.Body, rc: http.NewResponseController(w)}
		}
		next.ServeHTTP(w, r)
	})
}

// tooLarge answers 413 in the client's language: JSON for bots, a page or
// fragment for browsers.
func (h *Handler) tooLarge(w http.ResponseWriter, r *http.Request, detail string) {
	switch {
	case botKeyInPath.MatchString(r.URL.Path) || wantsJSON(r):
		botJSONError(w, http.StatusRequestEntityTooLarge, detail)
	case isPartial(r):
		// The composer shows the answer's text as the reason.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		_, _ = w.Write([]byte(detail))
	default:
		h.errorPage(w, r, http.StatusRequestEntityTooLarge, "Too large", detail)
	}
}

// uploadIdle is how long an upload may send nothing before it is cut off.
// The server's ReadTimeout (a minute for the whole request) cannot fit a
// large file on a slow line, so an upload's deadline moves on as it arrives.
const uploadIdle = time.Minute

type readDeadline struct {
	io.ReadCloser
	rc       *http.ResponseController
	extended time.Time
}

func (d *readDeadline) Read(p []byte) (int, error) {
	if now := time.Now(); now.Sub(d.extended) > time.Second {
		d.extended = now
		_ = d.rc.SetReadDeadline(now.Add(uploadIdle))
	}
	return d.ReadCloser.Read(p)
}

// uploadForm is a multipart form read as it streams: its text fields, and
// its one file already in the storage folder.
type uploadForm struct {
	fields map[string]string
	file   *chat.Upload
}

// errNoForm says the body could not be read as a multipart form.
var errNoForm = errors.New("the form could not be read")

// readUploadForm reads a multipart body part by part: text fields (together
// at most maxBody) into memory, the part named fileField into the storage
// folder through chat.Upload, never held whole. A second file, or a file in
// another field, is refused. The caller releases form.file. Errors:
// *chat.TooLargeError, *chat.ValidationError, *http.MaxBytesError, errNoForm.
func (h *Handler) readUploadForm(r *http.Request, fileField string) (form uploadForm, err error) {
	defer func() {
		if err != nil {
			form.file.Release()
			form.file = nil
		}
	}()
	mr, err := r.MultipartReader()
	if err != nil {
		return form, errNoForm
	}
	form.fields = make(map[string]string)
	budget := int64(maxBody)
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return form, nil
		}
		if err != nil {
			return form, asFormError(err)
		}
		name := part.FormName()
		if part.FileName() == "" && name != fileField {
			b, err := io.ReadAll(io.LimitReader(part, budget+1))
			if err != nil {
				return form, asFormError(err)
			}
			if budget -= int64(len(b)); budget < 0 {
				return form, &http.MaxBytesError{Limit: maxBody}
			}
			if _, seen := form.fields[name]; !seen {
				form.fields[name] = string(b)
			}
			continue
		}
		if name != fileField || form.file != nil {
			return form, &chat.ValidationError{Message: "A message carries one file, in " + fileField + "."}
		}
		// A file input left empty still sends its part, with no name and no
		// content.
		if part.FileName() == "" {
			if n, err := io.Copy(io.Discard, io.LimitReader(part, 1)); err != nil || n > 0 {
				return form, &chat.ValidationError{Message: "The file has no name."}
			}
			continue
		}
		form.file, err = h.chat.Upload(r.Context(), part, part.FileName())
		if err != nil {
			var tl *chat.TooLargeError
			var ve *chat.ValidationError
			if errors.As(err, &tl) || errors.As(err, &ve) {
				return form, err
			}
			return form, asFormError(err)
		}
	}
}

func asFormError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return mbe
	}
	var tl *chat.TooLargeError
	if errors.As(err, &tl) {
		return tl
	}
	return errNoForm
}

// isMultipart reports whether the request carries a multipart form.
func isMultipart(r *http.Request) bool {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return ct == "multipart/form-data"
}
