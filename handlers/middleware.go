package handlers

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/campfire-go/campfire/internal/httpx"
)

// maxBody bounds every request body; a message of 10,000 characters of rich
// text fits with room to spare.
const maxBody = 1 << 20

// methodOverride lets plain HTML forms, which can only POST, ask for PUT, PATCH
// or DELETE with a _method field. The body is read and put back, so handlers
// that want the raw body (bots post plain text as a form) still get it.
func methodOverride(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			if m := overrideMethod(w, r); m != "" {
				r.Method = m
			}
		}
		next.ServeHTTP(w, r)
	})
}

func overrideMethod(w http.ResponseWriter, r *http.Request) string {
	m := r.URL.Query().Get("_method")
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); m == "" && ct == "application/x-www-form-urlencoded" {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				r.Body = io.NopCloser(errReader{err})
			}
			return ""
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		// Parsed in full, not searched for "_method=": a percent-encoded key
		// means the same field and must not slip past.
		if vals, err := url.ParseQuery(string(body)); err == nil {
			m = vals.Get("_method")
		}
	}
	switch strings.ToUpper(m) {
	case http.MethodPut, http.MethodPatch, http.MethodDelete:
		return strings.ToUpper(m)
	}
	return ""
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// securityHeaders sets a strict Content-Security-Policy (with a per-request
// nonce for the page's own style element) and the usual hardening headers.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [16]byte
		_, _ = rand.Read(b[:])
		nonce := base64.RawStdEncoding.EncodeToString(b[:])
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; "+
			"style-src 'self' 'nonce-"+nonce+"'; img-src 'self' data:; media-src 'self'; "+
			"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		next.ServeHTTP(w, r.WithContext(contextWithNonce(r.Context(), nonce)))
	})
}

func (h *Handler) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				h.log.Error("panic", "method", r.Method, "path", logPath(r), "client", h.remote(r).IP, "panic", v, "stack", string(debug.Stack()))
				http.Error(w, "Something went wrong.", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func (h *Handler) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &httpx.StatusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		h.log.Debug("request", "method", r.Method, "path", logPath(r), "status", sw.Status,
			"client", h.remote(r).IP, "duration_ms", float64(time.Since(start).Microseconds())/1000)
	})
}

// botKeyInPath finds the key of a bot API path (/rooms/{id}/{bot id}-{token}/…).
var botKeyInPath = regexp.MustCompile(`^(/rooms/[^/]*/)[0-9]+-[^/]*`)

// logPath is the request's path as logs may keep it: a bot's key is its only
// credential, so it is replaced; logs are read by more people, for longer,
// than the key is meant to be.
func logPath(r *http.Request) string {
	return botKeyInPath.ReplaceAllString(r.URL.Path, "${1}[bot-key]")
}
