package live

import "time"

// PresentUserIDs returns the users with a visible stream on the room.
func (h *Hub) PresentUserIDs(roomID int64) []int64 {
	h.mu.RLock()
	defer h.mu.RUnlock()
	rm := h.byRoom[roomID]
	if rm == nil {
		return nil
	}
	ids := make([]int64, 0, len(rm.visible))
	for id := range rm.visible {
		ids = append(ids, id)
	}
	return ids
}

// IsPresent reports whether the user has a visible stream on the room.
func (h *Hub) IsPresent(roomID, userID int64) bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	rm := h.byRoom[roomID]
	return rm != nil && rm.visible[userID] > 0
}

// SetVisible records that the user's tabs on the room were hidden or shown
// again (a hidden tab does not count as reading the room).
func (h *Hub) SetVisible(roomID, userID int64, visible bool) {
	h.mu.Lock()
	rm := h.byRoom[roomID]
	if rm == nil {
		h.mu.Unlock()
		return
	}
	changed := false
	for c := range h.byUser[userID] {
		if c.roomID != roomID || c.hidden == !visible {
			continue
		}
		c.hidden = !visible
		delta := 1
		if !visible {
			delta = -1
		}
		if rm.setVisible(userID, delta) {
			changed = true
		}
	}
	h.mu.Unlock()
	if changed {
		h.presenceChanged(roomID, userID, visible)
	}
}

// Connections returns how many streams are open.
func (h *Hub) Connections() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.all)
}

// HasStreams reports whether the user has any stream open, so callers can skip
// rendering a per-user fragment nobody would receive.
func (h *Hub) HasStreams(userID int64) bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.byUser[userID]) > 0
}

// DisconnectUser ends every stream of a user (deactivated, banned, signed out).
func (h *Hub) DisconnectUser(userID int64) {
	h.revoke(func(r Revoker, now time.Time) { r.RevokeUser(now, userID, 0) })
	h.mu.RLock()
	conns := append(setSlice(h.byUser[userID], 0), setSlice(h.bots[userID], 0)...)
	h.mu.RUnlock()
	for _, c := range conns {
		h.end(c)
	}
}

// DisconnectUserFromRoom ends the user's streams on a room they left or were
// removed from. A bot's streams stay open but follow the room no more.
func (h *Hub) DisconnectUserFromRoom(userID, roomID int64) {
	h.revoke(func(r Revoker, now time.Time) { r.RevokeRoom(now, userID, roomID) })
	h.mu.Lock()
	for c := range h.bots[userID] {
		h.leaveBotRoom(c, roomID)
	}
	h.mu.Unlock()
	h.mu.RLock()
	var conns []*conn
	for c := range h.byUser[userID] {
		if c.roomID == roomID {
			conns = append(conns, c)
		}
	}
	h.mu.RUnlock()
	for _, c := range conns {
		h.end(c)
	}
}
