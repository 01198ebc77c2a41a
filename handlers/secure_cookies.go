package handlers

import (
	"net/http"
	"strings"
)

// secureCookiesOverTLS marks every cookie Secure on requests that reached us
// over HTTPS: directly, or through a trusted proxy that says so in
// X-Forwarded-Proto. The session manager's Secure flag is fixed at start, and
// one deployment may be reached both ways (a health check over plain HTTP on
// the private network, browsers over TLS); a cookie set over TLS must never
// travel back in clear.
func (h *Handler) secureCookiesOverTLS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h.cfg.SecureCookies || !h.overTLS(r) {
			next.ServeHTTP(w, r)
			return
		}
		sw := &secureCookieWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		// Nothing written: the server sends the headers after we return.
		sw.markSecure()
	})
}

// overTLS reports whether the browser's connection is HTTPS. Behind a proxy
// only the proxy knows; its word counts only when we trust it.
func (h *Handler) overTLS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if !h.cfg.TrustProxy {
		return false
	}
	proto := r.Header.Get("X-Forwarded-Proto")
	if i := strings.LastIndexByte(proto, ','); i >= 0 {
		proto = proto[i+1:]
	}
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}

// secureCookieWriter adds Secure to the Set-Cookie headers just before they
// are sent.
type secureCookieWriter struct {
	http.ResponseWriter
	done bool
}

func (w *secureCookieWriter) markSecure() {
	if w.done {
		return
	}
	w.done = true
	cookies := w.Header()["Set-Cookie"]
	for i, v := range cookies {
		if c, err := http.ParseSetCookie(v); err == nil && !c.Secure {
			cookies[i] = v + "; Secure"
		}
	}
}

func (w *secureCookieWriter) WriteHeader(code int) {
	w.markSecure()
	w.ResponseWriter.WriteHeader(code)
}

func (w *secureCookieWriter) Write(b []byte) (int, error) {
	w.markSecure()
	return w.ResponseWriter.Write(b)
}

// Flush keeps event streams working through this writer.
func (w *secureCookieWriter) Flush() {
	w.markSecure()
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *secureCookieWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
