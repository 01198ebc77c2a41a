package live

// PresentUserIDs returns the users with a visible stream on the room.
func (h *Hub) PresentUserIDs(roomID int64) []int64 {
	h.mu.RLock()
	defer h.mu.RUnlock()
	seen := map[int64]struct{}{}
	var ids []int64
	for c := range h.byRoom[roomID] {
		if c.hidden.Load() {
			continue
		}
		if _, ok := seen[c.userID]; !ok {
			seen[c.userID] = struct{}{}
			ids = append(ids, c.userID)
		}
	}
	return ids
}

// IsPresent reports whether the user has a visible stream on the room.
func (h *Hub) IsPresent(roomID, userID int64) bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.userPresentLocked(roomID, userID, nil)
}

// SetVisible records that the user's tabs on the room were hidden or shown
// again (a hidden tab does not count as reading the room).
func (h *Hub) SetVisible(roomID, userID int64, visible bool) {
	h.mu.Lock()
	before := h.userPresentLocked(roomID, userID, nil)
	for c := range h.byRoom[roomID] {
		if c.userID == userID {
			c.hidden.Store(!visible)
		}
	}
	after := h.userPresentLocked(roomID, userID, nil)
	h.mu.Unlock()
	if before != after {
		h.presenceChanged(roomID, userID, after)
	}
}

// Connections returns how many streams are open.
func (h *Hub) Connections() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.conns)
}

// DisconnectUser ends every stream of a user (deactivated, banned, signed out).
func (h *Hub) DisconnectUser(userID int64) {
	h.mu.RLock()
	var conns []*conn
	for c := range h.byUser[userID] {
		conns = append(conns, c)
	}
	h.mu.RUnlock()
	for _, c := range conns {
		c.cancel()
	}
}

// DisconnectUserFromRoom ends the user's streams on a room they left or were
// removed from.
func (h *Hub) DisconnectUserFromRoom(userID, roomID int64) {
	h.mu.RLock()
	var conns []*conn
	for c := range h.byRoom[roomID] {
		if c.userID == userID {
			conns = append(conns, c)
		}
	}
	h.mu.RUnlock()
	for _, c := range conns {
		c.cancel()
	}
}
