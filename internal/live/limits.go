package live

import (
	"io"
	"net/http"
	"net/netip"
	"strconv"
	"time"
)

// Limits bound how many streams one person, one address and the whole server
// may hold, so that nobody can take every file descriptor with streams and
// leave ordinary requests (and everyone else's pages) hanging. Zero means no
// limit.
type Limits struct {
	// PerUser is streams per signed-in person: a few dozen tabs is plenty.
	PerUser int
	// PerAddress is streams per client address (per /64 for IPv6). Loopback
	// is exempt: behind a reverse proxy that is not trusted, every client
	// would share the proxy's address.
	PerAddress int
	// Total is every stream together; the server sets it below its file
	// descriptor limit to keep a reserve for ordinary requests.
	Total int
}

// RetryAfter is how long a refused tab is asked to wait before trying again.
const RetryAfter = 15 * time.Second

// admit counts c against the limits, or reports false when one is reached.
// An admitted stream is released by remove (or by add when the hub closes).
func (h *Hub) admit(c *conn) bool {
	h.admitMu.Lock()
	defer h.admitMu.Unlock()
	l := h.limits
	switch {
	case l.Total > 0 && h.admitted >= l.Total,
		l.PerUser > 0 && h.userStreams[c.userID] >= l.PerUser,
		l.PerAddress > 0 && c.addr != "" && h.addrStreams[c.addr] >= l.PerAddress:
		return false
	}
	h.admitted++
	h.userStreams[c.userID]++
	if c.addr != "" {
		h.addrStreams[c.addr]++
	}
	c.admitted = true
	return true
}

// release gives back what admit counted for c, once.
func (h *Hub) release(c *conn) {
	h.admitMu.Lock()
	defer h.admitMu.Unlock()
	if !c.admitted {
		return
	}
	c.admitted = false
	h.admitted--
	if h.userStreams[c.userID]--; h.userStreams[c.userID] <= 0 {
		delete(h.userStreams, c.userID)
	}
	if c.addr != "" {
		if h.addrStreams[c.addr]--; h.addrStreams[c.addr] <= 0 {
			delete(h.addrStreams, c.addr)
		}
	}
}

// refuse answers a stream over a limit: 429 with Retry-After, and the same
// delay as an SSE retry field for clients that read the body.
func refuse(w http.ResponseWriter) {
	hd := w.Header()
	setStreamHeaders(hd)
	secs := int(RetryAfter / time.Second)
	hd.Set("Retry-After", strconv.Itoa(secs))
	w.WriteHeader(http.StatusTooManyRequests)
	_, _ = io.WriteString(w, "retry: "+strconv.Itoa(secs*1000)+"\n\n")
}

// addressKey is the address a stream counts against: the IP, its /64 for
// IPv6 (one client usually holds a whole /64), and "" (not counted) for
// loopback or anything unparsable.
func addressKey(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return ""
	}
	ip = ip.Unmap().WithZone("")
	switch {
	case ip.IsLoopback():
		return ""
	case ip.Is6():
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}
