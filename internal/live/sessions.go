package live

import "time"

// Sessions returns the sign-ins that have streams open, for a check that
// the sign-ins still stand (one ended by another process, such as
// `campfire reset-password`, is only seen in the database).
func (h *Hub) Sessions() []int64 {
	h.mu.RLock()
	defer h.mu.RUnlock()
	seen := map[int64]bool{}
	var out []int64
	for c := range h.all {
		if c.sessionID != 0 && !seen[c.sessionID] {
			seen[c.sessionID] = true
			out = append(out, c.sessionID)
		}
	}
	return out
}

// DisconnectSessions ends every stream opened with one of the sign-ins.
func (h *Hub) DisconnectSessions(sessionIDs ...int64) {
	h.revoke(func(r Revoker, now time.Time) { r.RevokeSessions(now, sessionIDs...) })
	ended := make(map[int64]bool, len(sessionIDs))
	for _, id := range sessionIDs {
		ended[id] = true
	}
	h.mu.RLock()
	var conns []*conn
	for c := range h.all {
		if ended[c.sessionID] {
			conns = append(conns, c)
		}
	}
	h.mu.RUnlock()
	for _, c := range conns {
		h.end(c)
	}
}

// DisconnectUserExcept ends the user's streams but those of one sign-in:
// after a password change, the other sign-ins have ended, the one that made
// the change has not.
func (h *Hub) DisconnectUserExcept(userID, keepSessionID int64) {
	h.revoke(func(r Revoker, now time.Time) { r.RevokeUser(now, userID, keepSessionID) })
	h.mu.RLock()
	var conns []*conn
	for c := range h.byUser[userID] {
		if keepSessionID == 0 || c.sessionID != keepSessionID {
			conns = append(conns, c)
		}
	}
	h.mu.RUnlock()
	for _, c := range conns {
		h.end(c)
	}
}
