package handlers

import (
	"net"
	"net/http"
	"strings"
)

// remote is the browser at the other end of a request, as far as this
// deployment can know it: its address, whether it came over TLS, and the host
// it asked for. Everything that depends on the client reads it here (links,
// Secure cookies, bans, rate limits, the sign-in list, logs), so no two of
// them can disagree about one request.
type remote struct {
	// IP is the browser's address, or the connection's when it has none.
	IP string
	// TLS reports whether the browser's connection is HTTPS.
	TLS bool
	// Host is the host (and port) the browser asked for.
	Host string
	// base is the configured address of the app (Config.BaseURL), if any.
	base string
}

// remote reads the request's client. Without a trusted proxy that is the
// connection itself. Behind one (Config.TrustProxy) it is what the proxy says:
// the right-most X-Forwarded-For and X-Forwarded-Proto entries, the ones it
// added. Everything left of them came from the browser, which can write any
// header it likes, so an entry that is missing or unreadable falls back to the
// connection, never to an entry further left.
func (h *Handler) remote(r *http.Request) remote {
	c := remote{IP: r.RemoteAddr, TLS: r.TLS != nil, Host: r.Host, base: h.cfg.BaseURL}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		c.IP = host
	}
	if !h.cfg.TrustProxy {
		return c
	}
	if ip := net.ParseIP(lastForwarded(r.Header, "X-Forwarded-For")); ip != nil {
		c.IP = ip.String()
	}
	// The proxy knows how the browser reached it; our own connection is only
	// from the proxy.
	switch strings.ToLower(lastForwarded(r.Header, "X-Forwarded-Proto")) {
	case "https":
		c.TLS = true
	case "http":
		c.TLS = false
	}
	return c
}

// origin is the app's address for absolute URLs: the configured one, else
// the scheme and host the browser used. The Host header is the client's to
// write, so a deployment that sets its address never echoes it.
func (c remote) origin() string {
	if c.base != "" {
		return c.base
	}
	if c.TLS {
		return "https://" + c.Host
	}
	return "http://" + c.Host
}

// url turns a path into a link that works when copied elsewhere (a join link,
// a sign-in link, a QR code, a bot's curl line).
func (c remote) url(path string) string { return c.origin() + path }

// lastForwarded is the right-most entry of a list header such as
// X-Forwarded-For. A proxy may append its entry to the browser's line or add
// a line of its own (HAProxy's option forwardfor does), so every line counts,
// in order, as one list.
func lastForwarded(h http.Header, key string) string {
	lines := h.Values(key)
	if len(lines) == 0 {
		return ""
	}
	last := lines[len(lines)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	return strings.TrimSpace(last)
}
