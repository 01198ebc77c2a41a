package handlers

import "net/http"

// absoluteURL turns a path into a link that works when copied elsewhere (a
// join link, a sign-in link, a QR code): the scheme and host the browser used,
// as the reverse proxy reports them when it is trusted.
func (h *Handler) absoluteURL(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if h.cfg.TrustProxy {
		switch p := r.Header.Get("X-Forwarded-Proto"); p {
		case "http", "https":
			scheme = p
		}
	}
	return scheme + "://" + r.Host + path
}
