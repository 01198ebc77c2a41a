package handlers

import (
	"net/http"
)

// secureCookiesOverTLS marks every cookie Secure on requests that reached us
// over HTTPS: directly, or through a trusted proxy that says so in
// X-Forwarded-Proto. The session manager's Secure flag is fixed at start, and
// one deployment may be reached both ways (a health check over plain HTTP on
// the private network, browsers over TLS); a cookie set over TLS must never
// travel back in clear.
func (h *Handler) secureCookiesOverTLS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h.cfg.SecureCookies || !h.remote(r).TLS {
			next.ServeHTTP(w, r)
			return
		}
		sw := &secureCookieWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		// Nothing written: the server sends the headers after we return.
		sw.markSecure()
	})
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
