package live

// HasStreams reports whether the user has any stream open, so callers can skip
// rendering a per-user fragment nobody would receive.
func (h *Hub) HasStreams(userID int64) bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.byUser[userID]) > 0
}
