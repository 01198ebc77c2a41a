package live

import (
	"sync"
	"time"
)

// Revoker is told of every end the hub carries out, before the streams are
// closed, so credentials checked outside the database (a stream token) end
// with the streams they opened and cannot open new ones.
type Revoker interface {
	RevokeSessions(now time.Time, sessionIDs ...int64)
	RevokeUser(now time.Time, userID, keepSessionID int64)
	RevokeRoom(now time.Time, userID, roomID int64)
}

type revokers struct {
	mu   sync.RWMutex
	list []Revoker
}

// AddRevoker adds a revoker to tell of every end.
func (h *Hub) AddRevoker(r Revoker) {
	h.revokers.mu.Lock()
	defer h.revokers.mu.Unlock()
	h.revokers.list = append(h.revokers.list, r)
}

func (h *Hub) revoke(fn func(r Revoker, now time.Time)) {
	h.revokers.mu.RLock()
	defer h.revokers.mu.RUnlock()
	now := time.Now()
	for _, r := range h.revokers.list {
		fn(r, now)
	}
}
