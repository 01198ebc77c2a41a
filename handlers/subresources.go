package handlers

import (
	"net/http"
	"strings"
)

// refuseSubresources answers 400 when the browser asks for a signed-in
// address to fill an <img>, <script>, <link>, <audio> or the like rather
// than for the person (a navigation) or for our own scripts (fetch, htmx,
// EventSource: "empty"). Some GETs act for the person — opening a room or
// its stream marks it read, as in Campfire — and an image in a message must
// not make every reader's browser do that as them (issue 19, item 8). The
// sanitizer already keeps message images to our attachments; this holds for
// any markup, stored before that rule or to come. Sec-Fetch-Dest is set by
// every current browser and cannot be set by a page.
func (h *Handler) refuseSubresources(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch dest := r.Header.Get("Sec-Fetch-Dest"); dest {
		case "", "document", "empty":
		case "image":
			if !embeddableImage(r.URL.Path) {
				h.badRequest(w, r, "This address is not an image.")
				return
			}
		default:
			h.badRequest(w, r, "This address can't be loaded as a "+dest+".")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// embeddableImage lists the signed-in addresses our pages load as images:
// avatars, attachments with their previews, and link previews' images.
func embeddableImage(path string) bool {
	return (strings.HasPrefix(path, "/users/") && strings.HasSuffix(path, "/avatar")) ||
		strings.HasPrefix(path, "/attachments/") ||
		(strings.HasPrefix(path, "/messages/") && strings.HasSuffix(path, "/preview_image"))
}
